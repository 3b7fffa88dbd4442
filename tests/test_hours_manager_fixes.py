"""Managers' hours pages after a QA pass on a phone: correcting a rejected entry, repeated decisions (a double tap),
titles of the entry history, and people who have not started yet on the continuing-education dashboard."""

from __future__ import annotations

import ast
import re
from datetime import date
from pathlib import Path

import pytest

from lms import audit, db
from lms.hours import approvals, ce_years, compliance, review_queue, schedule_change
from lms.hours.models import EntryStatus, HoursEntry
from lms.orgs.models import CEYearBasis, MemberRole, PayPeriod
from lms.web.hours.queue import EVENT_TITLES
from tests import bulk_forms
from tests.hours_reports_helpers import add_entry
from tests.test_hours_ledger import DAY, Staff, audit_rows, entries_of, external, form_token, make_staff

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def staff(make_user, make_org, add_member) -> Staff:
    return make_staff(make_user, make_org, add_member)


def _rejected(staff: Staff) -> HoursEntry:
    entry = external(staff.trainee, title="Diabetes workshop")
    approvals.reject(entry, staff.manager, "No certificate")
    db.session.commit()
    return entry


def _adjust_path(u, staff: Staff) -> str:
    member = review_queue.get_member(staff.org, staff.trainee.id)
    return u("lms.hours.adjust", org_slug="acme", membership_id=member.id)


def _error_summary(html: str) -> str:
    found = re.search(r'<div class="error-summary" role="alert"[^>]*>(.*?)</div>', html, re.S)
    return found.group(1) if found else ""


# ---------------------------------------------------------------- 1. correcting a rejected entry


def test_a_rejected_entry_offers_an_adjustment_for_the_person_not_a_correction(client, u, login, staff):
    entry = _rejected(staff)
    login(staff.manager)
    page = client.get(u("lms.hours.review", org_slug="acme", entry_id=entry.id)).get_data(as_text=True)
    assert "Add a correction" not in page and "corrects=" not in page
    assert f'href="{_adjust_path(u, staff)}"' in page  # the adjustment form, no entry chosen
    assert "This entry was rejected, so it cannot be corrected." in page


def test_an_adjustment_form_opened_for_a_rejected_entry_stands_on_its_own(client, u, login, staff):
    entry = _rejected(staff)
    login(staff.manager)
    path = _adjust_path(u, staff)
    page = client.get(path + f"?corrects={entry.id}").get_data(as_text=True)
    assert "cannot be corrected" in page and "Correcting:" not in page
    assert re.search(r'name="corrects_id"[^>]*value=""|id="corrects_id" name="corrects_id" type="hidden" value=""', page)


def test_an_error_about_the_hidden_entry_is_shown_above_the_form(client, u, login, staff):
    entry = _rejected(staff)
    login(staff.manager)
    path = _adjust_path(u, staff)
    token, key = form_token(client, path)
    response = client.post(path, data={"csrf_token": token, "idempotency_key": key, "minutes": "60",
                                       "corrects_id": str(entry.id), "description": "Pay it after all",
                                       "activity_date": DAY.isoformat()})
    html = response.get_data(as_text=True)
    summary = _error_summary(html)
    assert response.status_code == 400
    assert "That entry was rejected, so there is nothing to correct." in summary
    assert "highlighted" not in summary  # no field is marked, so none is announced
    assert 'value="Pay it after all"' in html or "Pay it after all</textarea>" in html
    assert entries_of(staff.trainee) == [entry]
    # sent again as it stands, it is an adjustment of its own (the rejected entry is no longer attached)
    again = client.post(path, data={"csrf_token": token, "idempotency_key": key, "minutes": "60",
                                    "corrects_id": re.search(r'name="corrects_id"[^>]*value="([^"]*)"', html).group(1),
                                    "description": "Pay it after all", "activity_date": DAY.isoformat()})
    assert again.status_code == 302
    assert (entries_of(staff.trainee)[-1].corrects_id, entries_of(staff.trainee)[-1].minutes) == (None, 60)


def test_an_adjustment_without_an_entry_needs_its_date_and_says_so(client, u, login, staff):
    login(staff.manager)
    path = _adjust_path(u, staff)
    page = client.get(path).get_data(as_text=True)
    assert "Leave empty" not in page  # nothing to take the date from
    token, key = form_token(client, path)
    data = {"csrf_token": token, "idempotency_key": key, "minutes": "45", "description": "Paid the charla"}
    empty = client.post(path, data=data)
    html = empty.get_data(as_text=True)
    assert empty.status_code == 400 and "Enter the date (YYYY-MM-DD)." in html
    assert re.search(r'id="activity_date-error"', html)  # next to the date box
    saved = client.post(path, data={**data, "activity_date": DAY.isoformat()})
    assert saved.status_code == 302
    assert (entries_of(staff.trainee)[-1].minutes, entries_of(staff.trainee)[-1].activity_date) == (45, DAY)


def test_a_correction_still_takes_the_date_of_the_entry_it_corrects(client, u, login, staff):
    original = external(staff.trainee, minutes=90)
    approvals.approve(original, staff.manager)
    db.session.commit()
    login(staff.manager)
    path = _adjust_path(u, staff)
    page = client.get(path + f"?corrects={original.id}").get_data(as_text=True)
    assert "Leave empty to use the date of the corrected entry." in page
    token, key = form_token(client, path + f"?corrects={original.id}")
    response = client.post(path, data={"csrf_token": token, "idempotency_key": key, "minutes": "-10",
                                       "corrects_id": str(original.id), "description": "Left early"})
    assert response.status_code == 302 and entries_of(staff.trainee)[-1].activity_date == DAY


def test_the_adjustment_form_is_reachable_from_the_persons_pages(client, u, login, staff):
    external(staff.trainee)
    login(staff.manager)
    hours = client.get(u("lms.hours.queue", org_slug="acme", person=staff.trainee.id, status="all"))
    assert f'href="{_adjust_path(u, staff)}"' in hours.get_data(as_text=True)
    everyone = client.get(u("lms.hours.queue", org_slug="acme", status="all")).get_data(as_text=True)
    assert f'href="{_adjust_path(u, staff)}"' not in everyone  # whose hours? only once a person is chosen
    sheet = client.get(u("lms.hours.person_timesheet", org_slug="acme", user_id=staff.trainee.id)).get_data(as_text=True)
    person_hours = u("lms.hours.queue", org_slug="acme", person=staff.trainee.id, status="all")
    assert f'href="{person_hours.replace("&", "&amp;")}"' in sheet


# ---------------------------------------------------------------- 2. a repeated decision (double tap)


def test_approving_twice_is_not_an_error(client, u, login, staff):
    entry = external(staff.trainee)
    login(staff.manager)
    path = u("lms.hours.approve", org_slug="acme", entry_id=entry.id)
    first = client.post(path, data={"csrf_token": client.csrf_token()})
    second = client.post(path, data={"csrf_token": client.csrf_token()})
    assert first.status_code == second.status_code == 302
    page = client.get(second.headers["Location"]).get_data(as_text=True)
    assert "You had already approved this entry." in page
    assert "flash-error" not in page and "already approved by" not in page
    assert len(audit_rows("hours.approved", entry)) == 1
    api = client.post(u("lms.api.approve_hours", org_slug="acme", entry_id=entry.id),
                      headers={"X-CSRFToken": client.csrf_token()})
    assert api.status_code == 200 and api.get_json()["status"] == "approved"


def test_rejecting_twice_is_not_an_error(client, u, login, staff):
    entry = external(staff.trainee)
    login(staff.manager)
    path = u("lms.hours.reject", org_slug="acme", entry_id=entry.id)
    for _ in range(2):
        response = client.post(path, data={"csrf_token": client.csrf_token(), "reason": "No certificate"})
        assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "You had already rejected this entry." in page and "flash-error" not in page
    assert len(audit_rows("hours.rejected", entry)) == 1


def test_a_different_decision_is_still_an_error(client, u, login, staff, make_user, add_member):
    second = make_user(name="Sol Second")
    add_member(staff.org, second, role=MemberRole.MANAGER)
    approved, rejected, theirs = (external(staff.trainee, k) for k in ("a", "b", "c"))
    approvals.approve(approved, staff.manager)
    approvals.reject(rejected, staff.manager, "Duplicate")
    approvals.approve(theirs, second)
    db.session.commit()
    login(staff.manager)
    turned = client.post(u("lms.hours.approve", org_slug="acme", entry_id=rejected.id),
                         data={"csrf_token": client.csrf_token()}, follow_redirects=True)
    assert "already rejected by Bea Boss" in turned.get_data(as_text=True)  # on the entry's page (post/redirect/get)
    other = client.post(u("lms.hours.approve", org_slug="acme", entry_id=theirs.id),
                        data={"csrf_token": client.csrf_token()}, follow_redirects=True)
    assert "already approved by Sol Second" in other.get_data(as_text=True)
    back = client.post(u("lms.hours.reject", org_slug="acme", entry_id=approved.id),
                       data={"csrf_token": client.csrf_token(), "reason": "Changed my mind"})
    assert back.status_code == 302
    assert [db.session.get(HoursEntry, e.id).status for e in (approved, rejected, theirs)] == [
        EntryStatus.APPROVED, EntryStatus.REJECTED, EntryStatus.APPROVED]


def test_bulk_counts_ones_own_earlier_decisions_as_already_done(client, u, login, staff):
    ours = [external(staff.trainee, f"k{n}", title=f"Course {n}") for n in range(3)]
    login(staff.manager)
    path = u("lms.hours.bulk_decide", org_slug="acme")
    ids = [str(e.id) for e in ours]
    client.post(path, data={"csrf_token": client.csrf_token(), "action": "approve", **bulk_forms.entries(*ids[:2])})
    again = client.post(path, data={"csrf_token": client.csrf_token(), "action": "approve", **bulk_forms.entries(*ids)},
                        follow_redirects=True)
    page = again.get_data(as_text=True)
    assert "1 entry approved." in page and "2 entries were already approved by you." in page
    assert "flash-error" not in page
    repeat = client.post(path, data={"csrf_token": client.csrf_token(), "action": "approve", **bulk_forms.entries(*ids)},
                         follow_redirects=True).get_data(as_text=True)
    assert "0 entries approved" not in repeat and "3 entries were already approved by you." in repeat
    assert "flash-error" not in repeat
    assert all(len(audit_rows("hours.approved", e)) == 1 for e in ours)


# ---------------------------------------------------------------- 3. the entry history


def _recorded_hours_actions() -> set[str]:
    """Every ``audit.record("hours.…", …)`` action in the code; a name built at run time fails the test."""
    found: set[str] = set()
    for path in (ROOT / "lms").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "record"
                    and isinstance(node.func.value, ast.Name) and node.func.value.id == "audit" and node.args):
                continue
            action = node.args[0]
            if isinstance(action, ast.Constant) and isinstance(action.value, str):
                if action.value.startswith("hours."):
                    found.add(action.value)
            else:
                assert "hours" not in path.parts, f"{path}:{node.lineno}: audit action built at run time"
    return found


def test_every_hours_audit_action_has_a_title():
    actions = _recorded_hours_actions()
    assert {"hours.entry_created", "hours.approved", "hours.rejected", "hours.paid_period_moved"} <= actions
    missing = sorted(a for a in actions if a not in EVENT_TITLES)
    assert missing == [], "give these audit actions a title in lms/web/hours/queue.py EVENT_TITLES"


def test_a_pay_schedule_move_reads_as_words_in_the_history(client, u, login, staff):
    entry = external(staff.trainee, day=date(2026, 3, 10))
    approvals.approve(entry, staff.manager)
    db.session.commit()
    staff.org.pay_period_anchor = date(2026, 1, 12)  # the periods move by a week
    assert schedule_change.repay_unexported(staff.org, staff.manager) == 1
    audit.record("hours.paid_period_moved", entry, None, org_id=staff.org.id, reason="pay schedule changed")  # older row
    db.session.commit()
    login(staff.manager)
    page = client.get(u("lms.hours.review", org_slug="acme", entry_id=entry.id)).get_data(as_text=True)
    history = page[page.index("<h2>History</h2>"):]
    assert "hours.paid_period_moved" not in history and "pay_schedule" not in history
    assert history.count("moved to another pay period: the pay schedule changed") == 2


# ---------------------------------------------------------------- 4. CE: people who have not started


@pytest.fixture
def ce_org(make_org, make_user, add_member):
    manager = make_user(name="Mara Manager")
    org = make_org("acme", manager=manager, pay_period=PayPeriod.MONTHLY, training_pay_rate_cents=2000)
    people = {}
    for name, start in [("Future Fe", date(2026, 12, 7)), ("July Julia", date(2026, 7, 1)),
                        ("Veteran Vera", date(2020, 1, 1))]:
        people[name] = make_user(name=name)
        add_member(org, people[name], employment_start=start)
    return org, manager, people


def test_someone_not_yet_employed_is_not_overdue(app, ce_org):
    org, _manager, _people = ce_org
    rows = {s.name: s for s in compliance.list_ce_status(org, date(2026, 12, 5))}
    future = rows["Future Fe"]
    assert (future.state, future.remaining_minutes, future.is_behind) == ("not_started", 0, False)
    assert [s.name for s in compliance.list_ce_status(org, date(2026, 12, 5))][-1] == "Future Fe"


def test_a_start_during_the_year_prorates_the_minimum(app, ce_org):
    org, _manager, people = ce_org
    add_entry(people["July Julia"], org, date(2026, 8, 3), 120, paid=date(2026, 8, 1))
    db.session.commit()
    rows = {s.name: s for s in compliance.list_ce_status(org, date(2026, 12, 5))}
    # 184 of the year's 365 days (1 July to 31 December): 360 minutes * 184 / 365 = 181.5, rounded up
    assert (rows["July Julia"].required_minutes, rows["July Julia"].remaining_minutes) == (182, 62)
    assert rows["Veteran Vera"].required_minutes == 360
    # the even pace counts from the first day of work: 158 of 184 days → 156 minutes expected by 5 December
    assert rows["July Julia"].expected_minutes == 182 * 158 // 184 and rows["July Julia"].is_behind


def test_on_the_anniversary_basis_a_future_starter_has_their_first_year(app, ce_org):
    org, _manager, people = ce_org
    org.ce_year_basis = CEYearBasis.ANNIVERSARY
    add_entry(people["Future Fe"], org, date(2026, 12, 1), 30, paid=date(2026, 12, 1))  # before the start: not counted
    db.session.commit()
    assert ce_years.ce_year(org, date(2026, 12, 5), date(2026, 12, 7)) == (date(2026, 12, 7), date(2027, 12, 6))
    future = {s.name: s for s in compliance.list_ce_status(org, date(2026, 12, 5))}["Future Fe"]
    assert (future.year_start, future.done_minutes, future.state) == (date(2026, 12, 7), 0, "not_started")


def test_dashboard_shows_when_a_future_starter_starts(client, u, login, ce_org):
    _org, manager, _people = ce_org
    login(manager)
    page = client.get(u("lms.hours.compliance_dashboard", org_slug="acme", on="2026-12-05")).get_data(as_text=True)
    row = re.search(r"Future Fe.*?</tr>", page, re.S).group(0)
    assert "Starts on" in row and "Dec 7, 2026" in row and "Behind" not in row and "6 hours" not in row
    assert "Behind" in re.search(r"Veteran Vera.*?</tr>", page, re.S).group(0)
