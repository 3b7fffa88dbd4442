"""The audit log reads in words: every action recorded anywhere in ``lms/`` has a title (and is in the action filter),
the data of a row shows under labels in the reader's language with its values formatted (money, time, dates, people,
statuses); a change that changes nothing is not recorded; and the CE compliance list marks a disabled account."""

from __future__ import annotations

import ast
import re
from datetime import date
from pathlib import Path

import pytest
from babel.numbers import format_currency
from sqlalchemy import func, select

from lms import audit, db
from lms.accounts import admin_actions
from lms.accounts.models import SiteRole
from lms.audit import AuditEvent
from lms.catalog.archive import KINDS
from lms.hours.models import EntrySource, EntryStatus, HoursEntry
from lms.live.models import RegistrationStatus
from lms.orgs import services as orgs
from lms.web import audit_display
from tests.conftest import html_text

LMS = Path(__file__).resolve().parent.parent / "lms"
#: Keys of ``audit.record`` that are not data.
NOT_DATA = {"reason", "org_id"}


def _action_calls() -> list[tuple[str, ast.Call]]:
    calls = []
    for path in sorted(LMS.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "record"
                    and isinstance(node.func.value, ast.Name) and node.func.value.id == "audit"):
                calls.append((str(path.relative_to(LMS.parent)), node))
    return calls


def _actions(path: str, node: ast.Call) -> list[str]:
    """The actions one ``audit.record`` call can write. Actions built at run time are expanded from what they are built
    of; an unknown way of building one fails, so that a new one is not silently missed."""
    first = node.args[0]
    if isinstance(first, ast.Constant) and isinstance(first.value, str):
        return [first.value]
    if isinstance(first, ast.IfExp) and all(isinstance(b, ast.Constant) for b in (first.body, first.orelse)):
        return [first.body.value, first.orelse.value]
    if isinstance(first, ast.Name) and (named := _module_strings(path).get(first.id)):
        return [named]  # a module-level constant, e.g. ``CONFIRM_SENT = "user.email_confirmation_sent"``
    source = ast.unparse(first)
    if source == "'registration.' + status.value":
        return ["registration." + status.value for status in RegistrationStatus]
    if match := re.fullmatch(r"f'\{KINDS\[type\(obj\)\]\}\.(\w+)'", source):
        return [f"{kind}.{match[1]}" for kind in KINDS.values()]
    raise AssertionError(f"{path}:{node.lineno}: the test cannot tell which actions {source} writes: teach it")


def _module_strings(path: str) -> dict[str, str]:
    """The module-level ``NAME = "text"`` assignments of a file of lms/."""
    tree = ast.parse((LMS.parent / path).read_text(encoding="utf-8"))
    return {node.targets[0].id: node.value.value for node in tree.body
            if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name)
            and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str)}


def _recorded() -> dict[str, set[str]]:
    """Every action recorded in lms/ → the data keys its calls name."""
    found: dict[str, set[str]] = {}
    for path, node in _action_calls():
        keys = {kw.arg for kw in node.keywords if kw.arg is not None} - NOT_DATA
        for action in _actions(path, node):
            found.setdefault(action, set()).update(keys)
    return found


def test_the_test_finds_the_actions():
    recorded = _recorded()
    assert {"hours.approved", "live_session.created", "registration.waitlisted", "quiz.restored",
            "user.enabled", "user.disabled", "certificate.issued"} <= recorded.keys()


def test_every_recorded_action_has_a_title():
    missing = sorted(set(_recorded()) - set(audit_display.ACTION_TITLES))
    assert missing == [], f"add these actions to the TITLES of their area in lms/web/audit_display_*.py: {missing}"


def test_every_named_data_key_has_a_label():
    missing = sorted(
        f"{action}: {key}" for action, keys in _recorded().items() for key in keys
        if key not in audit_display.COMMON_FIELDS and key not in audit_display.FIELDS.get(action, {})
        and key not in audit_display.OLD_KEYS and not ({key} <= {"old", "new"} and audit_display.FIELDS.get(action)))
    assert missing == [], f"give these data keys a label in their area's lms/web/audit_display_*.py: {missing}"


# ---------------------------------------------------------------- the page



def _rows(page: str) -> list[str]:
    return [html_text(row) for row in re.findall(r'<tr id="event-\d+">.*?</tr>', page, re.S)]


def _row(page: str, action: str) -> str:
    """The newest row of ``action`` (its code is under its title)."""
    return next(row for row in _rows(page) if f" {action} " in row)


@pytest.fixture
def acme(make_user, make_org, add_member):
    mona = make_user("mona@example.org", name="Mona Manager")
    org = make_org("acme", manager=mona, name="Acme")
    lupe = add_member(org, make_user("lupe@example.org", name="Lupe Ortiz"), employee_id="E-7")
    return org, mona, lupe


def _hours_rows(org, mona, lupe) -> None:
    entry = HoursEntry(user_id=lupe.user_id, org_id=org.id, source=EntrySource.EXTERNAL, status=EntryStatus.APPROVED,
                       activity_date=date(2026, 11, 20), minutes=40, title="Workshop", rate_cents=2450,
                       paid_period_start=date(2026, 11, 23))
    db.session.add(entry)
    db.session.flush()
    audit.record("hours.entry_created", entry, lupe.user, org_id=org.id, source=entry.source, minutes=entry.minutes,
                 activity_date=entry.activity_date, corrects_id=None, evidence_id=None, source_ref=None)
    audit.record("hours.approved", entry, mona, org_id=org.id, minutes=entry.minutes, rate_cents=entry.rate_cents,
                 paid_period_start=entry.paid_period_start)
    audit.record("hours.paid_period_moved", entry, mona, org_id=org.id, paid_period_start=date(2026, 12, 7),
                 previous_paid_period_start=date(2026, 11, 23))
    db.session.commit()


def test_hours_rows_read_in_words_money_time_and_dates(client, u, login, make_user, acme):
    org, mona, lupe = acme
    _hours_rows(org, mona, lupe)
    login(make_user(name="Ada", role=SiteRole.ADMIN))
    page = client.get(u("lms.admin.audit_log")).get_data(as_text=True)
    moved, approved, created = (_row(page, a) for a in ("hours.paid_period_moved", "hours.approved", "hours.entry_created"))
    assert "Hours: 40 minutes" in approved and "Pay rate (per hour): $24.50" in approved
    assert "Pay period starting: Nov 23, 2026" in approved
    assert "rate_cents" not in approved and "2450" not in approved and "minutes:" not in approved
    assert "Source: External" in created and "Date of the activity: Nov 20, 2026" in created
    assert "corrects_id" not in created and "evidence_id" not in created and "Corrects entry" not in created
    assert "Pay period starting: Nov 23, 2026 → Dec 7, 2026" in moved and "previous" not in moved


def test_in_spanish_labels_and_money_follow_the_reader(client, u, app, login, make_user, acme):
    org, mona, lupe = acme
    _hours_rows(org, mona, lupe)
    login(make_user(name="Ana", role=SiteRole.ADMIN, locale="es"))
    approved = _row(client.get(u("lms.admin.audit_log")).get_data(as_text=True), "hours.approved")
    with app.test_request_context():
        from lms.i18n import format_locale
        money = format_currency(24.5, "USD", locale=format_locale("es"))
    assert money in approved and "Horas: 40 minutos" in approved and "23 nov 2026" in approved
    assert "rate_cents" not in approved and "2450" not in approved


def test_other_areas_rows_have_titles_and_labels(client, u, login, make_user, acme):
    org, mona, lupe = acme
    lupe_user = lupe.user
    registration = lupe  # any record: the log shows the row's type and id
    audit.record("registration.waitlisted", registration, mona, session_id=12, user_id=lupe_user.id)
    audit.record("course.status_changed", org, mona, old="draft", new="published")
    db.session.commit()
    login(make_user(name="Ada", role=SiteRole.ADMIN))
    page = client.get(u("lms.admin.audit_log")).get_data(as_text=True)
    status, waitlisted = _row(page, "course.status_changed"), _row(page, "registration.waitlisted")
    assert "Put on a live session's waitlist" in waitlisted
    assert "Person: Lupe Ortiz" in waitlisted and "Live session: #12" in waitlisted and "user_id" not in waitlisted
    assert "Course status changed" in status and "Status: Draft → Published" in status
    for action in ("live_session.created", "registration.registered", "certificate.issued", "course.created",
                   "enrollment.created", "quiz.attempt_granted"):
        assert f'<option value="{action}"' in page


def test_an_object_the_log_cannot_name_reads_by_its_kind(app):
    with app.test_request_context():
        assert audit_display.object_label("LiveSession", 2) == "Live session #2"


# ---------------------------------------------------------------- nothing changed, nothing recorded


def _count(action: str) -> int:
    return db.session.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.action == action))


def test_choosing_the_role_a_person_has_records_nothing(client, u, login, make_user):
    ada = make_user(name="Ada", role=SiteRole.ADMIN)
    teo = make_user(name="Teo", role=SiteRole.TRAINER)
    assert admin_actions.set_role(teo, SiteRole.TRAINER, ada, "Teaches") is False
    login(ada)
    response = client.submit(u("lms.admin.update_user", user_id=teo.id), {"action": "role", "role": "trainer", "reason": "Teaches"},
                             follow_redirects=True)
    page = html_text(response.get_data(as_text=True))
    assert "Nothing changed: Teo is already: Trainer." in page and "is now" not in page
    assert _count("user.role_changed") == 0
    client.submit(u("lms.admin.update_user", user_id=teo.id), {"action": "role", "role": "trainee", "reason": "Stopped teaching"})
    assert _count("user.role_changed") == 1


def test_saving_a_member_without_changes_records_nothing(client, u, login, acme):
    org, mona, lupe = acme
    login(mona)
    unchanged = {"employee_id": "E-7", "job_title": "", "employment_start": "", "employment_type": "employee",
                 "role": "member"}
    assert client.submit(u("lms.orgs.member", org_slug="acme", membership_id=lupe.id), unchanged).status_code == 302
    assert _count("membership.updated") == 0
    assert orgs.change_member(lupe, orgs.Employment(employee_id="E-8"), mona)[0] is True
    assert _count("membership.updated") == 1


# ---------------------------------------------------------------- the CE compliance list


def test_a_disabled_account_is_marked_on_the_compliance_list(client, u, login, make_user, add_member, acme,
                                                              count_queries):
    org, mona, lupe = acme
    login(mona)
    path = u("lms.hours.compliance_dashboard", org_slug="acme")
    with count_queries() as queries:
        client.get(path)
    before = queries.count
    for number in range(3):
        gone = make_user(name=f"Gone {number}")
        add_member(org, gone)
        admin_actions.set_active(gone, False, None)
    db.session.commit()
    with count_queries() as queries:
        html = client.get(path).get_data(as_text=True)
    assert queries.count == before
    rows = {name: row for row in re.findall(r"<tr role=\"row\">.*?</tr>", html, re.S)
            for name in re.findall(r"(Lupe Ortiz|Gone \d)", row)[:1]}
    assert all("Account disabled" in rows[f"Gone {n}"] for n in range(3))
    assert "Account disabled" not in rows["Lupe Ortiz"]
