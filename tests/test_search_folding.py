"""Searches for people ignore accents and case on both databases: an administrator typing "maria" on a US keyboard
finds "María", on the People page (``/admin/users?q=``) and in the audit log's "Made by"/"About" filters. LIKE's
wildcards in the text still match only themselves, and the Python fold agrees with the SQL one letter by letter."""

from __future__ import annotations

import unicodedata

import pytest
from sqlalchemy import literal, select

from lms import db
from lms.accounts.models import SiteRole
from lms.search_text import FOLDED_LETTERS, contains_pattern, fold, folded
from tests.conftest import html_text


@pytest.fixture
def people(make_user):
    admin = make_user("ada@example.org", name="Ada Admin", role=SiteRole.ADMIN)
    return {
        "admin": admin,
        "maria": make_user("maria.lopez@example.org", name="María López"),
        "jose": make_user("jose@example.org", name="José Ramírez"),
        "nunez": make_user("tere@example.org", name="Teresa Núñez"),
        "percent": make_user("percent@example.org", name="Rate 100% Sure"),
        "plain": make_user("other@example.org", name="Plain Person"),
    }


def _listed(client, u, q: str) -> str:
    """The People page's table, for the search ``q``."""
    page = client.get(u("lms.admin.users", q=q))
    assert page.status_code == 200
    return html_text(page.get_data(as_text=True))


@pytest.mark.parametrize(("typed", "found", "not_found"), [
    ("maria", "María López", "José Ramírez"),
    ("MARIA", "María López", "José Ramírez"),
    ("JOSE", "José Ramírez", "María López"),
    ("Nunez", "Teresa Núñez", "María López"),
    ("Nuñez", "Teresa Núñez", "María López"),
    ("núñez", "Teresa Núñez", "José Ramírez"),
    ("ramirez", "José Ramírez", "Teresa Núñez"),
    ("maria.lopez@EXAMPLE", "María López", "José Ramírez"),
    ("tere@example.org", "Teresa Núñez", "María López"),
])
def test_people_page_search_ignores_accents_and_case(client, u, login, people, typed, found, not_found):
    login(people["admin"])
    listed = _listed(client, u, typed)
    assert found in listed
    assert not_found not in listed and "Plain Person" not in listed


def test_people_page_wildcards_match_only_themselves(client, u, login, people):
    login(people["admin"])
    listed = _listed(client, u, "%")
    assert "Rate 100% Sure" in listed
    assert "María López" not in listed and "Plain Person" not in listed


@pytest.mark.parametrize(("typed", "expected"), [
    ("maria", "María López (maria.lopez@example.org)"),
    ("JOSE", "José Ramírez (jose@example.org)"),
    ("Nunez", "Teresa Núñez (tere@example.org)"),
    ("Nuñez", "Teresa Núñez (tere@example.org)"),
])
@pytest.mark.parametrize("which", ["by", "about"])
def test_audit_log_person_filters_ignore_accents_and_case(client, u, login, people, typed, expected, which):
    login(people["admin"])
    page = client.get(u("lms.admin.audit_log", **{which: typed}))
    assert page.status_code == 200
    text = html_text(page.get_data(as_text=True))
    lead = "Changes made by" if which == "by" else "Changes about"
    assert f"{lead} {expected}." in text
    assert "user.registered" in text


def test_audit_log_wildcards_match_only_themselves(client, u, login, people):
    login(people["admin"])
    text = html_text(client.get(u("lms.admin.audit_log", about="0%")).get_data(as_text=True))
    assert "Changes about Rate 100% Sure (percent@example.org)." in text
    for typed in ("a%z", "a_a"):  # as wildcards, "a_a" would find "Ada Admin"
        text = html_text(client.get(u("lms.admin.audit_log", about=typed)).get_data(as_text=True))
        assert f"Nobody's name or email address contains “{typed}”." in text


def test_python_and_sql_fold_agree_on_every_letter(app):
    """Each accented letter of the table folds to the same plain letter in Python, in SQL on this database, and by
    Unicode's own decomposition; so do a plain letter, a letter outside the table and a wildcard."""
    letters = [*FOLDED_LETTERS, "A", "z", "ß", "%", "ø"]
    query = select(*[folded(literal(letter)) for letter in letters])
    in_sql = db.session.execute(query).one()
    for letter, sql in zip(letters, in_sql, strict=True):
        assert sql == fold(letter), (letter, sql, fold(letter))
    for letter, plain in FOLDED_LETTERS.items():
        decomposed = "".join(c for c in unicodedata.normalize("NFKD", letter) if not unicodedata.combining(c))
        assert fold(letter) == plain == decomposed.casefold() and plain.isascii(), letter
    assert {"á", "é", "í", "ó", "ú", "ü", "ñ", "Ñ", "Á", "ç", "ã", "ô", "ạ", "ễ"} <= FOLDED_LETTERS.keys()
    assert fold("José NÚÑEZ") == "jose nunez"
    assert fold("Straße") == "straße"  # lower-cased only, as the databases do


def test_pattern_escapes_wildcards():
    assert contains_pattern("Núñez_100%\\") == "%nunez\\_100\\%\\\\%"


def test_null_folds_to_null(app):
    assert db.session.execute(select(folded(literal(None)))).scalar_one() is None
