"""Hours and the end of employment (QA: a CHW with two employers, leaving one and rehired).

Ana works at Acme Clinic (from 1 February 2026) and at the County (from 1 June 2025). While still at the clinic she
logs training dated 25 November; the clinic then records her last day as 20 November. The clinic cannot approve that
entry (single, bulk, API), only send it back; the end-of-employment page and the queue say so. Automatic entries go to
the organisation she FIRST started with, also after a rehire. The DHCS checklist lists every period of employment."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from lms import db
from lms.audit import AuditEvent
from lms.errors import DomainError
from lms.hours import adjustments, approvals, bulk_decisions, ce_checklist, compliance, entry_orgs
from lms.hours.external_training import ExternalTraining, submit_external
from lms.hours.models import EntryStatus, HoursEntry
from lms.orgs import employment, history, invitations, joining
from lms.orgs import services as orgs
from lms.orgs.models import CEYearBasis
from tests.api_support import bearer
from tests.conftest import html_text

LAST_DAY = date(2026, 11, 20)



@pytest.fixture
def world(make_user, make_org, add_member):
    boss = make_user("boss@example.org", name="Bea Boss")
    clinic = make_org("acme", manager=boss, name="Acme Clinic")
    county = make_org("county", name="The County")
    ana = make_user("ana@example.org", name="Ana Reyes")
    add_member(county, ana, employment_start=date(2025, 6, 1))
    membership = add_member(clinic, ana, employment_start=date(2026, 2, 1))
    return clinic, county, boss, ana, membership


def _log(ana, org, day: date, key: str) -> HoursEntry:
    entry, _created = submit_external(ana, ExternalTraining(f"Training on {day}", day, 60, org_id=org.id), key)
    db.session.commit()
    return entry


def _end(boss, membership, day: date = LAST_DAY) -> None:
    employment.remove_member(membership, boss, day)
    db.session.commit()


# ---------------------------------------------------------------- approving refuses hours dated after the last day


def test_an_entry_dated_after_the_last_day_cannot_be_approved_but_can_be_sent_back(world):
    clinic, _county, boss, ana, membership = world
    late = _log(ana, clinic, date(2026, 11, 25), "late")
    inside = _log(ana, clinic, date(2026, 11, 20), "inside")
    _end(boss, membership)
    with pytest.raises(approvals.OutsideEmployment) as refused:
        approvals.approve(late, boss)
    db.session.rollback()
    assert "Ana Reyes was not on your staff on Nov 25, 2026" in refused.value.message
    assert "Send it back" in refused.value.message
    assert db.session.get(HoursEntry, late.id).status is EntryStatus.PENDING
    assert approvals.approve(inside, boss).entry.status is EntryStatus.APPROVED  # her last day is still hers
    approvals.reject(late, boss, "Log it for the County: you had left us by then.")
    db.session.commit()
    assert late.status is EntryStatus.REJECTED
    # the rule new entries follow: the same date cannot be logged for the clinic any more
    with pytest.raises(DomainError, match="not on the staff of that organisation"):
        submit_external(ana, ExternalTraining("Again", date(2026, 11, 25), 60, org_id=clinic.id), "again")


def test_bulk_approval_skips_them_with_the_reason_and_approves_the_others(world):
    clinic, _county, boss, ana, membership = world
    late = _log(ana, clinic, date(2026, 11, 25), "late")
    inside = _log(ana, clinic, date(2026, 11, 2), "inside")
    _end(boss, membership)
    result = bulk_decisions.decide_many(clinic, [late.id, inside.id], EntryStatus.APPROVED, boss)
    db.session.commit()
    assert [e.id for e in result.decided] == [inside.id] and not result.refused and not result.conflicts
    assert len(result.skipped) == 1 and "Nov 25, 2026" in result.skipped[0]
    assert db.session.get(HoursEntry, late.id).status is EntryStatus.PENDING
    assert [e.object_id for e in db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "hours.approved"))] == [inside.id]
    rejected = bulk_decisions.decide_many(clinic, [late.id], EntryStatus.REJECTED, boss, "Log it for the County.")
    assert [e.id for e in rejected.decided] == [late.id]


def test_the_queue_marks_them_and_bulk_approving_says_which_were_skipped(world, client, u, login):
    clinic, _county, boss, ana, membership = world
    late = _log(ana, clinic, date(2026, 11, 25), "late")
    inside = _log(ana, clinic, date(2026, 11, 2), "inside")
    _end(boss, membership)
    login(boss)
    page = html_text(client.get(u("lms.hours.queue", org_slug="acme")).get_data(as_text=True))
    assert page.count("Dated after employment ended") == 2  # the legend and the one row
    assert "so they cannot be approved" in page
    # both ticked ("Approve all N listed" leaves the marked ones out: tests/test_recheck_manager.py)
    response = client.submit(u("lms.hours.bulk_decide", org_slug="acme"),
                             {"action": "approve", "listed": f"{inside.id} {late.id}", f"entry-{inside.id}": inside.id,
                              f"entry-{late.id}": late.id},
                             follow_redirects=True)
    page = html_text(response.get_data(as_text=True))
    assert "1 entry approved." in page and "1 entry was skipped, not approved:" in page
    assert "Ana Reyes was not on your staff on Nov 25, 2026" in page
    assert db.session.get(HoursEntry, late.id).status is EntryStatus.PENDING
    assert db.session.get(HoursEntry, inside.id).status is EntryStatus.APPROVED
    single = client.submit(u("lms.hours.approve", org_slug="acme", entry_id=late.id), follow_redirects=True)
    assert "was not on your staff on Nov 25, 2026" in html_text(single.get_data(as_text=True))
    assert db.session.get(HoursEntry, late.id).status is EntryStatus.PENDING


def test_the_api_refuses_with_409_outside_employment(world, client, u):
    clinic, _county, boss, ana, membership = world
    late = _log(ana, clinic, date(2026, 11, 25), "late")
    _end(boss, membership)
    response = client.post(u("lms.api.approve_hours", org_slug="acme", entry_id=late.id), headers=bearer(boss))
    assert response.status_code == 409 and response.json["error"]["code"] == "outside_employment"
    assert "not on your staff" in response.json["error"]["message"]
    assert db.session.get(HoursEntry, late.id).status is EntryStatus.PENDING


def test_the_end_of_employment_page_lists_pending_entries_after_the_last_day(world, client, u, login):
    clinic, _county, boss, ana, membership = world
    _log(ana, clinic, date(2026, 11, 25), "late")
    _log(ana, clinic, date(2026, 11, 26), "later")
    _log(ana, clinic, date(2026, 11, 20), "inside")
    login(boss)
    path = u("lms.orgs.end_member", org_slug="acme", membership_id=membership.id)
    page = html_text(client.submit(path, {"ended_on": LAST_DAY.isoformat()}).get_data(as_text=True))
    assert ("2 pending entries dated after November 20, 2026, the last day, will not be approvable: send them back"
            in page)
    assert "Training on 2026-11-25" in page and "Training on 2026-11-26" in page
    assert "Training on 2026-11-20" not in page
    quiet = html_text(client.submit(path, {"ended_on": "2026-11-30"}).get_data(as_text=True))
    assert "will not be approvable" not in quiet


def test_adjustments_follow_the_same_dates(world):
    clinic, _county, boss, ana, membership = world
    _end(boss, membership)
    with pytest.raises(DomainError, match="was not on your staff on that date"):
        adjustments.add_adjustment(clinic, ana, adjustments.Adjustment(60, "Late", date(2026, 11, 25)), boss, "a1")
    db.session.rollback()
    entry, _created = adjustments.add_adjustment(clinic, ana, adjustments.Adjustment(60, "Inside", LAST_DAY), boss,
                                                 "a2", approve_now=True)
    db.session.commit()
    assert entry.status is EntryStatus.APPROVED
    correction, _created = adjustments.add_adjustment(
        clinic, ana, adjustments.Adjustment(-30, "Half of it", corrects_id=entry.id), boss, "a3", approve_now=True)
    db.session.commit()
    assert correction.status is EntryStatus.APPROVED


# ---------------------------------------------------------------- the organisation of automatic entries


def _rehire(org, boss, membership, last: date, start: date):
    employment.remove_member(membership, boss, last)
    db.session.commit()
    invitation, _raw = invitations.invite(org, membership.user.email, None, orgs.Employment(employment_start=start),
                                          boss, 14)
    joining.accept_invitation(invitation, membership.user, agreed=True)
    db.session.commit()
    return membership


def test_automatic_entries_go_to_the_first_employer_also_after_a_rehire(make_user, make_org, add_member):
    boss = make_user(name="Boss")
    first = make_org("first", manager=boss, name="First Org")
    second = make_org("second", name="Second Org")
    ana = make_user("ana@example.org", name="Ana")
    membership = add_member(first, ana, employment_start=date(2025, 1, 1))
    add_member(second, ana, employment_start=date(2026, 3, 1))
    day = date(2026, 9, 1)
    assert [o.slug for o in history.employers_on(ana.id, day)] == ["first", "second"]
    _rehire(first, boss, membership, date(2026, 6, 30), date(2026, 8, 1))
    # the current period at First started after Second's, yet First is still where she started first
    assert [o.slug for o in history.employers_on(ana.id, day)] == ["first", "second"]
    assert entry_orgs.resolve_org(ana.id, day, must_choose=False) == first.id
    assert [o.slug for o in history.employers_on(ana.id, date(2026, 7, 15))] == ["second"]  # between the periods


def test_equal_first_starts_go_to_the_oldest_membership(make_user, make_org, add_member):
    ana = make_user(name="Ana")
    older, newer = make_org("zeta", name="Zeta"), make_org("alpha", name="Alpha")
    add_member(older, ana, employment_start=date(2026, 1, 1))
    add_member(newer, ana, employment_start=date(2026, 1, 1))
    assert [o.slug for o in history.employers_on(ana.id, date(2026, 5, 1))] == ["zeta", "alpha"]


# ---------------------------------------------------------------- the DHCS checklist lists every period


@pytest.fixture
def rehired(make_user, make_org, add_member):
    boss = make_user("boss@example.org", name="Bea Boss")
    org = make_org("acme", manager=boss, name="Acme Clinic", ce_year_basis=CEYearBasis.CALENDAR)
    ana = make_user("ana@example.org", name="Ana Reyes")
    membership = add_member(org, ana, employment_start=date(2026, 2, 1))
    for day, key in ((date(2026, 3, 10), "before"),):
        adjustments.add_adjustment(org, ana, adjustments.Adjustment(90, "First aid", day), boss, key, approve_now=True)
    db.session.commit()
    _rehire(org, boss, membership, LAST_DAY, date(2026, 12, 1))
    return org, boss, ana, membership


def test_the_checklist_csv_gives_the_first_start_and_every_period(rehired, client, u, login):
    org, boss, ana, membership = rehired
    checklist = ce_checklist.build_checklist(org, compliance.get_member(org, ana.id), date(2026, 12, 5))
    assert checklist.employment_start == date(2026, 12, 1) and checklist.first_start == date(2026, 2, 1)
    assert checklist.employment_periods == ((date(2026, 2, 1), LAST_DAY), (date(2026, 12, 1), None))
    login(boss)
    data = client.get(u("lms.hours.checklist_csv", org_slug="acme", user_id=ana.id, on="2026-12-05")).data
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    facts = dict(row for row in rows[: rows.index([])] if len(row) == 2)
    assert facts["Employment start date"] == "2026-02-01"
    assert facts["Periods of employment"] == "2026-02-01 – 2026-11-20; 2026-12-01 –"
    assert any(row[:1] == ["First aid"] for row in rows)  # training of the earlier period, listed with it


def test_the_checklist_pdf_prints_every_period_in_the_readers_language(rehired, client, u, login):
    _org, boss, ana, _membership = rehired
    login(boss)
    response = client.get(u("lms.hours.checklist_pdf", org_slug="acme", user_id=ana.id, on="2026-12-05"))
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = " ".join("\n".join(p.extract_text() for p in PdfReader(io.BytesIO(response.data)).pages).split())
    assert "February 1, 2026" in text  # the first start date
    assert "Feb 1, 2026 – Nov 20, 2026; Dec 1, 2026 –" in text
    boss.locale = "es"
    db.session.commit()
    spanish = client.get(u("lms.hours.checklist_pdf", org_slug="acme", user_id=ana.id, on="2026-12-05")).data
    text = " ".join("\n".join(p.extract_text() for p in PdfReader(io.BytesIO(spanish)).pages).split())
    assert "1 feb 2026 – 20 nov 2026; 1 dic 2026 –" in text
