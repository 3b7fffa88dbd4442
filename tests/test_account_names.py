"""People's names are stored as they print: NFC, no bidi controls or invisible characters, single spaces, and at
least one letter or digit. Every place a name is set goes through :mod:`lms.accounts.names`."""

from __future__ import annotations

import io
import unicodedata

import pytest
from sqlalchemy import func, select

from lms import db
from lms.accounts import services as accounts
from lms.accounts.models import PendingSignup, User
from lms.accounts.names import InvalidName, clean_name, normalize_name
from lms.orgs import invitations
from lms.orgs import services as orgs
from lms.orgs.models import Invitation, Membership
from tests.conftest import PASSWORD
from tests.signup_support import open_signup_link

REFUSED = "Enter a name with at least one letter or number."

INVISIBLE = [
    "\u200b",  # zero-width space
    "\u2060\ufeff",  # word joiner, byte-order mark
    "\u0301\u0308",  # combining marks with nothing to sit on
    " \u200b \u00a0\u3000 ",  # whitespace of several kinds around a zero-width space
    "\u202e\u2066\u200f",  # bidi controls alone
    "\u3164",  # Hangul filler: a "letter" that prints nothing
    "- . -",  # visible, but no letter or digit
]

KEPT = [
    "Nguyễn Văn An",
    "محمد علي",
    "王小明",
    "José María López-Núñez",
    "Zoë O'Brien",
    "نیک\u200cنام",  # Persian: the zero-width non-joiner between two letters is part of the spelling
    "Trần Thị Bích Ngọc",
    "Սարգիս",
]


@pytest.mark.parametrize(
    "raw, stored",
    [
        ("Juan \u202eztiroM", "Juan ztiroM"),  # stored as it prints, not "Juan Moritz"
        ("\u2066Ana\u2069 \u200eLópez\u200f", "Ana López"),
        ("  Ana\t\n  María\u00a0\u00a0López ", "Ana María López"),
        ("Nguye\u0302\u0303n", "Nguyễn"),  # decomposed input, stored composed (NFC)
        ("Ana\u200b María", "Ana María"),
        ("\u0301Juan \u0301Pérez", "Juan Pérez"),
        ("Ana\u200c", "Ana"),  # a joiner with no letter after it
    ],
)
def test_normalize_name(raw, stored):
    assert normalize_name(raw) == stored
    assert unicodedata.is_normalized("NFC", normalize_name(raw))


@pytest.mark.parametrize("name", KEPT)
def test_names_in_other_scripts_are_kept_as_typed(name):
    assert clean_name(name) == name


@pytest.mark.parametrize("raw", INVISIBLE)
def test_a_name_with_nothing_visible_is_refused_by_the_service(app, raw):
    with pytest.raises(InvalidName) as refused:
        accounts.register_user("someone@example.org", raw, PASSWORD)
    assert REFUSED in refused.value.message
    assert db.session.scalar(select(func.count(User.id))) == 0


def test_register_and_update_profile_store_the_normalised_name(app, make_user):
    user = accounts.register_user("juan@example.org", "Juan \u202eztiroM", PASSWORD)
    assert user.name == "Juan ztiroM"
    accounts.update_profile(user, name=" Nguye\u0302\u0303n\u200b  Văn ", locale=None, timezone=None)
    assert user.name == "Nguyễn Văn"
    with pytest.raises(InvalidName):
        accounts.update_profile(user, name="\u200b\u2060", locale=None, timezone=None)


# ---------------------------------------------------------------- forms


def _signup(client, u, name: str, email: str = "new@example.org"):
    return client.submit(
        u("lms.accounts.signup"), {"name": name, "email": email, "password": PASSWORD, "confirm": PASSWORD, "agree": "y"}
    )


@pytest.mark.parametrize("raw", INVISIBLE)
def test_signup_refuses_a_name_with_nothing_visible(client, u, raw):
    response = _signup(client, u, raw)
    assert response.status_code == 200
    assert REFUSED in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(User.id))) == 0
    assert db.session.scalar(select(func.count(PendingSignup.id))) == 0


@pytest.mark.parametrize(
    "raw, stored",
    [
        ("Juan \u202eztiroM", "Juan ztiroM"),
        ("Nguye\u0302\u0303n Văn An", "Nguyễn Văn An"),
        ("محمد علي", "محمد علي"),
        ("王小明", "王小明"),
    ],
)
def test_signup_stores_the_normalised_name(client, u, raw, stored, mailbox):
    assert _signup(client, u, raw).status_code == 302
    assert db.session.scalar(select(PendingSignup.name)) == stored  # until the emailed link is opened
    open_signup_link(client, mailbox, "new@example.org")
    assert db.session.scalar(select(User.name)) == stored


def test_profile_refuses_an_invisible_name_and_normalises_a_visible_one(client, u, make_user, login):
    user = make_user(name="Keep Me")
    login(user)
    data = {"locale": "en", "timezone": "America/Los_Angeles"}
    refused = client.submit(u("lms.accounts.profile"), {**data, "name": "\ufeff \u0301"})
    assert refused.status_code == 200 and REFUSED in refused.get_data(as_text=True)
    db.session.refresh(user)
    assert user.name == "Keep Me"
    assert client.submit(u("lms.accounts.profile"), {**data, "name": " Zoë \u2066Ann\u2069 "}).status_code == 302
    db.session.refresh(user)
    assert user.name == "Zoë Ann"


INVITE = {
    "email": "lupe@example.org",
    "employee_id": "E-1",
    "job_title": "Promotora",
    "employment_start": "2026-02-01",
    "employment_type": "employee",
    "role": "member",
}


def test_invitation_name_is_normalised_and_an_invisible_one_refused(client, u, manager, mailbox):
    path = u("lms.orgs.invite", org_slug="acme")
    refused = client.submit(path, {**INVITE, "name": "\u200b\u200b"})
    assert refused.status_code == 200 and REFUSED in refused.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Invitation.id))) == 0 and mailbox == []
    assert client.submit(path, {**INVITE, "name": "Lupe \u202eztrO"}).status_code == 302
    assert db.session.scalar(select(Invitation.name)) == "Lupe ztrO"


def test_invitation_service_keeps_no_invisible_name(app, make_org):
    org = make_org("acme")
    manager = db.session.execute(select(Membership)).scalar_one().user
    blank, _raw = invitations.invite(org, "a@example.org", "\u200b\u2060", orgs.Employment(), manager, 14)
    named, _raw = invitations.invite(org, "b@example.org", " Ana\u200f  López ", orgs.Employment(), manager, 14)
    assert (blank.name, named.name) == (None, "Ana López")  # no name: the invitee types theirs when accepting


def test_invited_signup_refuses_an_invisible_name(app, client, u, make_org):
    org = make_org("acme")
    manager = db.session.execute(select(Membership)).scalar_one().user
    _invitation, raw = invitations.invite(org, "newbie@example.org", None, orgs.Employment(), manager, 14)
    db.session.commit()
    path = u("lms.orgs.accept", token=raw)
    form = {"password": PASSWORD, "confirm": PASSWORD, "agree": "y"}
    refused = client.submit(path, {**form, "csrf_token": client.csrf_token(path), "name": "\u2060 \u0308"})
    assert refused.status_code == 200 and REFUSED in refused.get_data(as_text=True)
    assert accounts.get_user_by_email("newbie@example.org") is None
    done = client.submit(path, {**form, "csrf_token": client.csrf_token(path), "name": "Trần \u202bThị\u202c Bích"})
    assert done.status_code == 302
    assert accounts.get_user_by_email("newbie@example.org").name == "Trần Thị Bích"


def _upload(client, u, text: str):
    return client.submit(
        u("lms.orgs.roster_import", org_slug="acme"),
        {"file": (io.BytesIO(text.encode()), "roster.csv")},
        content_type="multipart/form-data",
    )


def test_roster_refuses_invisible_names_and_normalises_the_others(client, u, manager, mailbox):
    bad = "email,name\na@example.org,\u200b\u2060\nb@example.org,- -\nc@example.org,Ana López\n"
    response = _upload(client, u, bad)
    text = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Line 2: the name is empty" in text and "Line 3: the name has no letter or number" in text
    assert db.session.scalar(select(func.count(Invitation.id))) == 0
    assert _upload(client, u, "email,name\nc@example.org,\u202eAna\u202c  López\n").status_code == 302
    assert db.session.scalar(select(Invitation.name)) == "Ana López"


def test_signatory_name_is_normalised_and_an_invisible_one_refused(client, u, manager):
    from tests.test_orgs import VALID_SETTINGS

    path = u("lms.orgs.settings", org_slug="acme")
    refused = client.submit(path, {**VALID_SETTINGS, "signatory_name": "\u200b"})
    assert refused.status_code == 200 and REFUSED in refused.get_data(as_text=True)
    assert client.submit(path, {**VALID_SETTINGS, "signatory_name": "Dr. Ana\u202e Ruiz"}).status_code == 302
    assert orgs.get_org("acme").signatory_name == "Dr. Ana Ruiz"


def test_cli_create_user_refuses_an_invisible_name(runner):
    result = runner.invoke(args=["lms", "create-user", "--email", "t@example.org", "--name", "\u200b\u202e", "--password", PASSWORD])
    assert result.exit_code != 0 and REFUSED in result.output
    assert accounts.get_user_by_email("t@example.org") is None
    result = runner.invoke(
        args=["lms", "create-user", "--email", "t@example.org", "--name", "Juan \u202eztiroM", "--password", PASSWORD]
    )
    assert result.exit_code == 0, result.output
    assert accounts.get_user_by_email("t@example.org").name == "Juan ztiroM"
