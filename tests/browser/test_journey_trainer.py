"""Teresa, a trainer at her desk: writes a lesson and its Spanish translation, schedules a session, and takes and
finalises attendance for the session she gave this morning."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from lms import db
from lms.db import utcnow
from lms.hours.models import EntrySource, EntryStatus, HoursEntry
from lms.live.models import LiveSession
from lms.live.times import to_zone
from tests.browser.conftest import check_accessibility, follow, sign_in
from tests.browser.helpers import ZONE, local_input, minutes_ago, new_person, schedule, seat, user

pytestmark = pytest.mark.browser

BODY_EN = "## Watch for\n\n- Heavy sweating\n- Dizziness or headache\n\nMove the person to shade and give them water."
BODY_ES = ("## Esté atenta a\n\n- Sudor abundante\n- Mareo o dolor de cabeza\n\n"
           "Lleve a la persona a la sombra y dele agua.")


@pytest.fixture
def morning_session(live_server):
    """This morning's practice session (over half an hour ago) with two trainees registered and no times yet."""
    with live_server.data():
        session = schedule(minutes_ago(210), 180)  # as long as the module credits
        ana = new_person("ana.ruiz@example.org", "Ana Ruiz")
        ben = new_person("ben.cho@example.org", "Ben Cho")
        seat(session, ana)
        seat(session, ben)
        return {"id": session.id, "starts_at": session.starts_at, "ends_at": session.ends_at, "ana": ana.id}


def test_trainer_writes_translates_schedules_and_takes_attendance(open_page, live_server, morning_session):
    page = open_page()
    sign_in(page, "trainer@example.org")

    # A new draft course with one module.
    follow(page.get_by_role("navigation", name="Main").get_by_role("link", name="Authoring"))
    check_accessibility(page, "authoring")
    follow(page.get_by_role("link", name="New course"))
    check_accessibility(page, "new course")
    page.get_by_label("Short name for web addresses", exact=True).fill("heat-safety")
    page.get_by_label("Title", exact=True).fill("Heat safety at work")
    page.get_by_label("Summary", exact=True).fill("Preventing heat illness among outdoor workers.")
    page.get_by_label("Kind of training", exact=True).select_option("specialty")
    follow(page.get_by_role("button", name="Create course"))
    page.get_by_text("The course is created as a draft.").wait_for()
    follow(page.get_by_role("link", name="Add module"))
    check_accessibility(page, "new module")
    page.get_by_label("Short name for web addresses", exact=True).fill("heat-illness")
    page.get_by_label("Title", exact=True).fill("Heat illness")
    follow(page.locator("main").get_by_role("button", name="Add module"))
    check_accessibility(page, "course outline")

    # The lesson in English, previewed before saving.
    follow(page.get_by_role("link", name="Add lesson"))
    page.get_by_label("Short name for web addresses", exact=True).fill("warning-signs")
    page.get_by_label("Title", exact=True).fill("Warning signs of heat illness")
    page.get_by_label("Lesson text (Markdown)", exact=True).fill(BODY_EN)
    follow(page.get_by_role("button", name="Preview"))
    preview = page.get_by_role("region", name="Preview (not saved yet)")
    assert preview.get_by_role("heading", name="Watch for").is_visible()
    assert preview.get_by_role("listitem").count() == 2
    check_accessibility(page, "lesson form with preview")
    follow(page.get_by_role("button", name="Save lesson"))
    page.get_by_text("Lesson saved.").wait_for()

    # Its Spanish translation, beside the English text.
    follow(page.get_by_role("link", name="Translations"))
    check_accessibility(page, "translation status")
    follow(page.get_by_role("row", name="Heat illness").get_by_role("link"))
    follow(page.get_by_role("link", name="Warning signs of heat illness"))
    check_accessibility(page, "translation editor")
    source = page.locator(".translate-source", has_text="Heavy sweating")
    target = page.get_by_label("Lesson text (Markdown) · Spanish", exact=True)
    assert source.locator("[lang=en]").inner_text().startswith("## Watch for")
    left, right = source.bounding_box(), target.bounding_box()
    assert left["x"] + left["width"] <= right["x"] and abs(left["y"] - right["y"]) < left["height"], "side by side"
    assert target.get_attribute("lang") == "es"
    page.get_by_label("Title · Spanish", exact=True).fill("Señales de alerta del golpe de calor")
    target.fill(BODY_ES)
    follow(page.get_by_role("button", name="Save translation"))
    page.get_by_text("Translation saved (2 changed).").wait_for()
    assert page.locator(".translate-target .badge").all_inner_texts() == ["Complete", "Complete"]

    # What a Spanish-speaking trainee will see.
    follow(page.get_by_role("link", name="Up one level"))
    follow(page.get_by_role("link", name="Translation status"))
    follow(page.get_by_role("link", name="Back to the course"))
    follow(page.get_by_role("link", name="Preview Warning signs of heat illness"))
    page.get_by_label("Preview in", exact=True).select_option("es")
    follow(page.get_by_role("button", name="Show"))
    assert page.get_by_role("heading", level=1).inner_text() == "Señales de alerta del golpe de calor"
    assert page.get_by_role("heading", name="Esté atenta a").is_visible()
    check_accessibility(page, "preview in Spanish")

    # Schedule a session of the core course's live practice, three weeks ahead.
    day = to_zone(utcnow() + timedelta(days=21), ZONE).date()
    follow(page.get_by_role("navigation", name="Main").get_by_role("link", name="Live sessions"))
    follow(page.get_by_role("link", name="Sessions I lead"))
    check_accessibility(page, "sessions I lead")
    follow(page.get_by_role("link", name="Schedule a session"))
    check_accessibility(page, "schedule form")
    page.get_by_label("Course and live module", exact=True).select_option(label="Live practice session")
    page.get_by_label("Date", exact=True).fill(day.isoformat())
    page.get_by_label("Start time", exact=True).fill("09:30")
    page.get_by_label("End time", exact=True).fill("12:30")
    page.get_by_label("How people take part", exact=True).select_option(label="In person")
    page.get_by_label("Address", exact=True).fill("Westside Family Center, 2400 Tulare Street, Fresno, CA 93721")
    page.get_by_label("Seats", exact=True).fill("16")
    assert page.get_by_role("checkbox", name="Teresa Trainer").is_checked()
    follow(page.get_by_role("button", name="Schedule"))
    page.get_by_text("Sessions scheduled: 1.").wait_for()
    check_accessibility(page, "scheduled session")
    session_id = int(page.url.rstrip("/").rsplit("/", 1)[1])
    with live_server.data():
        session = db.session.get(LiveSession, session_id)
        start, end = to_zone(session.starts_at, ZONE), to_zone(session.ends_at, ZONE)
        assert (start.date(), start.strftime("%H:%M"), end.strftime("%H:%M")) == (day, "09:30", "12:30")
        assert (session.capacity, session.created_by_id) == (16, user("trainer@example.org").id)

    # This morning's roster: Ana came, Ben did not; Ana's times from the sign-in sheet; then finalise.
    follow(page.get_by_role("navigation", name="Main").get_by_role("link", name="Live sessions"))
    follow(page.get_by_role("link", name="Sessions I lead"))
    follow(page.locator(f"a[href='/sessions/{morning_session['id']}/attendance']"))
    check_accessibility(page, "roster")
    assert page.get_by_role("table").get_by_role("row").count() == 3
    page.get_by_label("Status of Ana Ruiz", exact=True).select_option(label="Present")
    page.get_by_label("Status of Ben Cho", exact=True).select_option(label="Absent")
    follow(page.get_by_role("button", name="Save statuses"))
    page.get_by_text("Saved: 2 changes.").wait_for()
    follow(page.get_by_role("link", name="Ana Ruiz"))
    check_accessibility(page, "attendance of one person")
    page.get_by_label("Joined at", exact=True).fill(local_input(morning_session["starts_at"] + timedelta(minutes=3)))
    page.get_by_label("Left at", exact=True).fill(local_input(morning_session["ends_at"] - timedelta(minutes=2)))
    follow(page.get_by_role("button", name="Save time"))
    page.get_by_text("Saved.", exact=True).wait_for()
    assert page.get_by_role("row", name="Entered by trainer").is_visible()
    follow(page.locator(".crumbs").get_by_role("link", name="Attendance"))
    page.get_by_label("I have checked the roster above.").check()
    follow(page.get_by_role("button", name="Finalise attendance"))
    page.get_by_text("Attendance is final for 2 people. 1 completed the module.").wait_for()
    ana_row = page.get_by_role("row", name="Ana Ruiz")
    assert "2 hours 55 minutes" in ana_row.inner_text() and "Module complete" in ana_row.inner_text()
    assert page.get_by_label("Status of Ben Cho", exact=True).input_value() == "absent"
    check_accessibility(page, "finalised roster")

    with live_server.data():
        [entry] = db.session.execute(select(HoursEntry).where(HoursEntry.user_id == morning_session["ana"])).scalars()
        assert (entry.source, entry.status, entry.minutes) == (EntrySource.LIVE, EntryStatus.PENDING, 175)
