"""The approval queue after an employer's QA pass: a refused reason marked on its box, resubmitted entries marked
(queue and entry page) and counted by "Approve all", bulk approval saying when hours go to a later pay period, and
dates in the filters that are not dates kept in their box and marked."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import pytest

from lms import db
from lms.hours import approvals, external_training, resubmissions
from lms.hours.evidence import Upload
from lms.hours.models import EntryStatus, PayrollExport
from tests import bulk_forms
from tests.test_hours_ledger import PDF, Staff, external, make_staff

RETURNED_AT = datetime(2026, 3, 12, 18, 0, tzinfo=UTC)  # Mar 12 in Los Angeles, the managers' zone


@pytest.fixture
def staff(make_user, make_org, add_member) -> Staff:
    return make_staff(make_user, make_org, add_member)


def _summary(html: str) -> str:
    found = re.search(r'<div class="error-summary" role="alert"[^>]*>(.*?)</div>', html, re.S)
    return found.group(1) if found else ""


def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


# ---------------------------------------------------------------- 1. the reason box, marked when refused


def test_rejecting_without_a_reason_marks_the_box_and_the_summary_links_to_it(client, u, login, staff, mailbox):
    entry = external(staff.trainee, title="CPR refresher")
    login(staff.manager)
    response = client.submit(u("lms.hours.bulk_decide", org_slug="acme"),
                             {"action": "reject", "reason": "  ", **bulk_forms.entries(entry.id)})
    html = response.get_data(as_text=True)
    message = "Give a reason for rejecting: the person will see it."
    assert response.status_code == 400
    box = re.search(r"<textarea[^>]*>", html).group(0)
    assert 'id="bulk-reason"' in box and 'name="reason"' in box
    assert 'aria-invalid="true"' in box and 'aria-describedby="bulk-reason-error"' in box
    assert f'<p class="error" id="bulk-reason-error">{message}</p>' in html
    assert f'<a href="#bulk-reason">{message}</a>' in _summary(html)
    assert re.search(rf'name="entry-{entry.id}"[^>]*checked', html)  # the tick is kept
    assert bulk_forms.entry_statuses([entry]) == [EntryStatus.PENDING] and not mailbox


def test_an_error_about_the_ticks_leaves_the_box_unmarked_and_keeps_the_reason(client, u, login, staff):
    external(staff.trainee)
    login(staff.manager)
    response = client.submit(u("lms.hours.bulk_decide", org_slug="acme"),
                             {"action": "reject", "reason": "Wrong date", "listed": ""})
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert _summary(html) == "<p>Tick at least one entry, then choose an action.</p>"
    box = re.search(r"<textarea[^>]*>([^<]*)</textarea>", html)
    assert "aria-invalid" not in box.group(0) and box.group(1).strip() == "Wrong date"
    assert 'aria-invalid="true"' not in html


# ---------------------------------------------------------------- 2. resubmissions, marked


def _resubmitted(staff: Staff, *, reason: str = "No certificate attached", evidence: str = "added", key: str = "r"):
    """An entry of Tina's returned by acme's manager on RETURNED_AT and submitted again, its evidence ``added`` (a
    new file), ``same`` (the returned entry's kept) or ``none``."""
    old_file = Upload("old.pdf", "application/pdf", PDF) if evidence == "same" else None
    first, _new = external_training.submit_external(staff.trainee, external_training.ExternalTraining(
        title=f"Workshop {key}", activity_date=date(2026, 3, 10), minutes=90), f"{key}-1", old_file)
    approvals.reject(first, staff.manager, reason)
    first.decided_at = RETURNED_AT
    db.session.flush()
    upload = {"added": Upload("new.pdf", "application/pdf", PDF + b"new"),
              "same": resubmissions.evidence_copy(first), "none": None}[evidence]
    again, _new = external_training.submit_external(staff.trainee, external_training.ExternalTraining(
        title=f"Workshop {key} again", activity_date=date(2026, 3, 10), minutes=90), f"{key}-2", upload)
    resubmissions.record_resubmission(again, first, staff.trainee, evidence_reused=evidence == "same")
    db.session.commit()
    return first, again


def test_the_queue_marks_a_resubmission_with_its_return_and_its_evidence(client, u, login, staff):
    _first, added = _resubmitted(staff, key="a")
    _first, same = _resubmitted(staff, key="s", evidence="same", reason="Wrong provider")
    _first, none = _resubmitted(staff, key="n", evidence="none", reason="Attach the certificate")
    plain = external(staff.colleague, "plain", title="A first submission")
    login(staff.manager)
    text = _text(client.get(u("lms.hours.queue", org_slug="acme")).get_data(as_text=True))
    assert "Resubmitted — returned on Mar 12, 2026: No certificate attached Evidence added since." in text
    assert "Resubmitted — returned on Mar 12, 2026: Wrong provider Same evidence as before." in text
    assert "Resubmitted — returned on Mar 12, 2026: Attach the certificate No evidence." in text
    assert text.count("Resubmitted —") == 3  # not the first submission, nor the returned entries (not pending)
    assert ("4 entries awaiting approval listed above, ticked or not. 3 of them were returned to the person before "
            "and submitted again: check what changed before approving them.") in text
    assert {added.id, same.id, none.id, plain.id} <= set(bulk_forms.listed_ids(
        client.get(u("lms.hours.queue", org_slug="acme")).get_data(as_text=True)))  # "Approve all" skips none


def test_the_queue_loads_the_returns_in_one_query_whatever_their_number(client, u, login, staff, count_queries):
    _resubmitted(staff, key="first")
    login(staff.manager)
    queue = u("lms.hours.queue", org_slug="acme")
    client.get(queue)
    with count_queries() as few:
        assert client.get(queue).status_code == 200
    for n in range(4):
        _resubmitted(staff, key=f"more{n}", evidence=("added", "same", "none")[n % 3])
    with count_queries() as many:
        page = client.get(queue).get_data(as_text=True)
    assert page.count('class="hours-resubmitted"') == 5
    assert many.count == few.count


def test_another_organisations_return_is_not_shown(client, u, login, staff, add_member):
    add_member(staff.other, staff.trainee, employment_start=date(2025, 1, 1))
    first = external(staff.trainee, "o1", title="For the other clinic", org_id=staff.other.id)
    approvals.reject(first, staff.other_manager, "Their private reason")
    again = external(staff.trainee, "o2", title="Now for acme", org_id=staff.org.id)
    resubmissions.record_resubmission(again, first, staff.trainee)
    db.session.commit()
    login(staff.manager)
    page = client.get(u("lms.hours.queue", org_slug="acme")).get_data(as_text=True)
    assert "Now for acme" in page and "Their private reason" not in page and "Resubmitted" not in page
    review = client.get(u("lms.hours.review", org_slug="acme", entry_id=again.id)).get_data(as_text=True)
    assert "Their private reason" not in review


@pytest.mark.parametrize(("evidence", "sentence"), [
    ("added", "Evidence was added since it was returned."),
    ("same", "No evidence was added since it was returned: the file is the same as before."),
    ("none", "No evidence was added since it was returned: this entry has no file."),
])
def test_the_entry_page_shows_the_return_above_the_decision(client, u, login, staff, evidence, sentence):
    first, again = _resubmitted(staff, evidence=evidence)
    login(staff.manager)
    html = client.get(u("lms.hours.review", org_slug="acme", entry_id=again.id)).get_data(as_text=True)
    text = _text(html)
    returned = text.index(f"Resubmission of entry #{first.id} , which was sent back. It was returned on Mar 12, 2026 "
                          f"with this reason: No certificate attached {sentence}")
    assert returned < text.index("Decide") < text.index("Approve")
    assert f'href="{u("lms.hours.review", org_slug="acme", entry_id=first.id)}"' in html
    assert text.count(f"Resubmission of entry #{first.id}") == 1


# ---------------------------------------------------------------- 3. approved into a later pay period


def _payroll_ran_for_march_2_to_15(staff: Staff) -> None:
    """acme's biweekly period Mar 2-15, 2026 exported: entries dated in it are paid from Mar 16."""
    db.session.add(PayrollExport(org_id=staff.org.id, period_start=date(2026, 3, 2), period_end=date(2026, 3, 15),
                                 content=b"", sha256="0" * 64, row_count=0, exported_by_id=staff.manager.id))
    db.session.commit()


def test_bulk_approval_says_how_many_entries_go_to_the_next_pay_period(client, u, login, staff):
    late = [external(staff.trainee, f"late{n}", day=date(2026, 3, 9 + n)) for n in range(2)]
    on_time = external(staff.colleague, "on-time", day=date(2026, 3, 17))
    _payroll_ran_for_march_2_to_15(staff)
    login(staff.manager)
    done = client.submit(u("lms.hours.bulk_decide", org_slug="acme"),
                         {"action": "approve", **bulk_forms.entries(*(e.id for e in [*late, on_time]))})
    text = _text(client.get(done.headers["Location"]).get_data(as_text=True))
    assert "3 entries approved." in text
    assert ("2 entries are dated in pay periods payroll has already run for, so they are paid in the pay period "
            "starting Mar 16, 2026.") in text
    one = external(staff.trainee, "one-more", day=date(2026, 3, 3))
    done = client.submit(u("lms.hours.bulk_decide", org_slug="acme"), {"action": "approve", **bulk_forms.entries(one.id)})
    assert ("1 entry is dated in a pay period payroll has already run for, so it is paid in the pay period starting "
            "Mar 16, 2026.") in _text(client.get(done.headers["Location"]).get_data(as_text=True))


def test_nothing_is_said_when_every_entry_is_paid_in_its_own_period(client, u, login, staff):
    entry = external(staff.trainee, "k", day=date(2026, 3, 10))
    login(staff.manager)
    done = client.submit(u("lms.hours.bulk_decide", org_slug="acme"), {"action": "approve", **bulk_forms.entries(entry.id)})
    assert "payroll has already run" not in client.get(done.headers["Location"]).get_data(as_text=True)


def test_the_later_period_is_in_the_managers_language(client, u, login, staff):
    entry = external(staff.trainee, "k", day=date(2026, 3, 10))
    _payroll_ran_for_march_2_to_15(staff)
    staff.manager.locale = "es"
    db.session.commit()
    login(staff.manager)
    done = client.submit(u("lms.hours.bulk_decide", org_slug="acme"), {"action": "approve", **bulk_forms.entries(entry.id)})
    assert "16 mar 2026" in client.get(done.headers["Location"]).get_data(as_text=True)


# ---------------------------------------------------------------- 4. dates in the filters that are not dates


@pytest.mark.parametrize("typed", ["hoy", "2026-02-30"])
def test_a_date_that_is_not_one_stays_in_its_box_marked(client, u, login, staff, typed):
    external(staff.trainee, title="Home visits")
    login(staff.manager)
    html = client.get(u("lms.hours.queue", org_slug="acme", **{"from": typed, "to": "2026-03-31"})).get_data(
        as_text=True)
    box = re.search(r'<input id="f-from"[^>]*>', html).group(0)
    assert 'type="text"' in box and f'value="{typed}"' in box  # a date box would show it empty
    assert 'aria-invalid="true"' in box and 'aria-describedby="f-from-error"' in box
    problem = re.search(r'<p class="error" id="f-from-error">(.*?)</p>', html).group(1)
    assert problem in ("“hoy” is not a date: write it as YYYY-MM-DD, for example 2026-03-09.",
                       "There is no day 2026-02-30 in the calendar.")
    assert f"From: {problem} This filter was left out." in html  # and above the page, as the other pages say it
    good = re.search(r'<input id="f-to"[^>]*>', html).group(0)
    assert 'type="date"' in good and 'value="2026-03-31"' in good and "aria-invalid" not in good
    assert "Home visits" in html  # not filtered by it


def test_the_bulk_form_sent_with_a_bad_date_keeps_it(client, u, login, staff):
    entry = external(staff.trainee)
    login(staff.manager)
    response = client.submit(u("lms.hours.bulk_decide", org_slug="acme"),
                             {"action": "reject", "reason": "", "from": "hoy", **bulk_forms.entries(entry.id)})
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert re.search(r'<input id="f-from" type="text" name="from" value="hoy"', html)
