"""Calendar events name the course and the session's language besides the module (lms/live/calendar.py event_title),
and "My registrations" tells a trainer with no registration where the sessions she leads are (templates/lms/live/mine.html)."""

from __future__ import annotations

from datetime import date

from icalendar import Calendar

from lms.live import calendar
from tests.conftest import html_text
from tests.live_support import schedule, seat

SECRET = "test-secret"


def _summaries(response) -> set[str]:
    return {str(e["SUMMARY"]) for e in Calendar.from_ical(response.get_data()).walk("VEVENT")}


def test_the_feed_titles_name_the_course_and_language(app, client, u, module, trainer, make_user):
    (english,) = schedule(module, trainer, day=date(2038, 2, 2))
    (spanish,) = schedule(module, trainer, day=date(2038, 2, 9), locale="es")
    person = make_user(locale="en")
    seat(english, person)
    seat(spanish, person)
    token = calendar.feed_token(person, app.config["SECRET_KEY"])
    assert _summaries(client.get(u("lms.sessions.feed", token=token))) == {
        "Role-play practice · Practice course (English)", "Role-play practice · Practice course (Spanish)"}
    assert _summaries(client.get(u("lms.sessions.ics", session_id=spanish.id))) == {
        "Role-play practice · Practice course (Spanish)"}


def test_a_trainer_without_registrations_is_pointed_to_the_sessions_she_leads(client, u, login, module, trainer,
                                                                            make_user):
    schedule(module, trainer, day=date(2038, 2, 2))
    login(trainer)
    page = html_text(client.get(u("lms.sessions.mine")).get_data(as_text=True))
    assert "You are not registered for any upcoming session as a participant. The sessions you lead are under " \
           "Sessions I lead , and in your calendar feed below." in page  # the link's tags read as spaces
    login(make_user("tina@example.org", name="Tina Trainee"))
    page = html_text(client.get(u("lms.sessions.mine")).get_data(as_text=True))
    assert "You are not registered for any upcoming session." in page and "Sessions I lead" not in page
