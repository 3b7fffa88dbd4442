"""Rehiring keeps the earlier employment (lms.orgs.history, migration 0014). Tom worked at Acme from 2 March 2025 to
4 December 2026 (employee E-1001, "Promotor"), was invited again to start on 14 December and accepted. His earlier
period is kept and listed on his page; every "was he on the staff on that day" question reads it (adjustments, the
organisation of an hours entry, the CE year and the DHCS checklist); the new period starts after the old one."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from lms import db
from lms.audit import AuditEvent
from lms.errors import DomainError
from lms.hours import adjustments, ce_checklist, ce_years, compliance, entry_orgs
from lms.orgs import employment, history, invitations, joining
from lms.orgs import models as org_models
from lms.orgs import services as orgs
from lms.orgs.models import CEYearBasis, EmploymentPeriod
from tests.conftest import html_text

#: Sunday 20 December 2026, 10:00 in Los Angeles: the organisation's calendar in these tests.
NOW = datetime(2026, 12, 20, 18, 0, tzinfo=UTC)
TODAY = date(2026, 12, 20)



@pytest.fixture(autouse=True)
def frozen(monkeypatch):
    """Fix the organisation's today (last days, start dates and adjustment dates follow it)."""
    monkeypatch.setattr(org_models, "utcnow", lambda: NOW)


def _hire_and_leave(org, boss, person, add_member, **details):
    membership = add_member(org, person, **{"employee_id": "E-1001", "job_title": "Promotor",
                                            "employment_start": date(2025, 3, 2), **details})
    employment.remove_member(membership, boss, date(2026, 12, 4))
    db.session.commit()
    return membership


def _rejoin(org, boss, membership, start: date | None = date(2026, 12, 14), **details):
    invitation, _raw = invitations.invite(org, membership.user.email, None,
                                          orgs.Employment(employment_start=start, **details), boss, 14)
    joining.accept_invitation(invitation, membership.user, agreed=True)
    db.session.commit()
    return membership


@pytest.fixture
def acme(make_user, make_org):
    boss = make_user("boss@example.org", name="Bea Boss")
    return make_org("acme", manager=boss, name="Acme Clinic", ce_year_basis=CEYearBasis.ANNIVERSARY), boss


@pytest.fixture
def tom(acme, make_user, add_member):
    org, boss = acme
    membership = _hire_and_leave(org, boss, make_user("tom@example.org", name="Tom Reyes"), add_member)
    return _rejoin(org, boss, membership)


def _approved(org, boss, person, day: date, minutes: int, key: str):
    entry, _created = adjustments.add_adjustment(org, person, adjustments.Adjustment(minutes, f"Training on {day}", day), boss,
                                                 key, approve_now=True)
    db.session.commit()
    return entry


# ---------------------------------------------------------------- the earlier period is kept


def test_the_earlier_period_is_kept_and_the_membership_holds_the_new_one(acme, tom):
    _org, boss = acme
    db.session.refresh(tom)
    assert tom.is_current and tom.employment_start == date(2026, 12, 14)
    assert (tom.job_title, tom.employee_id) == (None, None)  # the invitation's details
    (period,) = history.list_past_periods(tom)
    assert (period.employment_start, period.employment_end) == (date(2025, 3, 2), date(2026, 12, 4))
    assert (period.job_title, period.employee_id, period.employment_type.value) == ("Promotor", "E-1001", "employee")
    assert period.ended_by.id == boss.id and period.ended_at is not None
    (event,) = db.session.execute(select(AuditEvent).where(AuditEvent.action == "membership.rejoined")).scalars()
    assert event.data == {
        "employee_id": None, "job_title": None, "employment_start": "2026-12-14", "employment_end": None,
        "was": {"employee_id": "E-1001", "job_title": "Promotor", "employment_start": "2025-03-02",
                "employment_end": "2026-12-04"}}


def test_the_staff_page_lists_earlier_employment(client, u, login, acme, tom):
    _org, boss = acme
    login(boss)
    page = client.get(u("lms.orgs.member", org_slug="acme", membership_id=tom.id)).text
    earlier = html_text(page[page.index('id="earlier-employment"'):page.index('id="hours-heading"')])
    assert "Earlier employment here" in earlier
    assert "Mar 2, 2025" in earlier and "Dec 4, 2026" in earlier
    assert "Promotor" in earlier and "E-1001" in earlier and "Bea Boss" in earlier
    show = client.get(u("lms.orgs.show", org_slug="acme")).text
    assert "Tom Reyes" in show[show.index('id="staff-heading"'):] and 'id="former-staff"' not in show


def test_someone_who_never_left_has_no_earlier_section(client, u, login, acme, make_user, add_member):
    org, boss = acme
    ana = add_member(org, make_user("ana@example.org", name="Ana"))
    login(boss)
    page = client.get(u("lms.orgs.member", org_slug="acme", membership_id=ana.id)).text
    assert 'id="earlier-employment"' not in page


def test_a_second_rehire_keeps_both_earlier_periods(acme, tom):
    org, boss = acme
    employment.remove_member(tom, boss, date(2026, 12, 18))
    db.session.commit()
    _rejoin(org, boss, tom, date(2026, 12, 19), job_title="Lead")
    periods = history.list_past_periods(tom)
    assert [(p.employment_start, p.employment_end) for p in periods] == [
        (date(2026, 12, 14), date(2026, 12, 18)), (date(2025, 3, 2), date(2026, 12, 4))]


def test_employment_ended_again_lists_them_as_former_staff_with_their_history(acme, tom):
    org, boss = acme
    employment.remove_member(tom, boss, date(2026, 12, 18))
    db.session.commit()
    assert tom.employment_end == date(2026, 12, 18) and len(history.list_past_periods(tom)) == 1


# ---------------------------------------------------------------- "on the staff on that day" reads every period


def test_an_adjustment_dated_in_the_earlier_period_is_accepted_and_one_in_the_gap_is_not(acme, tom):
    org, boss = acme
    entry, created = adjustments.add_adjustment(org, tom.user, adjustments.Adjustment(60, "Missed session", date(2026, 11, 20)),
                                                boss, "adj-1")
    assert created and entry.org_id == org.id
    with pytest.raises(DomainError, match="Tom Reyes was not on your staff on that date"):
        adjustments.add_adjustment(org, tom.user, adjustments.Adjustment(60, "Between jobs", date(2026, 12, 8)), boss, "adj-2")


def test_entries_belong_to_the_organisation_of_the_period_holding_their_date(acme, tom):
    org, _boss = acme
    assert [o.id for o in entry_orgs.employers_on(tom.user_id, date(2026, 11, 20))] == [org.id]
    assert [o.id for o in entry_orgs.employers_on(tom.user_id, date(2025, 3, 2))] == [org.id]
    assert entry_orgs.employers_on(tom.user_id, date(2025, 3, 1)) == []
    assert entry_orgs.employers_on(tom.user_id, date(2026, 12, 10)) == []  # between the two periods
    assert [o.id for o in entry_orgs.employers_on(tom.user_id, date(2026, 12, 14))] == [org.id]
    assert entry_orgs.resolve_org(tom.user_id, date(2026, 11, 20), must_choose=False) == org.id
    assert entry_orgs.resolve_org(tom.user_id, date(2026, 12, 10), must_choose=False) is None


def test_earliest_started_employer_first_counts_the_first_period_not_that_days(app, acme, tom, make_org):
    org, _boss = acme
    other = make_org("bay", name="Bay Clinic")
    orgs.add_member(other, tom.user, orgs.Employment(employment_start=date(2026, 1, 5)), actor=None)
    db.session.commit()
    # On 20 November Tom's Acme period had started in 2025, before Bay's: Acme first.
    assert [o.slug for o in entry_orgs.employers_on(tom.user_id, date(2026, 11, 20))] == ["acme", "bay"]
    # On 15 December his Acme period is the new one, started after Bay's; he first started at Acme, so Acme stays
    # first (the choice does not flip with a rehire: tests/test_hours_employment_end.py).
    assert [o.slug for o in entry_orgs.employers_on(tom.user_id, date(2026, 12, 15))] == ["acme", "bay"]


# ---------------------------------------------------------------- continuing education and the DHCS checklist


def test_the_anniversary_restarts_with_the_new_start_and_earlier_hours_stay_in_earlier_years(acme, tom):
    org, boss = acme
    _approved(org, boss, tom.user, date(2026, 11, 20), 240, "before")
    _approved(org, boss, tom.user, date(2026, 12, 15), 30, "after")
    status = compliance.ce_status(org, tom, TODAY)
    assert (status.year_start, status.year_end) == (date(2026, 12, 14), date(2027, 12, 13))
    assert status.done_minutes == 30 and status.required_minutes == 360
    assert [s.done_minutes for s in compliance.list_ce_status(org, TODAY)] == [30]


def test_the_checklist_of_a_day_describes_the_period_in_force_that_day(acme, tom):
    org, boss = acme
    _approved(org, boss, tom.user, date(2026, 11, 20), 240, "before")
    _approved(org, boss, tom.user, date(2026, 12, 15), 30, "after")
    earlier = ce_checklist.build_checklist(org, tom, date(2026, 11, 20))
    assert (earlier.employment_start, earlier.chw_title) == (date(2025, 3, 2), "Promotor")
    # The anniversary year from 2 March 2026 ends where the new period starts.
    assert (earlier.year_start, earlier.year_end) == (date(2026, 3, 2), date(2026, 12, 13))
    assert [row.completed_on for row in earlier.rows] == [date(2026, 11, 20)]
    now = ce_checklist.build_checklist(org, tom, TODAY)
    assert (now.employment_start, now.chw_title, now.year_start) == (date(2026, 12, 14), "", date(2026, 12, 14))
    assert [row.completed_on for row in now.rows] == [date(2026, 12, 15)]
    assert "2025-03-02" in ce_checklist.checklist_csv(earlier).decode("utf-8-sig")


@pytest.mark.parametrize(("first_start", "owed"), [
    (date(2025, 3, 2), 360),  # employed since before the year: the whole minimum, as if they had never left
    (date(2026, 3, 1), 302),  # started on 1 March: 306 of 365 days, from the first period's start
])
def test_calendar_years_count_the_earliest_period_in_the_year(app, make_user, make_org, add_member, first_start, owed):
    boss = make_user(name="Boss")
    org = make_org("cal", manager=boss, ce_year_basis=CEYearBasis.CALENDAR)
    person = _hire_and_leave(org, boss, make_user(name="Tom"), add_member, employment_start=first_start)
    _rejoin(org, boss, person)
    assert ce_years.required_minutes(org, (date(2026, 1, 1), date(2026, 12, 31)), date(2026, 12, 14)) == 18
    status = compliance.ce_status(org, person, TODAY)
    assert (status.year_start, status.required_minutes) == (date(2026, 1, 1), owed)
    assert [s.required_minutes for s in compliance.list_ce_status(org, TODAY)] == [owed]
    (own,) = compliance.list_own_ce_status(orgs.list_user_memberships(person.user), TODAY)
    assert own.status.required_minutes == owed
    assert ce_checklist.build_checklist(org, person, TODAY).required_minutes == owed


def test_the_ce_lists_read_earlier_periods_in_one_query(app, make_user, make_org, add_member, count_queries):
    boss = make_user(name="Boss")
    org = make_org("cal", manager=boss, ce_year_basis=CEYearBasis.CALENDAR)
    for n in range(3):
        _rejoin(org, boss, _hire_and_leave(org, boss, make_user(name=f"P{n}"), add_member, employee_id=f"E-{n}"))
    db.session.expire_all()
    with count_queries() as counter:
        rows = compliance.list_ce_status(org, TODAY)
    assert [r.required_minutes for r in rows] == [360] * 3
    assert counter.count <= 4  # the organisation, the staff, their minutes, their earlier periods


# ---------------------------------------------------------------- the new period starts after the old one


def test_an_invitation_starting_on_or_before_the_last_day_is_refused(client, u, login, acme, make_user, add_member):
    org, boss = acme
    _hire_and_leave(org, boss, make_user("tom@example.org", name="Tom Reyes"), add_member)
    with pytest.raises(DomainError, match="Tom Reyes worked here until December 4, 2026") as refused:
        invitations.invite(org, "tom@example.org", None, orgs.Employment(employment_start=date(2026, 12, 4)), boss, 14)
    assert refused.value.details["field"] == "employment_start"
    db.session.rollback()
    login(boss)
    page = client.submit(u("lms.orgs.invite", org_slug="acme"), {
        "email": "tom@example.org", "employment_start": "2026-11-30", "employment_type": "employee", "role": "member"})
    assert page.status_code == 200 and "Tom Reyes worked here until December 4, 2026" in html_text(page.text)
    assert db.session.execute(select(org_models.Invitation)).first() is None


def test_joining_again_without_a_start_date_starts_on_the_day_they_accept(acme, make_user, add_member):
    org, boss = acme
    person = _hire_and_leave(org, boss, make_user("tom@example.org", name="Tom Reyes"), add_member)
    _rejoin(org, boss, person, start=None)
    assert person.employment_start == TODAY


def test_a_rehired_persons_start_date_cannot_move_into_the_earlier_period(client, u, login, acme, tom):
    org, boss = acme
    login(boss)
    path = u("lms.orgs.member", org_slug="acme", membership_id=tom.id)
    for start in ("2026-12-01", ""):
        page = client.submit(path, {"employee_id": "", "job_title": "", "employment_start": start,
                                    "employment_type": "employee", "role": "member"})
        assert page.status_code == 400
        assert "Tom Reyes worked here until December 4, 2026" in html_text(page.text)
    db.session.refresh(tom)
    assert tom.employment_start == date(2026, 12, 14)
    assert client.submit(path, {"employee_id": "", "job_title": "", "employment_start": "2026-12-05",
                                "employment_type": "employee", "role": "member"}).status_code == 302


def test_the_service_refuses_a_rejoin_that_would_overlap(app, acme, make_user, add_member):
    org, boss = acme
    person = _hire_and_leave(org, boss, make_user(name="Tom"), add_member)
    with pytest.raises(DomainError, match="worked here until"):
        orgs.add_member(org, person.user, orgs.Employment(employment_start=date(2026, 12, 1)), actor=boss)
    db.session.rollback()
    assert db.session.execute(select(EmploymentPeriod)).first() is None and person.employment_end == date(2026, 12, 4)


def test_an_old_invitation_that_starts_too_early_tells_the_invitee_to_ask_for_a_new_one(acme, make_user, add_member):
    """Invitations sent before this rule could start on or before the last day: accepting one is refused."""
    org, boss = acme
    person = _hire_and_leave(org, boss, make_user("tom@example.org", name="Tom Reyes"), add_member)
    invitation, _raw = invitations.invite(org, "tom@example.org", None, orgs.Employment(), boss, 14)
    invitation.employment_start = date(2026, 11, 1)
    db.session.commit()
    with pytest.raises(DomainError, match="Ask your manager to send a new one"):
        joining.accept_invitation(invitation, person.user, agreed=True)
