"""The invitation page lists, before the person agrees, the own records that accepting sends to the organisation
(lms.hours.adoption.list_would_adopt: the same entries and rule as adoption itself), with "with its certificate
file" for those with evidence."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from lms import db
from lms.hours import adoption
from lms.hours.models import EntrySource, EntryStatus, EvidenceFile, HoursEntry
from lms.orgs import invitations
from lms.orgs import services as orgs
from tests.conftest import html_text
from tests.hours_reports_helpers import add_entry

START = date(2026, 12, 1)


@pytest.fixture
def world(make_user, make_org):
    boss = make_user("boss@example.org", name="Bea Boss")
    org = make_org("valley", manager=boss, name="Valley Clinic")
    rosa = make_user("rosa@example.org", name="Rosa Ruiz", locale="en")
    proof = EvidenceFile(owner_id=rosa.id, storage_key="qa-proof", filename="cpr.pdf", content_type="application/pdf",
                         size_bytes=10, sha256="0" * 64)
    db.session.add(proof)
    db.session.flush()
    add_entry(rosa, None, date(2026, 12, 7), 135, status=EntryStatus.PENDING, title="CPR refresher",
              evidence_id=proof.id)
    add_entry(rosa, None, date(2026, 12, 8), 60, status=EntryStatus.PENDING, source=EntrySource.SELF_PACED,
              title="Home visits module")
    add_entry(rosa, None, date(2026, 11, 20), 45, status=EntryStatus.PENDING, title="Before the start")
    add_entry(rosa, None, date(2026, 12, 9), 30, status=EntryStatus.REJECTED, title="Sent back one")
    invitation, raw = invitations.invite(org, "rosa@example.org", None, orgs.Employment(employment_start=START), boss, 14)
    db.session.commit()
    return {"org": org, "rosa": rosa, "raw": raw, "invitation": invitation, "boss": boss}


def test_the_invitation_lists_the_records_that_would_go_to_the_employer(u, world, client_as):
    browser = client_as(world["rosa"])
    page = browser.get(u("lms.orgs.accept", token=world["raw"])).get_data(as_text=True)
    text = html_text(page)
    assert "Your own training records that go to Valley Clinic" in text
    assert ("When you accept, these 2 entries of your own training records, dated within your employment there, go "
            "to the managers of Valley Clinic for review, with their certificate files if they have them:") in text
    section = html_text(page.split('id="records-to-adopt"')[1].split("</section>")[0])
    assert "CPR refresher · Dec 7, 2026 · 2 hours 15 minutes · with its certificate file" in section
    assert "Home visits module · Dec 8, 2026 · 1 hour" in section
    assert "Home visits module · Dec 8, 2026 · 1 hour · with" not in section
    assert "Before the start" not in section and "Sent back one" not in section
    assert page.index('id="records-to-adopt"') < page.index("Accept the invitation")


def test_the_list_is_what_accepting_then_sends(u, world, client_as):
    rosa, org = world["rosa"], world["org"]
    listed = [e.id for e in adoption.list_would_adopt(rosa.id, org, START)]
    browser = client_as(rosa)
    path = u("lms.orgs.accept", token=world["raw"])
    assert browser.submit(path, {"csrf_token": browser.csrf_token(path), "agree": "y"}).status_code == 302
    sent = db.session.execute(select(HoursEntry.id).where(HoursEntry.org_id == org.id).order_by(
        HoursEntry.activity_date)).scalars().all()
    assert listed == list(sent) and len(sent) == 2


def test_nothing_to_send_shows_no_list(u, world, client_as, make_user):
    other = make_user("nadia@example.org", name="Nadia")
    invitation, raw = invitations.invite(world["org"], "nadia@example.org", None, orgs.Employment(), world["boss"], 14)
    db.session.commit()
    page = client_as(other).get(u("lms.orgs.accept", token=raw)).get_data(as_text=True)
    assert "records-to-adopt" not in page and "Accept the invitation" in page
