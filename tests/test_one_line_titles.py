"""Titles are one line: they are page headings, email subjects and calendar names. A line break typed into a title
(the translation editor's box was several lines high) becomes a space, the editor offers titles a one-line box, and a
calendar never breaks on a title that has one already (it answered 500: a line break ends an iCalendar property)."""

from __future__ import annotations

import re
from datetime import date

from icalendar import Calendar
from sqlalchemy import select, update

from lms import db
from lms.accounts.models import SiteRole
from lms.catalog import course_authoring, module_authoring
from lms.catalog.models import Text
from lms.catalog.texts import set_text
from tests.live_support import schedule


def test_a_line_break_in_a_title_becomes_a_space(app, make_user):
    author = make_user(role=SiteRole.TRAINER)
    course = course_authoring.create_course(course_authoring.CourseData(slug="heat", title="Heat\r\nsafety"), author)
    module = module_authoring.add_module(course, module_authoring.ModuleData(slug="signs", title="Warning signs"), author)
    row = set_text(course, module, "title", "es", "  Práctica de enfriamiento\r\n\ten persona ", author)
    summary = set_text(course, module, "summary", "es", "Línea uno\r\nLínea dos", author)
    assert row.value == "Práctica de enfriamiento en persona" and summary.value == "Línea uno\nLínea dos"
    assert db.session.scalar(select(Text.value).where(Text.owner_type == "course", Text.field == "title")) == "Heat safety"


def test_the_translation_editor_gives_titles_a_one_line_box(client, u, login, make_user):
    author = make_user(role=SiteRole.TRAINER)
    course = course_authoring.create_course(course_authoring.CourseData(slug="heat", title="Heat safety"), author)
    module_authoring.add_module(course, module_authoring.ModuleData(slug="signs", title="Warning signs", summary="What to look for"),
                       author)
    db.session.commit()
    login(author)
    page = client.get(u("lms.authoring.translate_module", course_slug="heat", locale="es",
                        module_slug="signs")).get_data(as_text=True)
    assert re.search(r'<input type="text" id="t-module-\d+-title" name="t-module-\d+-title" lang="es"', page)
    assert re.search(r'<textarea id="t-module-\d+-summary" name="t-module-\d+-summary" lang="es"', page)


def test_a_calendar_with_a_title_holding_a_line_break_still_opens(client, u, login, module, trainer, make_user):
    session, = schedule(module, trainer, day=date(2038, 2, 2))
    db.session.execute(update(Text).where(Text.owner_type == "module", Text.owner_id == module.id,
                                          Text.field == "title", Text.locale == "en")
                       .values(value="Role-play\npractice"))  # written before titles were kept on one line
    db.session.commit()
    response = client.get(u("lms.sessions.ics", session_id=session.id))
    assert response.status_code == 200
    parsed = Calendar.from_ical(response.get_data())
    assert str(parsed["X-WR-CALNAME"]) == "Role-play practice"
    [event] = parsed.walk("VEVENT")
    # escaped by the library inside the event (course and language added: tests/test_livefix_calendar_titles.py)
    assert str(event["SUMMARY"]) == "Role-play\npractice · Practice course (English)"
