"""Approving and rejecting ledger entries: pay rate and period (with locked periods), reasons, locking, bulk actions,
concurrent decisions (PostgreSQL threads) and idempotent concurrent submissions."""

from __future__ import annotations

import os
import threading
from datetime import date

import pytest
from sqlalchemy import func, select

from lms import db
from lms.accounts.models import User
from lms.audit import AuditEvent
from lms.errors import DomainError
from lms.hours import approvals, external_training
from lms.hours.approvals import AlreadyDecided
from lms.hours.models import EntryStatus, HoursEntry, PayrollExport
from lms.orgs.models import MemberRole
from tests import bulk_forms
from tests.test_hours_ledger import DAY, Staff, audit_rows, entries_of, external, make_staff

ON_POSTGRES = os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql")
postgres_only = pytest.mark.skipif(not ON_POSTGRES, reason="concurrency is tested against PostgreSQL")


@pytest.fixture
def staff(make_user, make_org, add_member) -> Staff:
    return make_staff(make_user, make_org, add_member)


def export_period(org, start: date, end: date) -> None:
    db.session.add(PayrollExport(org_id=org.id, period_start=start, period_end=end, content=b"", sha256="0" * 64,
                                 row_count=0))
    db.session.commit()


# ---------------------------------------------------------------- approving

def test_approval_sets_rate_period_decider_and_one_audit_row(staff):
    entry = external(staff.trainee, day=date(2026, 3, 10))  # biweekly from 2026-01-05: 2026-03-02 .. 2026-03-15
    approvals.approve(entry, staff.manager)
    db.session.commit()
    assert (entry.status, entry.rate_cents, entry.paid_period_start, entry.decided_by_id) == (
        EntryStatus.APPROVED, 2400, date(2026, 3, 2), staff.manager.id)
    assert entry.decided_at is not None
    [event] = audit_rows("hours.approved", entry)
    assert (event.actor_id, event.org_id, event.data["paid_period_start"]) == (staff.manager.id, staff.org.id,
                                                                               "2026-03-02")


def test_hours_of_an_exported_period_land_in_the_next_open_period(staff):
    export_period(staff.org, date(2026, 3, 2), date(2026, 3, 15))
    export_period(staff.org, date(2026, 3, 16), date(2026, 3, 29))
    export_period(staff.other, date(2026, 3, 30), date(2026, 4, 12))  # another organisation's export changes nothing
    entry = external(staff.trainee, day=date(2026, 3, 10))
    approvals.approve(entry, staff.manager)
    db.session.commit()
    assert entry.paid_period_start == date(2026, 3, 30)
    assert entry.activity_date == date(2026, 3, 10)


def test_rejection_needs_a_reason(client, u, login, staff):
    entry = external(staff.trainee)
    for reason in (None, "", "   "):
        with pytest.raises(DomainError):
            approvals.reject(entry, staff.manager, reason)
    assert db.session.get(HoursEntry, entry.id).status is EntryStatus.PENDING
    login(staff.manager)
    form = client.post(u("lms.hours.reject", org_slug="acme", entry_id=entry.id),
                       data={"csrf_token": client.csrf_token(), "reason": " "})
    assert form.status_code == 400
    api = client.post(u("lms.api.reject_hours", org_slug="acme", entry_id=entry.id), json={},
                      headers={"X-CSRFToken": client.csrf_token()})
    assert api.status_code == 400 and api.get_json()["error"]["code"] == "invalid"
    assert db.session.get(HoursEntry, entry.id).status is EntryStatus.PENDING
    done = client.post(u("lms.api.reject_hours", org_slug="acme", entry_id=entry.id),
                       json={"reason": "No certificate"}, headers={"X-CSRFToken": client.csrf_token()})
    assert done.status_code == 200 and done.get_json()["rejection_reason"] == "No certificate"
    [event] = audit_rows("hours.rejected", entry)
    assert event.reason == "No certificate" and event.org_id == staff.org.id


def test_decided_entries_are_locked(client, u, login, staff, make_user, add_member):
    approved, rejected = external(staff.trainee, "a"), external(staff.trainee, "b")
    approvals.approve(approved, staff.manager)
    approvals.reject(rejected, staff.manager, "Duplicate")
    db.session.commit()
    second = make_user(name="Second Manager")
    add_member(staff.org, second, role=MemberRole.MANAGER)
    with pytest.raises(AlreadyDecided):
        approvals.approve(rejected, staff.manager)
    with pytest.raises(AlreadyDecided):
        approvals.reject(approved, staff.manager, "Changed my mind")
    with pytest.raises(AlreadyDecided):  # the same decision by another manager is refused too
        approvals.approve(approved, second)
    with pytest.raises(AlreadyDecided):
        approvals.reject(rejected, second, "Again")
    # the same manager's same decision again (a double tap) changes nothing and is no error
    assert approvals.approve(approved, staff.manager).repeated
    assert approvals.reject(rejected, staff.manager, "Changed my mind").repeated
    db.session.rollback()
    login(second)
    page = client.post(u("lms.hours.approve", org_slug="acme", entry_id=approved.id),
                       data={"csrf_token": client.csrf_token()}, follow_redirects=True)
    assert page.request.path == u("lms.hours.review", org_slug="acme", entry_id=approved.id)  # post/redirect/get
    assert "already approved by Bea Boss" in page.get_data(as_text=True)
    api = client.post(u("lms.api.approve_hours", org_slug="acme", entry_id=rejected.id),
                      headers={"X-CSRFToken": client.csrf_token()})
    assert api.status_code == 409 and api.get_json()["error"]["code"] == "already_decided"
    assert db.session.get(HoursEntry, rejected.id).status is EntryStatus.REJECTED
    assert len(audit_rows("hours.approved", approved)) == 1 and audit_rows("hours.approved", rejected) == []


def test_nobody_decides_their_own_hours(staff, add_member, make_user):
    second = make_user(name="Second Manager")
    add_member(staff.org, second, role=MemberRole.MANAGER)
    own = external(staff.manager, "own", day=date(2026, 3, 10))
    with pytest.raises(DomainError):
        approvals.approve(own, staff.manager)
    approvals.approve(own, second)
    db.session.commit()
    assert own.status is EntryStatus.APPROVED


def test_approve_and_reject_pages(client, u, login, staff):
    entry = external(staff.trainee, title="Nutrition")
    other = external(staff.trainee, "x", title="Other one")
    login(staff.manager)
    review = client.get(u("lms.hours.review", org_slug="acme", entry_id=entry.id))
    assert review.status_code == 200 and "Tina Trainee" in review.get_data(as_text=True)
    approved = client.post(u("lms.hours.approve", org_slug="acme", entry_id=entry.id),
                           data={"csrf_token": client.csrf_token()}, follow_redirects=True)
    page = approved.get_data(as_text=True)
    assert approved.status_code == 200 and "Approved." in page and "$24.00" in page
    client.post(u("lms.hours.reject", org_slug="acme", entry_id=other.id),
                data={"csrf_token": client.csrf_token(), "reason": "Not training"})
    assert db.session.get(HoursEntry, other.id).rejection_reason == "Not training"


# ---------------------------------------------------------------- bulk

def test_bulk_approve_and_reject(client, u, login, staff):
    ours = [external(staff.trainee, f"k{n}", title=f"Course {n}") for n in range(4)]
    foreign = external(staff.colleague, "f", title="Foreign")
    foreign_other = _entry_in_other_org(staff)
    login(staff.manager)
    path = u("lms.hours.bulk_decide", org_slug="acme")
    token = client.csrf_token()
    response = client.post(path, data={"csrf_token": token, "action": "approve", "status": "pending",
                                       **bulk_forms.entries(ours[0].id, ours[1].id, foreign_other.id)})
    assert response.status_code == 302 and "status=pending" in response.headers["Location"]
    assert [db.session.get(HoursEntry, e.id).status for e in ours] == [
        EntryStatus.APPROVED, EntryStatus.APPROVED, EntryStatus.PENDING, EntryStatus.PENDING]
    assert db.session.get(HoursEntry, foreign_other.id).status is EntryStatus.PENDING  # another org's: ignored
    no_reason = client.post(path, data={"csrf_token": token, "action": "reject",
                                        **bulk_forms.entries(ours[2].id, ours[3].id)})
    assert no_reason.status_code == 400 and "reason" in no_reason.get_data(as_text=True)
    assert f'value="{ours[2].id}"' in no_reason.get_data(as_text=True)
    assert db.session.get(HoursEntry, ours[2].id).status is EntryStatus.PENDING
    rejected = client.post(path, data={"csrf_token": token, "action": "reject", "reason": "Please add evidence",
                                       **bulk_forms.entries(ours[2].id, ours[0].id, foreign.id)},
                           follow_redirects=True)
    page = rejected.get_data(as_text=True)
    assert "2 entries rejected." in page and "already approved" in page  # ours[0] was approved: a conflict
    assert [db.session.get(HoursEntry, e.id).status for e in (ours[2], foreign)] == [EntryStatus.REJECTED] * 2
    assert db.session.get(HoursEntry, ours[0].id).status is EntryStatus.APPROVED
    nothing = client.post(path, data={"csrf_token": token, "action": "approve"})
    assert nothing.status_code == 400


def _entry_in_other_org(staff: Staff) -> HoursEntry:
    from lms.orgs import services as orgs

    person = User(email="olga@example.org", name="Olga Other")
    db.session.add(person)
    db.session.flush()
    orgs.add_member(staff.other, person, orgs.Employment(), None)
    db.session.commit()
    return external(person, "o")


# ---------------------------------------------------------------- concurrency (PostgreSQL, threads)

def _race(app, work, count: int = 2) -> list[str]:
    """Run ``work(index)`` in ``count`` threads, each with its own app context and session, started together."""
    barrier, results, lock = threading.Barrier(count), [], threading.Lock()

    def run(index: int) -> None:
        with app.app_context():
            try:
                outcome = work(index, barrier)
                db.session.commit()
            except AlreadyDecided:
                db.session.rollback()
                outcome = "conflict"
            except Exception as exc:  # shown in the assertion, not lost in the thread
                db.session.rollback()
                outcome = repr(exc)
            finally:
                db.session.remove()
            with lock:
                results.append(outcome)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return sorted(results)


@postgres_only
def test_two_managers_approving_at_once_make_one_approval(app, staff, add_member, make_user):
    second = make_user(name="Second Manager")
    add_member(staff.org, second, role=MemberRole.MANAGER)
    entry_id, managers = external(staff.trainee).id, [staff.manager.id, second.id]

    def approve(index: int, barrier: threading.Barrier) -> str:
        entry = db.session.get(HoursEntry, entry_id)
        manager = db.session.get(User, managers[index])
        assert entry.status is EntryStatus.PENDING
        barrier.wait()  # both have read "pending" before either writes
        approvals.approve(entry, manager)
        return "approved"

    assert _race(app, approve) == ["approved", "conflict"]
    db.session.expire_all()
    entry = db.session.get(HoursEntry, entry_id)
    assert entry.status is EntryStatus.APPROVED and entry.decided_by_id in managers
    assert len(audit_rows("hours.approved", entry)) == 1


@postgres_only
def test_a_double_tap_approving_at_once_makes_one_approval_and_no_conflict(app, staff):
    entry_id, manager_id = external(staff.trainee).id, staff.manager.id

    def approve(index: int, barrier: threading.Barrier) -> str:
        entry = db.session.get(HoursEntry, entry_id)
        manager = db.session.get(User, manager_id)
        barrier.wait()  # both requests of the same manager have read "pending" before either writes
        return "repeated" if approvals.approve(entry, manager).repeated else "approved"

    assert _race(app, approve) == ["approved", "repeated"]
    db.session.expire_all()
    assert len(audit_rows("hours.approved", db.session.get(HoursEntry, entry_id))) == 1


@postgres_only
def test_approve_and_reject_at_once_make_one_decision(app, staff, add_member, make_user):
    second = make_user(name="Second Manager")
    add_member(staff.org, second, role=MemberRole.MANAGER)
    entry_id, managers = external(staff.trainee).id, [staff.manager.id, second.id]

    def decide(index: int, barrier: threading.Barrier) -> str:
        entry = db.session.get(HoursEntry, entry_id)
        manager = db.session.get(User, managers[index])
        barrier.wait()
        if index == 0:
            approvals.approve(entry, manager)
            return "approved"
        approvals.reject(entry, manager, "No")
        return "rejected"

    outcome = _race(app, decide)
    assert "conflict" in outcome and len(outcome) == 2
    db.session.expire_all()
    decided = db.session.scalar(select(func.count(AuditEvent.id)).where(
        AuditEvent.object_id == entry_id, AuditEvent.action.in_(["hours.approved", "hours.rejected"])))
    assert decided == 1


@postgres_only
def test_concurrent_submissions_with_one_key_make_one_entry(app, staff):
    user_id = staff.trainee.id

    def submit(index: int, barrier: threading.Barrier) -> int:
        user = db.session.get(User, user_id)
        barrier.wait()
        entry, _created = external_training.submit_external(
            user, external_training.ExternalTraining(title="Workshop", activity_date=DAY, minutes=60), "double-click")
        db.session.flush()
        return entry.id

    ids = _race(app, submit, count=4)
    db.session.expire_all()
    assert len(set(ids)) == 1 and len(entries_of(staff.trainee)) == 1
