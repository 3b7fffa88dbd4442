"""Entries sent back, as the person finds them: "My training hours" says which rejected entries were submitted again
(and as which entry) and offers the others again, with a filter of those still waiting for them (one query for the
links, whatever the page holds); the dashboard's notice links to the one entry, or to that filter; the audit log
names the entries of a resubmission by number, and where its evidence file came from."""

from __future__ import annotations

import re
from html import unescape

from lms import db
from lms.accounts.models import SiteRole, User
from lms.hours import approvals, external_training, resubmissions
from lms.hours import evidence as evidence_files
from lms.hours.models import HoursEntry
from tests.test_hours_ledger import DAY, PDF, external, field_log, make_staff


def _text(response) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", response.get_data(as_text=True))).split())


def _resubmit(rejected: HoursEntry, key: str, *, evidence: bool = False) -> HoursEntry:
    """A new entry submitting ``rejected`` again, linked as the form links it."""
    upload = resubmissions.evidence_copy(rejected) if evidence else None
    person = db.session.get(User, rejected.user_id)
    new, _created = external_training.submit_external(person, external_training.ExternalTraining(
        title="Workshop", activity_date=rejected.activity_date, minutes=60), key, upload)
    resubmissions.record_resubmission(new, rejected, person, evidence_reused=evidence)
    db.session.commit()
    return new


def _with_evidence(user, key: str) -> HoursEntry:
    entry, _created = external_training.submit_external(user, external_training.ExternalTraining(
        title="Workshop", activity_date=DAY, minutes=60), key,
        evidence_files.Upload(filename="card.pdf", content_type="application/pdf", data=PDF))
    db.session.commit()
    return entry


def test_my_hours_tells_resubmitted_entries_from_those_waiting(client, u, login, make_user, make_org, add_member,
                                                               count_queries):
    staff = make_staff(make_user, make_org, add_member)
    done, waiting, field = external(staff.trainee, key="a"), external(staff.trainee, key="b"), field_log(staff.trainee)
    for entry in (done, waiting, field):
        approvals.reject(entry, staff.manager, "Fix it")
    db.session.commit()
    new = _resubmit(done, "a2")
    login(staff.trainee)
    page = client.get(u("lms.hours.mine")).get_data(as_text=True)
    again = u("lms.hours.entry", entry_id=new.id)
    assert re.search(rf'Submitted again as:\s*<a href="{again}">entry #{new.id}</a>', page)
    assert f'href="{u("lms.hours.submit_external", resubmit=waiting.id)}"' in page
    assert f'href="{u("lms.hours.log_field", resubmit=field.id)}"' in page
    assert f'resubmit={done.id}"' not in page  # the entry submitted again is not offered again
    only = client.get(u("lms.hours.mine", show="sent-back"))
    shown = only.get_data(as_text=True)
    assert only.status_code == 200 and "Sent back, not yet submitted again" in _text(only)
    ids = set(map(int, re.findall(r'href="/hours/entries/(\d+)"', shown)))
    assert ids == {waiting.id, field.id}
    for entry in (external(staff.trainee, key=f"x{n}") for n in range(4)):  # more rejected rows: no more queries
        approvals.reject(entry, staff.manager, "Fix it")
    db.session.commit()
    with count_queries() as few:
        client.get(u("lms.hours.mine"))
    rejected = [external(staff.trainee, key=f"z{n}") for n in range(4)]
    for entry in rejected:
        approvals.reject(entry, staff.manager, "Fix it")
    db.session.commit()
    for n, entry in enumerate(rejected):
        _resubmit(entry, f"z{n}r")
    with count_queries() as more:
        page = client.get(u("lms.hours.mine")).get_data(as_text=True)
    assert more.count == few.count and page.count("Submitted again as:") == 5
    empty = client.get(u("lms.hours.mine", show="nonsense", page="x")).status_code
    assert empty == 200


def test_the_dashboard_links_to_the_one_entry_or_to_the_filtered_list(client, u, login, make_user, make_org,
                                                                      add_member):
    staff = make_staff(make_user, make_org, add_member)
    first, second = external(staff.trainee, key="a"), external(staff.trainee, key="b")
    approvals.reject(first, staff.manager, "Fix it")
    db.session.commit()
    login(staff.trainee)
    page = client.get(u("lms.main.home")).get_data(as_text=True)
    assert "1 entry of your training hours was sent back." in page
    assert f'href="{u("lms.hours.entry", entry_id=first.id)}">See why, and submit it again' in page
    approvals.reject(second, staff.manager, "Fix it")
    db.session.commit()
    page = client.get(u("lms.main.home")).get_data(as_text=True)
    assert f'href="{u("lms.hours.mine", show="sent-back")}">See why, and submit them again' in page
    _resubmit(first, "a2")
    page = client.get(u("lms.main.home")).get_data(as_text=True)
    assert f'href="{u("lms.hours.entry", entry_id=second.id)}">See why, and submit it again' in page
    _resubmit(second, "b2")
    assert "sent back" not in client.get(u("lms.main.home")).get_data(as_text=True)
    empty = client.get(u("lms.hours.mine", show="sent-back"))
    assert "Nothing to submit again: no entry sent back is waiting for you." in _text(empty)


def test_audit_log_names_resubmitted_entries_and_where_the_evidence_came_from(client, u, login, make_user, make_org,
                                                                              add_member):
    staff = make_staff(make_user, make_org, add_member)
    admin = make_user("ada@example.org", name="Ada Admin", role=SiteRole.ADMIN)
    external(staff.trainee, key="first")  # so the entry's id and its file's differ
    rejected = _with_evidence(staff.trainee, "a")
    approvals.reject(rejected, staff.manager, "Fix it")
    db.session.commit()
    new = _resubmit(rejected, "a2", evidence=True)
    assert rejected.evidence_id != rejected.id  # the file's id is not the entry's: what the log shows is the entry
    login(admin)
    shown = _text(client.get(u("lms.admin.audit_log")))
    assert f"Evidence file copied from: entry #{rejected.id}" in shown
    assert f"Submits again: entry #{rejected.id}" in shown and f"Submitted again as: entry #{new.id}" in shown
    assert f"Evidence file copied from: {rejected.evidence_id}" not in shown
