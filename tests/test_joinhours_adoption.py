"""Own records sent to the organisation when its employment comes to cover their dates (lms.hours.adoption).

Rosa trained on 7 December 2026 before anyone employed her: her entries have no organisation ("own records"). Valley
Clinic invites her to start on 1 December; once she accepts, the pending own records dated from that day go to its
review queue, with an ``hours.org_assigned`` audit row each. Entries dated before the start, decided entries, other
organisations' entries and corrections never move. The same happens when a start date moves earlier (staff page,
roster import) and when an end of employment is undone.
"""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from lms import db
from lms.audit import AuditEvent
from lms.hours import adoption, approvals, start_moves
from lms.hours.models import EntrySource, EntryStatus, HoursEntry, LedgerViolation
from lms.orgs import employment, invitations, joining
from lms.orgs import services as orgs
from tests.conftest import html_text
from tests.hours_reports_helpers import add_entry

START = date(2026, 12, 1)
TRAINED = date(2026, 12, 7)


@pytest.fixture
def world(make_user, make_org):
    """Valley Clinic (Bea Boss), Beta Health, and Rosa's entries of every kind."""
    boss = make_user("boss@example.org", name="Bea Boss")
    org = make_org("valley", manager=boss, name="Valley Clinic")
    beta = make_org("beta", name="Beta Health")
    rosa = make_user("rosa@example.org", name="Rosa Ruiz", locale="en")
    own = add_entry(rosa, None, TRAINED, 120, status=EntryStatus.PENDING, source=EntrySource.SELF_PACED,
                    title="Module 1")
    entries = {
        "own": own,
        "before": add_entry(rosa, None, date(2026, 11, 20), 60, status=EntryStatus.PENDING, title="Before start"),
        "rejected": add_entry(rosa, None, TRAINED, 30, status=EntryStatus.REJECTED, title="Rejected one"),
        "other": add_entry(rosa, beta, TRAINED, 45, status=EntryStatus.PENDING, title="Beta one"),
        "fix": add_entry(rosa, None, TRAINED, 15, status=EntryStatus.PENDING, source=EntrySource.ADJUSTMENT,
                         corrects_id=own.id, title="Correction"),
    }
    db.session.commit()
    return {"org": org, "beta": beta, "boss": boss, "rosa": rosa, **entries}


def _invite(world, start=START):
    invitation, raw = invitations.invite(world["org"], "rosa@example.org", None,
                                         orgs.Employment(employment_start=start), world["boss"], 14)
    db.session.commit()
    return invitation, raw


def _org_of(entry: HoursEntry) -> int | None:
    db.session.refresh(entry)
    return entry.org_id


def _assigned() -> list[AuditEvent]:
    return list(db.session.execute(select(AuditEvent).where(AuditEvent.action == "hours.org_assigned")).scalars())


def test_accepting_sends_pending_own_records_dated_within_the_employment(app, u, world, client_as):
    _invitation, raw = _invite(world)
    browser = client_as(world["rosa"])
    path = u("lms.orgs.accept", token=raw)
    done = browser.submit(path, {"csrf_token": browser.csrf_token(path), "agree": "y"})
    assert done.status_code == 302
    page = html_text(browser.get(done.headers["Location"]).text)
    assert "1 entry from your own training records was sent to Valley Clinic for review." in page

    org, beta = world["org"], world["beta"]
    assert _org_of(world["own"]) == org.id
    assert [_org_of(world[k]) for k in ("before", "rejected", "fix")] == [None, None, None]
    assert _org_of(world["other"]) == beta.id
    (row,) = _assigned()
    assert (row.object_id, row.actor_id, row.org_id, row.reason) == (
        world["own"].id, world["rosa"].id, org.id, adoption.EMPLOYMENT_COVERS_DATE)
    assert row.data == {"activity_date": "2026-12-07", "minutes": 120}

    # it is in the manager's queue, with its history, and can be approved there
    boss = client_as(world["boss"])
    assert "Module 1" in boss.get(u("lms.hours.queue", org_slug="valley")).text
    detail = html_text(boss.get(u("lms.hours.review", org_slug="valley", entry_id=world["own"].id)).text)
    assert "sent to the organisation for review" in detail and "their employment here covers its date" in detail
    approvals.approve(db.session.get(HoursEntry, world["own"].id), world["boss"])
    db.session.commit()
    assert db.session.get(HoursEntry, world["own"].id).status is EntryStatus.APPROVED


def test_a_start_after_the_training_moves_nothing_and_adopting_twice_moves_nothing_more(app, world):
    invitation, _raw = _invite(world, start=date(2026, 12, 8))
    joined = joining.accept_invitation(invitation, world["rosa"], agreed=True)
    db.session.commit()
    assert joined.sent_entries == 0 and _org_of(world["own"]) is None and _assigned() == []

    membership = joined.membership
    assert orgs.change_member(membership, orgs.Employment(employment_start=START), world["boss"]) == (True, 1)
    db.session.commit()
    assert _org_of(world["own"]) == world["org"].id
    assert adoption.adopt_own_records(membership, world["boss"]) == 0 and len(_assigned()) == 1


def test_no_start_date_takes_only_what_is_dated_from_the_day_she_joined(app, world):
    org = world["org"]
    today = org.today()
    recent = add_entry(world["rosa"], None, today, 40, status=EntryStatus.PENDING, title="Today")
    db.session.commit()
    invitation, _raw = _invite(world, start=None)
    joined = joining.accept_invitation(invitation, world["rosa"], agreed=True)
    db.session.commit()
    took_own = today <= TRAINED  # 7 December: from the day she joined only when that is today
    assert joined.sent_entries == 1 + took_own and _org_of(recent) == org.id
    assert _org_of(world["own"]) == (org.id if took_own else None)
    assert _org_of(world["before"]) is None


def test_a_start_moved_earlier_on_the_staff_page_sends_them_and_says_so(app, u, world, add_member, client_as):
    membership = add_member(world["org"], world["rosa"], employment_start=date(2026, 12, 10))
    assert _org_of(world["own"]) is None
    boss = client_as(world["boss"])
    path = u("lms.orgs.member", org_slug="valley", membership_id=membership.id)
    form = {"employee_id": "", "job_title": "", "employment_type": "employee", "role": "member"}
    saved = boss.submit(path, {**form, "employment_start": "2026-12-01", "csrf_token": boss.csrf_token(path)})
    assert saved.status_code == 302
    page = html_text(boss.get(saved.headers["Location"]).text)
    assert ("1 entry from Rosa Ruiz's own training records is now in your review queue: it is dated within their "
            "employment here.") in page
    assert _org_of(world["own"]) == world["org"].id

    # moved later again: the entry stays with the organisation, and the confirmation lists it as not approvable
    move = start_moves.start_move(db.session.get(type(membership), membership.id), date(2026, 12, 8))
    assert move is not None and [e.id for e in move.pending] == [world["own"].id]


def test_a_roster_import_moving_the_start_earlier_sends_them(app, world, add_member):
    membership = add_member(world["org"], world["rosa"], employment_start=date(2026, 12, 10))
    # what lms.orgs.roster.apply_roster calls for current staff, under its own lock and checks
    assert orgs.change_member(membership, orgs.Employment(employment_start=START), world["boss"], checked=True)[0]
    db.session.commit()
    assert _org_of(world["own"]) == world["org"].id


def test_undoing_an_end_of_employment_sends_those_dated_after_it(app, world, add_member):
    membership = add_member(world["org"], world["rosa"], employment_start=date(2026, 11, 1))
    employment.remove_member(membership, world["boss"], date(2026, 12, 2))
    db.session.commit()
    after_end = add_entry(world["rosa"], None, date(2026, 12, 5), 50, status=EntryStatus.PENDING, title="After")
    db.session.commit()
    employment.reinstate_member(membership, world["boss"])
    db.session.commit()
    assert _org_of(after_end) == world["org"].id and _org_of(world["own"]) == world["org"].id
    assert _org_of(world["before"]) == world["org"].id  # 20 November: within her employment from 1 November


def test_the_ledger_still_refuses_an_organisation_changed_any_other_way(app, world):
    entry = db.session.get(HoursEntry, world["other"].id)
    entry.org_id = world["org"].id
    with pytest.raises(LedgerViolation):
        db.session.flush()
    db.session.rollback()
