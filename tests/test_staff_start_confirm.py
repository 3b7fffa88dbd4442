"""The staff page asks before saving a start date that changes someone's hours (manager QA), and the end-of-employment
confirmation of an organisation's only manager says it cannot be done instead of offering "Yes".

Moving the start later makes pending entries dated before it unapprovable ("Dated outside employment here") and
changes the continuing-education year: the page shows a confirmation listing them (lms.hours.start_moves), and the
form's save without it changes nothing. Moving it earlier saves at once. Acme's today is fixed at 20 December 2026."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select

from lms import db
from lms.audit import AuditEvent
from lms.hours.models import EntryStatus
from lms.orgs import models as org_models
from lms.orgs import services as orgs
from lms.orgs.models import CEYearBasis, MemberRole, Membership
from tests.conftest import html_text
from tests.hours_reports_helpers import add_entry

NOW = datetime(2026, 12, 20, 18, 0, tzinfo=UTC)
CONFIRM_TITLE = "Change the employment start date of Ana Núñez?"


@pytest.fixture(autouse=True)
def frozen(monkeypatch):
    monkeypatch.setattr(org_models, "utcnow", lambda: NOW)


@pytest.fixture
def acme(make_org, make_user, add_member, login):
    boss = make_user("boss@example.org", name="Bea Boss")
    org = make_org("acme", manager=boss, training_pay_rate_cents=2400)
    ana = add_member(org, make_user("ana@example.org", name="Ana Núñez"), employee_id="E-1",
                     employment_start=date(2026, 3, 1))
    login(boss)
    return org, boss, ana


def _details(start: str, **extra: str) -> dict[str, str]:
    return {"employee_id": "E-1", "job_title": "", "employment_start": start, "employment_type": "employee",
            "role": "member", **extra}


def _save(client, u, membership, data):
    return client.submit(u("lms.orgs.member", org_slug="acme", membership_id=membership.id), data)


def _updates() -> int:
    return db.session.scalar(select(func.count()).select_from(AuditEvent)
                             .where(AuditEvent.action == "membership.updated"))


def _hidden(page: str) -> dict[str, str]:
    """The confirmation form's fields, as a browser sends them."""
    return dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', page))


def test_moving_the_start_later_over_entries_asks_first_and_saves_only_when_confirmed(client, u, acme):
    org, boss, ana = acme
    pending = add_entry(ana.user, org, date(2026, 4, 10), 60, status=EntryStatus.PENDING, title="Home visits")
    add_entry(ana.user, org, date(2026, 5, 2), 60, status=EntryStatus.PENDING)
    add_entry(ana.user, org, date(2026, 4, 1), 90, paid=date(2026, 3, 30))
    add_entry(ana.user, org, date(2026, 2, 10), 60, status=EntryStatus.PENDING)  # before the old start already
    add_entry(ana.user, org, date(2026, 7, 1), 60, status=EntryStatus.PENDING)  # after the new start
    db.session.commit()

    response = _save(client, u, ana, _details("2026-06-01"))
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    text = html_text(page)
    assert CONFIRM_TITLE in text
    assert "You are moving Ana Núñez's employment start date from March 1, 2026 to June 1, 2026." in text
    assert ("2 pending entries are dated before June 1, 2026, the new start date: they will not be approvable (they "
            "are marked “Dated outside employment here”).") in text
    assert u("lms.hours.review", org_slug="acme", entry_id=pending.id) in page
    assert "1 approved entry (1 hour 30 minutes) is dated before June 1, 2026: it stays approved" in text
    # the calendar year 2026 either way, but a later start owes less of it (pro rata: 214 of 365 days, not 306)
    assert ("Their continuing-education year becomes Jan 1, 2026 to Dec 31, 2026, with 3 hours 32 minutes due in it "
            "(until now: Jan 1, 2026 to Dec 31, 2026, with 5 hours 2 minutes due).") in text
    db.session.refresh(ana)
    assert ana.employment_start == date(2026, 3, 1) and _updates() == 0  # nothing saved yet

    fields = _hidden(page)
    assert fields["confirm_start"] == "yes" and fields["employment_start"] == "2026-06-01"
    response = client.submit(u("lms.orgs.member", org_slug="acme", membership_id=ana.id), fields)
    assert response.status_code == 302
    db.session.refresh(ana)
    assert ana.employment_start == date(2026, 6, 1) and _updates() == 1
    queue = client.get(u("lms.hours.queue", org_slug="acme")).get_data(as_text=True)
    # the two moved out and the one outside already, and the legend above the list
    assert queue.count("Dated outside employment here") == 4


def test_the_ce_year_change_is_listed_on_the_anniversary_basis(client, u, acme):
    org, _boss, ana = acme
    org.ce_year_basis = CEYearBasis.ANNIVERSARY
    db.session.commit()
    response = _save(client, u, ana, _details("2026-04-15"))
    text = html_text(response.get_data(as_text=True))
    assert response.status_code == 200 and CONFIRM_TITLE in text
    assert ("Their continuing-education year becomes Apr 15, 2026 to Apr 14, 2027, with 6 hours due in it (until "
            "now: Mar 1, 2026 to Feb 28, 2027, with 6 hours due).") in text
    assert "pending entr" not in text and "approved entr" not in text


def test_without_confirming_nothing_is_saved_not_even_the_other_fields(client, u, acme):
    org, _boss, ana = acme
    add_entry(ana.user, org, date(2026, 4, 10), 60, status=EntryStatus.PENDING)
    db.session.commit()
    response = _save(client, u, ana, _details("2026-06-01", job_title="Lead", employee_id="E-9"))
    assert response.status_code == 200
    db.session.refresh(ana)
    assert (ana.employment_start, ana.job_title, ana.employee_id) == (date(2026, 3, 1), None, "E-1")
    assert _updates() == 0


def test_moving_it_earlier_or_later_without_effect_saves_at_once(client, u, acme):
    org, _boss, ana = acme
    add_entry(ana.user, org, date(2026, 4, 10), 60, status=EntryStatus.PENDING)
    db.session.commit()
    assert _save(client, u, ana, _details("2026-01-15")).status_code == 302  # earlier
    db.session.refresh(ana)
    assert ana.employment_start == date(2026, 1, 15)
    # later, before any entry, within the same calendar year: the pro rata minimum changes, so it asks
    response = _save(client, u, ana, _details("2026-02-01"))
    assert response.status_code == 200 and "Their continuing-education year becomes" in html_text(
        response.get_data(as_text=True))
    ana.employment_start = date(2024, 1, 1)
    db.session.commit()
    # later but still before this CE year began and before every entry: nothing changes, no question
    assert _save(client, u, ana, _details("2024-06-01")).status_code == 302
    db.session.refresh(ana)
    assert ana.employment_start == date(2024, 6, 1)


def test_setting_a_start_where_none_was_asks_only_when_entries_fall_before_it(client, u, make_user, add_member,
                                                                             acme):
    org, _boss, _ana = acme
    lupe = add_member(org, make_user("lupe@example.org", name="Lupe Ruiz"), employee_id="E-2")
    add_entry(lupe.user, org, date(2026, 9, 3), 60, status=EntryStatus.PENDING)
    db.session.commit()
    data = {**_details("2026-10-01"), "employee_id": "E-2"}
    response = _save(client, u, lupe, data)
    text = html_text(response.get_data(as_text=True))
    assert response.status_code == 200
    assert "You are setting Lupe Ruiz's employment start date to October 1, 2026: none was recorded" in text
    assert "1 pending entry is dated before October 1, 2026, the new start date: it will not be approvable" in text
    db.session.refresh(lupe)
    assert lupe.employment_start is None
    assert _save(client, u, lupe, {**data, "employment_start": "2026-08-01"}).status_code == 302  # before the entry
    db.session.refresh(lupe)
    assert lupe.employment_start == date(2026, 8, 1)


def test_a_refused_detail_is_shown_on_the_form_not_behind_the_confirmation(client, u, acme):
    org, _boss, ana = acme
    add_entry(ana.user, org, date(2026, 4, 10), 60, status=EntryStatus.PENDING)
    db.session.commit()
    response = _save(client, u, ana, _details("2028-06-01"))  # more than a year ahead
    text = html_text(response.get_data(as_text=True))
    assert response.status_code == 400 and "more than a year from today" in text and CONFIRM_TITLE not in text


def test_a_confirmation_over_a_save_made_since_is_refused(client, u, acme):
    org, boss, ana = acme
    add_entry(ana.user, org, date(2026, 4, 10), 60, status=EntryStatus.PENDING)
    db.session.commit()
    opened = client.get(u("lms.orgs.member", org_slug="acme", membership_id=ana.id)).get_data(as_text=True)
    seen = _hidden(opened)["seen_version"]
    assert seen
    fields = _hidden(_save(client, u, ana, _details("2026-06-01", seen_version=seen)).get_data(as_text=True))
    assert fields["seen_version"] == seen  # carried through the confirmation
    orgs.change_member(ana, orgs.Employment(employee_id="E-1", job_title="Changed elsewhere",
                                            employment_start=date(2026, 3, 1)), boss)
    db.session.commit()
    response = client.submit(u("lms.orgs.member", org_slug="acme", membership_id=ana.id), fields)
    assert response.status_code == 409
    # a form opened before that save is refused at once, not after a confirmation
    response = _save(client, u, ana, _details("2026-06-01", seen_version=seen))
    assert response.status_code == 409 and CONFIRM_TITLE not in html_text(response.get_data(as_text=True))
    db.session.refresh(ana)
    assert ana.employment_start == date(2026, 3, 1) and ana.job_title == "Changed elsewhere"


# ---------------------------------------------------------------- ending the only manager's employment


def _end(client, u, membership, **extra):
    return client.submit(u("lms.orgs.end_member", org_slug="acme", membership_id=membership.id),
                         {"ended_on": "2026-12-19", **extra})


def test_the_only_manager_is_told_on_the_confirmation_page_and_offered_no_yes(client, u, acme):
    org, boss, _ana = acme
    mine = db.session.execute(select(Membership).where(Membership.user_id == boss.id)).scalar_one()
    response = _end(client, u, mine)
    page = response.get_data(as_text=True)
    text = html_text(page)
    assert response.status_code == 409
    assert ("Bea Boss is the only manager of Acme with an active account, and an organisation needs at least one, so "
            "their employment cannot end yet.") in text
    assert "Yes, record the end of employment" not in text and 'name="confirm"' not in page
    # the service still refuses a confirmation sent anyway
    response = _end(client, u, mine, confirm="yes")
    assert response.status_code == 400 and "at least one manager" in response.get_data(as_text=True)
    db.session.refresh(mine)
    assert mine.is_current and mine.role is MemberRole.MANAGER


def test_with_another_manager_the_confirmation_offers_yes(client, u, make_user, add_member, acme):
    org, boss, _ana = acme
    add_member(org, make_user("other@example.org", name="Other Boss"), role=MemberRole.MANAGER)
    mine = db.session.execute(select(Membership).where(Membership.user_id == boss.id)).scalar_one()
    response = _end(client, u, mine)
    text = html_text(response.get_data(as_text=True))
    assert response.status_code == 200 and "Yes, record the end of employment" in text
    assert "is the only manager" not in text
