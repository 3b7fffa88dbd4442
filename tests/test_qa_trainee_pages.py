"""A new trainee's pass (QA) over their own pages: their entry's history (the manager's page's lines, without what is
for the organisation only), one word for a rejected entry ("Sent back"), the external-training form saying who
reviews it, the calendar feed's "Subscribe" link, and the continuing-education box (one sentence; not "Behind" on
the day they join)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from lms import audit, db
from lms.hours import approvals, compliance, periods
from lms.hours.models import EntryStatus
from lms.live import calendar
from lms.orgs import invitations, joining
from lms.orgs import services as orgs
from lms.orgs.models import MemberRole, Membership
from tests.conftest import html_text
from tests.hours_reports_helpers import add_entry


def _main(page: str) -> str:
    return html_text(page.split("<main", 1)[1].split("</main>", 1)[0])


@pytest.fixture
def sent_back(make_user, make_org):
    """Rosa's own record, sent to Valley Clinic when she joined, then sent back by Bea with a reason; a manager's
    bookkeeping row on it too (read after a status change), which is for the organisation only."""
    boss = make_user("boss@example.org", name="Bea Boss")
    org = make_org("valley", manager=boss, name="Valley Clinic")
    rosa = make_user("rosa@example.org", name="Rosa Ruiz", locale="en")
    entry = add_entry(rosa, None, date(2026, 12, 3), 90, status=EntryStatus.PENDING, title="CPR refresher")
    invitation, _raw = invitations.invite(org, "rosa@example.org", None, orgs.Employment(employment_start=date(2026, 12, 1)),
                                          boss, 14)
    joining.accept_invitation(invitation, rosa, agreed=True)
    approvals.reject(entry, boss, "Please attach the certificate")
    audit.record("hours.attendance_change_reviewed", entry, boss, org_id=org.id, correction=1)
    db.session.commit()
    return {"org": org, "boss": boss, "rosa": rosa, "entry": entry}


def test_the_trainee_sees_their_entrys_history_in_their_words(u, sent_back, client_as):
    page = client_as(sent_back["rosa"]).get(u("lms.hours.entry", entry_id=sent_back["entry"].id)).get_data(as_text=True)
    history = html_text(page.split('id="entry-history"')[1].split("</ol>")[0])
    assert "Rosa Ruiz · sent to the organisation for review: your employment there covers its date" in history
    assert "Bea Boss · sent back: Please attach the certificate" in history
    assert "attendance change after approval reviewed" not in history  # the organisation's bookkeeping
    assert history.index("sent to the organisation") < history.index("sent back:")


def test_a_rejected_entry_is_sent_back_everywhere_the_trainee_looks(u, sent_back, client_as):
    browser = client_as(sent_back["rosa"])
    text = _main(browser.get(u("lms.hours.entry", entry_id=sent_back["entry"].id)).get_data(as_text=True))
    assert "Status Sent back by Bea Boss" in text and "Why it was sent back Please attach the certificate" in text
    assert "Rejected" not in text and "rejected" not in text.replace("Reason for rejecting", "")
    listing = _main(browser.get(u("lms.hours.mine")).get_data(as_text=True))
    assert "Sent back" in listing and "Rejected" not in listing


def test_the_manager_still_reads_rejected_and_the_whole_history(u, sent_back, client_as):
    page = client_as(sent_back["boss"]).get(u("lms.hours.review", org_slug="valley",
                                              entry_id=sent_back["entry"].id)).get_data(as_text=True)
    text = _main(page)
    assert "Status Rejected by Bea Boss" in text and "Reason for rejecting Please attach the certificate" in text
    assert "Bea Boss · rejected: Please attach the certificate" in text
    assert "attendance change after approval reviewed" in text
    assert "their employment here covers its date" in text


# ---------------------------------------------------------------- who reviews training done elsewhere


def _external_text(browser, u) -> str:
    page = browser.get(u("lms.hours.submit_external")).get_data(as_text=True)
    return html_text(page.split('id="external-review"')[1].split("</p>")[0])


def test_the_external_form_says_who_reviews_it(u, make_user, make_org, add_member, client_as):
    nadia = make_user(name="Nadia")
    browser = client_as(nadia)
    alone = _external_text(browser, u)
    assert "No organisation employs you now, so it goes into your own training records" in alone
    assert "A manager of your organisation" not in alone

    valley = make_org("valley", name="Valley Clinic")
    add_member(valley, nadia, employment_start=date(2026, 1, 5))
    one = _external_text(browser, u)
    assert ("The managers of Valley Clinic review it if its date is within your employment there; otherwise it goes "
            "into your own training records.") in one

    add_member(make_org("hills", name="Hills Health"), nadia, employment_start=date(2026, 2, 2))
    several = _external_text(browser, u)
    assert "managers of the organisation you worked for on its date" in several and "Valley Clinic" not in several


# ---------------------------------------------------------------- calendar feed


def test_the_calendar_feed_offers_a_webcal_subscribe_link(app, u, make_user, client_as):
    person = make_user()
    page = client_as(person).get(u("lms.sessions.mine")).get_data(as_text=True)
    token = calendar.feed_token(person, app.config["SECRET_KEY"])
    with app.test_request_context():
        from lms.web.urls import external_url

        feed = external_url("lms.sessions.feed", token=token)
    scheme, rest = feed.split("://", 1)
    assert scheme in ("http", "https")
    assert f'<a class="button" id="feed-subscribe" href="webcal://{rest}">Subscribe in your calendar app</a>' in page
    assert f'value="{feed}" readonly' in page  # the box to copy the link stays


# ---------------------------------------------------------------- continuing education


JOINED = datetime(2026, 12, 7, 18, 0, tzinfo=UTC)  # 10:00 in Los Angeles


@pytest.fixture
def late_joiner(make_user, make_org, add_member, monkeypatch):
    """Lia started on 1 November 2026 (her invitation says so) but joined the staff here on 7 December."""
    org = make_org("valley", name="Valley Clinic")
    lia = make_user(name="Lia Late", locale="en")
    membership = add_member(org, lia, employment_start=date(2026, 11, 1))
    membership.created_at = JOINED
    db.session.commit()
    return org, lia, membership


def test_someone_who_joins_after_their_start_date_is_not_behind_on_the_day_they_join(late_joiner, monkeypatch):
    org, _lia, membership = late_joiner
    on_day_one = compliance.ce_status(org, membership, date(2026, 12, 7))
    assert on_day_one.expected_minutes > on_day_one.done_minutes == 0  # the even pace alone would say behind
    assert on_day_one.state == "just_started" and on_day_one.is_new_here and not on_day_one.is_behind
    assert on_day_one.required_minutes == -(-360 * 61 // 365)  # the pro rata share is unchanged
    grace = on_day_one.grace_days  # a quarter of the 61 days of her pace: 15
    assert grace == 15
    still = compliance.ce_status(org, membership, date(2026, 12, 7 + grace - 1))
    assert still.state == "just_started"
    later = compliance.ce_status(org, membership, date(2026, 12, 7 + grace))
    assert later.state == "behind" and not later.is_new_here


def test_the_ce_box_says_the_share_once_and_is_neutral_on_day_one(u, late_joiner, client_as, monkeypatch):
    _org, lia, _membership = late_joiner
    monkeypatch.setattr(periods, "org_today", lambda org: date(2026, 12, 7))
    page = client_as(lia).get(u("lms.hours.mine")).get_data(as_text=True)
    box = html_text(page.split('id="ce-heading"')[1].split("</section>")[0])
    assert ("Required this year 1 hour 1 minute (a share of the full year's hours, as you started on Nov 1, 2026)"
            in box)
    assert "for this year" not in box and box.count("1 hour 1 minute") == 2  # required, and still needed
    assert "Behind" not in box and "Just started" in box
    assert "You joined recently, so no pace is measured yet" in box


def test_the_dashboard_says_why_a_late_joiner_is_not_behind(u, late_joiner, client_as):
    org, _lia, _membership = late_joiner
    boss = db.session.execute(select(Membership).where(Membership.org_id == org.id,
                                                          Membership.role == MemberRole.MANAGER)).scalar_one().user
    page = client_as(boss).get(u("lms.hours.compliance_dashboard", org_slug=org.slug, on="2026-12-07"))
    text = html_text(page.get_data(as_text=True))
    row = text.split("Lia Late")[1][:300]
    assert "Just started" in row and "Behind" not in row
    assert "The same goes for the first days after someone joined the staff here when their start date is earlier." in text
