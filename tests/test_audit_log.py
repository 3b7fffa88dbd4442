"""The audit log: membership and settings changes record each changed field with its old and new value, and site
administrators read the log on /admin/audit (newest first, by action and by organisation, in their language and
time zone)."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from html import unescape
from zoneinfo import ZoneInfo

import pytest
from babel.dates import format_date, format_time
from sqlalchemy import select

from lms import audit, db
from lms.accounts import admin_actions
from lms.accounts.models import SiteRole
from lms.audit import AuditEvent
from lms.hours.models import EntrySource, EntryStatus, HoursEntry
from lms.orgs import employment
from lms.orgs import services as orgs
from lms.orgs import settings as org_settings
from lms.orgs.models import MemberRole
from tests.conftest import html_text

EMPLOYMENT = {"employee_id": "E-7", "job_title": "Promotora", "employment_start": "2024-05-01",
              "employment_type": "employee", "role": "member"}
SETTINGS = {"name": "Acme", "kind": "employer", "timezone": "America/Los_Angeles", "pay_period": "biweekly",
            "pay_period_anchor": "2026-01-05", "pay_rate": "25.00", "ce_year_basis": "calendar",
            "ce_fiscal_start_month": "7", "ce_minimum_hours": "6"}


def _events(action: str) -> list[AuditEvent]:
    return list(db.session.execute(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)).scalars())



@pytest.fixture
def acme(make_user, make_org, add_member):
    """Acme, managed by Mona, with Lupe on its staff (employee E-7)."""
    mona = make_user("mona@example.org", name="Mona Manager")
    org = make_org("acme", manager=mona, name="Acme", training_pay_rate_cents=2500)
    lupe = add_member(org, make_user("lupe@example.org", name="Lupe Ortiz"), employee_id="E-7", job_title="Promotora",
                      employment_start=date(2024, 5, 1))
    return org, mona, lupe


# ---------------------------------------------------------------- what is recorded


def test_making_a_member_a_manager_records_the_fields_that_changed_old_and_new(client, u, login, acme):
    org, mona, lupe = acme
    login(mona)
    response = client.submit(u("lms.orgs.member", org_slug="acme", membership_id=lupe.id),
                             {**EMPLOYMENT, "role": "manager", "employee_id": "E-70"})
    assert response.status_code == 302
    (event,) = _events("membership.updated")
    assert event.actor_id == mona.id and event.org_id == org.id and event.object_id == lupe.id
    assert event.data == {"role": "manager", "employee_id": "E-70", "was": {"role": "member", "employee_id": "E-7"}}


def test_saving_staff_details_records_dates_and_types_and_nothing_unchanged(client, u, login, acme):
    _org, mona, lupe = acme
    login(mona)
    client.submit(u("lms.orgs.member", org_slug="acme", membership_id=lupe.id),
                  {**EMPLOYMENT, "employment_start": "2024-06-03", "employment_type": "contractor", "job_title": ""})
    (event,) = _events("membership.updated")
    assert event.data == {
        "employment_start": "2024-06-03", "employment_type": "contractor", "job_title": None,
        "was": {"employment_start": "2024-05-01", "employment_type": "employee", "job_title": "Promotora"},
    }


def test_rejoining_records_the_end_of_employment_it_clears(app, acme):
    """Joining again starts a new period (the ended one is kept: tests/test_org_rehire.py)."""
    org, mona, lupe = acme
    employment.remove_member(lupe, mona, date(2025, 12, 31))
    orgs.add_member(org, lupe.user, orgs.Employment(employee_id="E-7", job_title="Promotora",
                                                    employment_start=date(2026, 1, 12)), actor=mona)
    db.session.commit()
    assert _events("membership.updated") == []
    (event,) = _events("membership.rejoined")
    assert event.data == {"employment_start": "2026-01-12", "employment_end": None,
                          "was": {"employment_start": "2024-05-01", "employment_end": "2025-12-31"}}
    joined = _events("membership.created")[-1]  # what Lupe joined with
    assert joined.data == {"role": "member", "employee_id": "E-7", "job_title": "Promotora",
                           "employment_start": "2024-05-01", "employment_type": "employee"}


def test_settings_changes_record_old_and_new_values(client, u, login, acme):
    _org, mona, _lupe = acme
    login(mona)
    assert client.submit(u("lms.orgs.settings", org_slug="acme"), {**SETTINGS, "pay_rate": "26.00"}).status_code == 302
    (event,) = _events("org.settings_changed")
    assert event.data == {"training_pay_rate_cents": 2600, "was": {"training_pay_rate_cents": 2500}}


# ---------------------------------------------------------------- the page


@pytest.fixture
def ada(make_user):
    return make_user("ada@example.org", name="Ada Admin", role=SiteRole.ADMIN)


def _rows(page: str) -> list[str]:
    return [html_text(row) for row in re.findall(r'<tr id="event-\d+">.*?</tr>', page, re.S)]


def test_admins_read_the_log_newest_first_with_the_changed_fields(client, u, login, acme, ada):
    org, mona, lupe = acme
    orgs.change_member(lupe, orgs.Employment(employee_id="E-70", role=MemberRole.MANAGER), mona)
    org_settings.update_settings(org, orgs.OrgSettings(name="Acme", training_pay_rate_cents=2600), mona)
    db.session.commit()
    login(ada)
    page = client.get(u("lms.admin.audit_log")).get_data(as_text=True)
    rows = _rows(page)
    assert "Organisation settings changed" in rows[0] and "Staff details changed" in rows[1]
    assert "Default training pay rate (US dollars per hour): $25.00 → $26.00" in rows[0]
    assert "Role in the organisation: Staff member → Manager" in rows[1]
    assert "Employee ID: E-7 → E-70" in rows[1]
    assert "Job title: Promotora → —" in rows[1]  # the form left it empty
    assert "Mona Manager" in rows[1] and "Lupe Ortiz" in rows[1] and "Acme" in rows[1]
    assert u("lms.admin.audit_log") in client.get(u("lms.admin.users")).get_data(as_text=True)  # in the admin's menu


def test_a_site_role_change_and_a_row_without_old_values_read_plainly(client, u, login, make_user, ada, acme):
    org, mona, _lupe = acme
    admin_actions.set_role(make_user(name="Teo Trainer"), SiteRole.TRAINER, ada, "Teaches now")
    audit.record("org.settings_changed", org, mona, org_id=org.id, pay_period="weekly")  # as rows were written before
    db.session.commit()
    login(ada)
    rows = _rows(client.get(u("lms.admin.audit_log")).get_data(as_text=True))
    assert "Pay period: Weekly" in rows[0]
    assert "Site role changed" in rows[1] and "Site role: Trainee → Trainer" in rows[1] and "Teo Trainer" in rows[1]


def test_the_log_filters_by_action_and_by_organisation(client, u, login, make_org, make_user, acme, ada):
    org, mona, lupe = acme
    other = make_org("other", name="Other Place")
    orgs.change_member(lupe, orgs.Employment(role=MemberRole.MANAGER), mona)
    db.session.commit()
    login(ada)
    by_action = _rows(client.get(u("lms.admin.audit_log", action="membership.updated")).get_data(as_text=True))
    assert len(by_action) == 1 and "Lupe Ortiz" in by_action[0]
    by_org = _rows(client.get(u("lms.admin.audit_log", org="other")).get_data(as_text=True))
    assert by_org and all("Other Place" in row for row in by_org)
    assert len(by_org) == db.session.query(AuditEvent).filter(AuditEvent.org_id == other.id).count()
    both = client.get(u("lms.admin.audit_log", action="membership.updated", org="other")).get_data(as_text=True)
    assert _rows(both) == [] and "Nothing in the audit log matches." in both
    titled = client.get(u("lms.admin.audit_log", action="course.created")).get_data(as_text=True)
    assert '<option value="course.created" selected>' in titled
    untitled = client.get(u("lms.admin.audit_log", action="made.up")).get_data(as_text=True)
    assert '<option value="made.up" selected>' in untitled  # an action the log has no word for


def test_the_log_is_paginated(client, u, login, acme, ada, monkeypatch):
    from lms.web import admin as admin_views

    monkeypatch.setattr(admin_views, "LOG_PAGE_SIZE", 2)
    org, mona, lupe = acme
    for number in range(3):
        orgs.change_member(lupe, orgs.Employment(employee_id=f"P-{number}"), mona)
    db.session.commit()
    login(ada)
    path = u("lms.admin.audit_log", action="membership.updated")
    first = client.get(path).get_data(as_text=True)
    assert ["P-2" in row for row in _rows(first)] == [True, False]
    pager = unescape(first[first.index('class="learn-pager"'):])
    assert "page=2" in pager and "action=membership.updated" in pager and "Previous page" not in pager
    second = client.get(u("lms.admin.audit_log", action="membership.updated", page=2)).get_data(as_text=True)
    assert len(_rows(second)) == 1 and "P-0" in _rows(second)[0] and "Next page" not in second


def test_times_are_in_the_admins_language_and_time_zone(client, u, login, make_user, acme):
    _org, mona, lupe = acme
    admin = make_user("ana@example.org", name="Ana", role=SiteRole.ADMIN, locale="es", timezone="America/New_York")
    orgs.change_member(lupe, orgs.Employment(role=MemberRole.MANAGER, employee_id="E-7", job_title="Promotora",
                                             employment_start=date(2024, 5, 1)), mona)
    db.session.commit()
    event = _events("membership.updated")[0]
    event.at = datetime(2026, 3, 2, 3, 30, tzinfo=UTC)  # 1 March, 22:30 in New York
    db.session.commit()
    login(admin)
    row = _rows(client.get(u("lms.admin.audit_log")).get_data(as_text=True))[0]
    local = event.at.astimezone(ZoneInfo("America/New_York"))
    assert html_text(f"{format_date(local, 'medium', locale='es_US')}, {format_time(local, 'short', locale='es_US')}") in row
    assert "1 mar 2026" in row
    assert "Rol en la organización: Miembro del personal → Gerente" in row


def test_the_page_runs_a_fixed_number_of_queries(client, u, login, make_user, add_member, acme, ada, count_queries):
    org, mona, lupe = acme
    login(ada)
    path = u("lms.admin.audit_log")

    def measure() -> int:
        with count_queries() as queries:
            assert client.get(path).status_code == 200
        return queries.count

    def more() -> None:
        person = make_user()
        staff = add_member(org, person)
        orgs.change_member(staff, orgs.Employment(employee_id=f"X-{person.id}"), mona)
        entry = HoursEntry(user_id=person.id, org_id=org.id, source=EntrySource.EXTERNAL, status=EntryStatus.APPROVED,
                           activity_date=date(2026, 1, 15), minutes=60, title=f"Workshop {person.id}")
        db.session.add(entry)
        db.session.flush()
        audit.record("hours.approved", entry, mona, org_id=org.id, minutes=60)
        audit.record("invitation.created", lupe, mona, org_id=org.id, email=f"p{person.id}@example.org")
        db.session.commit()

    more()
    before = measure()
    for _ in range(5):
        more()
    after = measure()
    page = client.get(path).get_data(as_text=True)
    assert "Workshop" in page and "approved" in page.lower()
    assert after == before


@pytest.mark.parametrize("query", [{"page": "0" * 4301}, {"page": "-1"}, {"org": "nope"}, {"action": "x" * 500},
                                   {"action": "<script>"}])
def test_odd_filters_never_fail(client, u, login, ada, query):
    login(ada)
    assert client.get(u("lms.admin.audit_log", **query)).status_code == 200


def test_only_site_admins_read_the_log(client, u, login, acme):
    _org, mona, _lupe = acme
    login(mona)
    assert client.get(u("lms.admin.audit_log")).status_code == 403
