"""A module summary changed after it was translated: trainees reading the translation are told, as for a lesson,
on the course page and in the author's preview of it."""

from __future__ import annotations

import html
import re

import pytest

from lms import db
from lms.accounts.models import SiteRole
from lms.catalog import archive, course_authoring, module_authoring
from lms.catalog import services as catalog
from lms.catalog.models import CourseStatus
from lms.catalog.texts import set_text
from lms.i18n import _, in_language, language_name_in
from tests.authoring_support import heat_course

NOTE = ("This module's summary was updated in %(source)s after it was translated, so this translation may not match "
        "the latest version yet.")


def _words(page: str) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page)))


@pytest.fixture
def author(make_user):
    return make_user("tina@example.org", role=SiteRole.TRAINER)


@pytest.fixture
def course(author):
    course, module, lesson, quiz = heat_course(author, module_summary="Spot the signs early.")
    archive.archive(course, quiz, author)  # a quiz without questions: the course could not be published
    for obj, name, value in [(course, "title", "Calor"), (module, "title", "Señales"),
                             (module, "summary", "Reconozca las señales a tiempo."), (lesson, "title", "Golpe"),
                             (lesson, "body", "Llame al 911.")]:
        set_text(course, obj, name, "es", value, author)
    course_authoring.set_course_status(course, CourseStatus.PUBLISHED, author)
    db.session.commit()
    return course


def _note(app) -> str:
    with app.test_request_context(), in_language("es"):
        return _(NOTE, source=language_name_in("en", "es"))


def _change_summary(course, author) -> None:
    module = catalog.get_module(course, "signs")
    module_authoring.update_module(course, module, module_authoring.ModuleData(
        slug="signs", title="Warning signs", summary="Spot the signs early, and act."), author)
    db.session.commit()


def test_a_stale_module_summary_says_so_on_the_course_page(app, u, course, author, make_user, client_as):
    reader = client_as(make_user("rosa@example.org", locale="es"))
    page = u("lms.courses.course", course_slug="heat")
    before = _words(reader.get(page).get_data(as_text=True))
    assert "Reconozca las señales a tiempo." in before and _note(app) not in before
    _change_summary(course, author)
    after = _words(reader.get(page).get_data(as_text=True))
    assert "Reconozca las señales a tiempo." in after and _note(app) in after
    set_text(course, catalog.get_module(course, "signs"), "summary", "es",
             "Reconozca las señales a tiempo y actúe.", author)
    db.session.commit()
    assert _note(app) not in _words(reader.get(page).get_data(as_text=True))


def test_the_authors_preview_says_so_too(app, u, course, author, client_as):
    _change_summary(course, author)
    page = client_as(author).get(u("lms.authoring.preview", course_slug="heat", preview_locale="es"))
    assert _note(app) in _words(page.get_data(as_text=True))
