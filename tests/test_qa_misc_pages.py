"""QA findings on three pages: the draft payroll file, read by a person, is named in the manager's language (the
exported payroll files keep English names); the profile of a trainee who manages an organisation does not call them
just "Trainee"; a page with several forms repeats no id (each CSRF field is rendered without one)."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

from flask_babel import get_translations

from lms import db
from lms.accounts.models import SiteRole
from lms.i18n import in_language
from lms.orgs.models import MemberRole
from tests.conftest import html_text
from tests.test_payroll_draft_and_early_export import MID, acme  # noqa: F401 (a fixture)

TEMPLATES = Path(__file__).resolve().parents[1] / "templates"


def _file_name(response) -> str:
    found = re.fullmatch(r'attachment; filename="([^"]+)"', response.headers["Content-Disposition"])
    assert found, response.headers["Content-Disposition"]
    return found.group(1)


# ---------------------------------------------------------------- the draft payroll file


def _spanish(app, monkeypatch, words: str) -> None:
    """The Spanish catalog's words for "DRAFT-timesheet", whatever the catalog says now (translated or not yet)."""
    with app.test_request_context(), in_language("es"):
        monkeypatch.setitem(get_translations()._catalog, "DRAFT-timesheet", words)


def test_the_draft_payroll_file_is_named_in_the_managers_language(app, client, u, login, acme, monkeypatch):  # noqa: F811
    _org, manager, _ana = acme
    login(manager)
    path = u("lms.hours.draft_payroll", org_slug="acme", start=MID.isoformat())
    assert _file_name(client.get(path)) == "DRAFT-timesheet-acme-2026-03-01-2026-03-15.csv"
    _spanish(app, monkeypatch, "BORRADOR-hoja-de-horas-de-capacitación")  # accents folded for any disk
    manager.locale = "es"
    db.session.commit()
    assert _file_name(client.get(path)) == "BORRADOR-hoja-de-horas-de-capacitacion-acme-2026-03-01-2026-03-15.csv"


def test_the_apis_draft_keeps_its_english_name(app, client, u, login, acme, monkeypatch):  # noqa: F811
    _org, manager, _ana = acme
    _spanish(app, monkeypatch, "BORRADOR-hoja-de-horas")
    manager.locale = "es"
    db.session.commit()
    login(manager)
    response = client.get("/api/v1/orgs/acme/timesheets/draft.csv", query_string={
        "start": "2026-03-01", "end": "2026-03-15"})
    assert _file_name(response) == "DRAFT-timesheet-acme-2026-03-01-2026-03-15.csv"


# ---------------------------------------------------------------- the profile's roles


def _signed_in_line(page: str) -> str:
    return re.search(r"Signed in as [^\n]*?\.(?= |$)", html_text(page)).group(0)


def test_a_trainee_who_manages_is_not_called_just_trainee(client, u, make_user, make_org, login):
    boss = make_user("employer@example.org", name="Bea Boss")
    make_org("acme", manager=boss, name="Acme Clinic")
    login(boss)
    page = client.get(u("lms.accounts.profile")).text
    assert _signed_in_line(page) == "Signed in as employer@example.org."
    assert "(Trainee)" not in html_text(page) and "Manager at Acme Clinic" in html_text(page)


def test_other_people_see_their_site_role(client, u, make_user, make_org, add_member, login):
    staff = make_user("ana@example.org", name="Ana")
    add_member(make_org("acme", name="Acme Clinic"), staff, MemberRole.MEMBER)
    login(staff)
    page = client.get(u("lms.accounts.profile")).text
    assert _signed_in_line(page) == "Signed in as ana@example.org (Trainee)."
    assert "Staff member at Acme Clinic" in html_text(page)
    trainer = make_user("tina@example.org", name="Tina", role=SiteRole.TRAINER)
    make_org("beta", manager=trainer, name="Beta Health")
    login(trainer)
    assert _signed_in_line(client.get(u("lms.accounts.profile")).text) == "Signed in as tina@example.org (Trainer)."


# ---------------------------------------------------------------- no repeated ids


def _repeated_ids(page: str) -> dict[str, int]:
    return {i: n for i, n in Counter(re.findall(r'\sid="([^"]+)"', page)).items() if n > 1}


def test_the_people_page_with_several_people_repeats_no_id(client, u, make_user, login):
    admin = make_user("root@example.org", name="Ada Admin", role=SiteRole.ADMIN)
    for n in range(4):
        make_user(f"p{n}@example.org", name=f"Person {n}")
    make_user("gone@example.org", name="Gone Person").is_active = False  # the enable form in its row
    db.session.commit()
    login(admin)
    page = client.get(u("lms.admin.users")).text
    assert page.count('name="csrf_token"') >= 7  # a role form per other person, an enable form, the sign-out form
    assert _repeated_ids(page) == {}


def test_the_profile_with_its_several_forms_repeats_no_id(client, u, make_user, login):
    login(make_user())
    page = client.get(u("lms.accounts.profile")).text
    assert page.count('name="csrf_token"') >= 3 and _repeated_ids(page) == {}


def test_no_template_renders_a_csrf_field_with_its_id():
    """``form.csrf_token()`` writes id="csrf_token", once per form: two forms on a page repeat it."""
    found = [f"{path.relative_to(TEMPLATES)}: {line.strip()}" for path in TEMPLATES.rglob("*.html")
             for line in path.read_text(encoding="utf-8").splitlines() if re.search(r"\.csrf_token\(\)", line)]
    assert found == []
