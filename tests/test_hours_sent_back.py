"""Hours sent back: the email to the person (one per person per decision, in their language, never failing the
rejection), the dashboard notice, and "Submit again" (a new entry pre-filled from the rejected one, linked to it
through the audit trail, with its evidence file offered again)."""

from __future__ import annotations

import re
from io import BytesIO

from lms import db
from lms.hours import approvals, entries
from lms.hours.models import EntryStatus, HoursEntry
from tests import bulk_forms
from tests.conftest import body_of
from tests.test_hours_ledger import PDF, audit_rows, entries_of, external, field_log, form_token, make_staff


def _staff(make_user, make_org, add_member):
    return make_staff(make_user, make_org, add_member)


def _reject(client, u, entry_id: int, reason: str = "No certificate attached"):
    return client.post(u("lms.hours.reject", org_slug="acme", entry_id=entry_id),
                       data={"csrf_token": client.csrf_token(), "reason": reason}, follow_redirects=True)


def test_rejecting_emails_the_person_with_the_entry_reason_and_link(client, u, login, make_user, make_org,
                                                                     add_member, mailbox):
    staff = _staff(make_user, make_org, add_member)
    entry = external(staff.trainee, title="CPR refresher", minutes=90)
    login(staff.manager)
    assert _reject(client, u, entry.id).status_code == 200
    [message] = mailbox
    body = body_of(message)
    assert message["To"] == "tina@example.org" and "CPR refresher" in message["Subject"]
    assert "CPR refresher" in body and "No certificate attached" in body and "1 hour 30 minutes" in body
    assert "Mar 10, 2026" in body and "Submit again" in body
    assert f"http://lms.test{u('lms.hours.entry', entry_id=entry.id)}" in body
    approvals_again = _reject(client, u, entry.id)  # the same manager's repeated decision tells nobody again
    assert approvals_again.status_code == 200 and len(mailbox) == 1


def test_the_email_is_in_the_persons_language(client, u, login, make_user, make_org, add_member, mailbox):
    staff = _staff(make_user, make_org, add_member)
    staff.trainee.locale = "es"
    db.session.commit()
    entry = external(staff.trainee)
    login(staff.manager)
    _reject(client, u, entry.id)
    body = body_of(mailbox[0])
    assert "Hola, Tina Trainee" in body and "10 mar 2026" in body


def test_bulk_rejection_sends_one_email_per_person_listing_their_entries(client, u, login, make_user, make_org,
                                                                         add_member, mailbox):
    staff = _staff(make_user, make_org, add_member)
    first = external(staff.trainee, key="a", title="First workshop")
    second = field_log(staff.trainee, key="b")
    other = external(staff.colleague, key="c", title="Colleague workshop")
    login(staff.manager)
    response = client.post(u("lms.hours.bulk_decide", org_slug="acme"), data={
        "csrf_token": client.csrf_token(), "action": "reject", "reason": "Wrong dates",
        **bulk_forms.entries(first.id, second.id, other.id)}, follow_redirects=True)
    assert response.status_code == 200
    by_person = {message["To"]: body_of(message) for message in mailbox}
    assert sorted(by_person) == ["carl@example.org", "tina@example.org"] and len(mailbox) == 2
    tina = by_person["tina@example.org"]
    assert "First workshop" in tina and "Home visits" in tina and "Colleague workshop" not in tina
    assert tina.count("Wrong dates") == 2
    [subject] = [m["Subject"] for m in mailbox if m["To"] == "tina@example.org"]
    assert "2 training hours entries sent back" in subject


def test_mail_down_does_not_undo_the_rejection(app, client, u, login, make_user, make_org, add_member, mailbox):
    staff = _staff(make_user, make_org, add_member)
    entry = external(staff.trainee)
    app.config["LMS_MAIL_PORT"] = 1  # nothing listens there
    login(staff.manager)
    page = _reject(client, u, entry.id).get_data(as_text=True)
    assert "We could not email: tina@example.org" in page
    db.session.expire_all()
    assert db.session.get(HoursEntry, entry.id).status is EntryStatus.REJECTED and not mailbox
    api_entry = external(staff.trainee, key="k2", title="Another")
    api = client.post(u("lms.api.reject_hours", org_slug="acme", entry_id=api_entry.id), json={"reason": "No"},
                      headers={"X-CSRFToken": client.csrf_token()})
    assert api.status_code == 200 and api.get_json()["status"] == "rejected"


def test_api_rejection_emails_too(client, u, login, make_user, make_org, add_member, mailbox):
    staff = _staff(make_user, make_org, add_member)
    entry = external(staff.trainee)
    login(staff.manager)
    client.post(u("lms.api.reject_hours", org_slug="acme", entry_id=entry.id), json={"reason": "Blurry photo"},
                headers={"X-CSRFToken": client.csrf_token()})
    [message] = mailbox
    assert "Blurry photo" in body_of(message)


def test_dashboard_says_how_many_entries_were_sent_back(client, u, login, make_user, make_org, add_member):
    staff = _staff(make_user, make_org, add_member)
    for key in ("a", "b"):
        approvals.reject(external(staff.trainee, key=key, title=f"Workshop {key}"), staff.manager, "Why")
    db.session.commit()
    login(staff.trainee)
    page = client.get(u("lms.main.home")).get_data(as_text=True)
    assert "2 entries of your training hours were sent back." in page
    assert f'href="{u("lms.hours.mine", show="sent-back")}"' in page


def test_submit_again_prefills_links_both_entries_and_reuses_the_evidence(client, u, login, make_user, make_org,
                                                                          add_member):
    staff = _staff(make_user, make_org, add_member)
    login(staff.trainee)
    token, key = form_token(client, u("lms.hours.submit_external"))
    client.post(u("lms.hours.submit_external"), data={
        "csrf_token": token, "idempotency_key": key, "title": "CPR and first aid", "provider": "Red Cross",
        "activity_date": "2026-03-10", "hours": "2", "minutes": "30", "competency_areas": ["professional-conduct"],
        "evidence": (BytesIO(PDF), "cpr-card.pdf")})
    [rejected] = entries_of(staff.trainee)
    approvals.reject(rejected, staff.manager, "Date is wrong")
    db.session.commit()
    page = client.get(u("lms.hours.entry", entry_id=rejected.id)).get_data(as_text=True)
    form_url = u("lms.hours.submit_external", resubmit=rejected.id)
    assert "Submit again" in page and f'href="{form_url}"' in page
    form = client.get(form_url).get_data(as_text=True)
    assert 'value="CPR and first aid"' in form and 'value="Red Cross"' in form and 'value="2026-03-10"' in form
    assert re.search(r'name="hours"[^>]*value="2"', form) and re.search(r'name="minutes"[^>]*value="30"', form)
    assert re.search(r'checked[^>]*value="professional-conduct"|value="professional-conduct"[^>]*checked', form)
    assert "cpr-card.pdf" in form and "Date is wrong" in form
    assert re.search(rf'name="resubmits"[^>]*value="{rejected.id}"', form)
    token, key = form_token(client, form_url)
    saved = client.post(u("lms.hours.submit_external"), data={
        "csrf_token": token, "idempotency_key": key, "resubmits": str(rejected.id), "reuse_evidence": "y",
        "title": "CPR and first aid", "provider": "Red Cross", "activity_date": "2026-03-11", "hours": "2",
        "minutes": "30", "competency_areas": ["professional-conduct"]}, follow_redirects=True)
    assert saved.status_code == 200
    [new] = [e for e in entries_of(staff.trainee) if e.id != rejected.id]
    assert new.status is EntryStatus.PENDING and new.evidence_id not in (None, rejected.evidence_id)
    assert f"Resubmission of entry #{rejected.id}" in " ".join(re.sub(r"<[^>]+>", "", saved.get_data(as_text=True)).split())
    [row] = audit_rows("hours.resubmission", new)
    assert (row.data["resubmits"], row.data["evidence_copied_from"]) == (rejected.id, rejected.evidence_id)
    old_page = client.get(u("lms.hours.entry", entry_id=rejected.id)).get_data(as_text=True)
    assert f"entry #{new.id}" in old_page and "Submit again</a>" not in old_page
    assert client.get(u("lms.hours.evidence", entry_id=new.id)).data == PDF
    db.session.expire_all()
    assert db.session.get(HoursEntry, rejected.id).status is EntryStatus.REJECTED  # never edited
    # once submitted again it is no longer "sent back" on the dashboard
    assert "sent back" not in client.get(u("lms.main.home")).get_data(as_text=True)
    login(staff.manager)  # the manager's page of the new entry says what it submits again
    review = client.get(u("lms.hours.review", org_slug="acme", entry_id=new.id)).get_data(as_text=True)
    assert f"Resubmission of <a href=\"{u('lms.hours.review', org_slug='acme', entry_id=rejected.id)}\">" in review
    assert "submitted again, replacing a rejected entry" in review


def test_submit_again_of_field_experience_and_ids_that_are_not_ones_own(client, u, login, make_user, make_org,
                                                                        add_member):
    staff = _staff(make_user, make_org, add_member)
    rejected = field_log(staff.trainee)
    approvals.reject(rejected, staff.manager, "Ask your supervisor")
    others = external(staff.colleague, key="x", title="Secret title")
    approvals.reject(others, staff.manager, "No")
    pending = external(staff.trainee, key="p", title="Still pending")
    db.session.commit()
    login(staff.trainee)
    form = client.get(u("lms.hours.log_field", resubmit=rejected.id)).get_data(as_text=True)
    assert "Home visits" in form and 'value="Sam"' in form and 'value="Supervisor"' in form
    for bad in (others.id, pending.id, 99999999999):
        page = client.get(u("lms.hours.submit_external", resubmit=bad)).get_data(as_text=True)
        assert "Secret title" not in page and "Still pending" not in page and "You are submitting" not in page
    token, key = form_token(client, u("lms.hours.log_field"))
    client.post(u("lms.hours.log_field"), data={
        "csrf_token": token, "idempotency_key": key, "resubmits": str(others.id), "activity_date": "2026-03-10",
        "hours": "1", "minutes": "0", "description": "Visits", "supervisor_name": "Sam", "supervisor_title": "Lead"})
    [new] = [e for e in entries_of(staff.trainee) if e.id not in (rejected.id, pending.id)]
    assert audit_rows("hours.resubmission", new) == []  # someone else's entry is not linked
    assert entries.get_user_entry(staff.trainee, new.id) is new
