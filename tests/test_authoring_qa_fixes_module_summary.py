"""A module summary changed after it was translated: trainees reading the translation are told, as for a lesson,
on the course page and in the author's preview of it."""

from __future__ import annotations

import pytest

from lms import db
from lms.accounts.models import SiteRole
from lms.catalog import module_authoring
from lms.catalog import services as catalog
from lms.catalog.texts import set_text
from tests.authoring_support import page_words, spanish_words, translated_heat_course

NOTE = ("This module's summary was updated in %(source)s after it was translated, so this translation may not match "
        "the latest version yet.")


@pytest.fixture
def author(make_user):
    return make_user("tina@example.org", role=SiteRole.TRAINER)


@pytest.fixture
def course(author):
    """Heat safety with a module summary, translated into Spanish (its quiz archived), and published."""
    return translated_heat_course(author, module_summary="Spot the signs early.", quiz=False)[0]


def _change_summary(course, author) -> None:
    module = catalog.get_module(course, "signs")
    module_authoring.update_module(course, module, module_authoring.ModuleData(
        slug="signs", title="Warning signs", summary="Spot the signs early, and act."), author)
    db.session.commit()


def test_a_stale_module_summary_says_so_on_the_course_page(app, u, course, author, make_user, client_as):
    reader = client_as(make_user("rosa@example.org", locale="es"))
    page = u("lms.courses.course", course_slug="heat")
    before = page_words(reader.get(page).get_data(as_text=True))
    assert "Reconozca las señales a tiempo." in before and spanish_words(app, NOTE) not in before
    _change_summary(course, author)
    after = page_words(reader.get(page).get_data(as_text=True))
    assert "Reconozca las señales a tiempo." in after and spanish_words(app, NOTE) in after
    set_text(course, catalog.get_module(course, "signs"), "summary", "es",
             "Reconozca las señales a tiempo y actúe.", author)
    db.session.commit()
    assert spanish_words(app, NOTE) not in page_words(reader.get(page).get_data(as_text=True))


def test_the_authors_preview_says_so_too(app, u, course, author, client_as):
    _change_summary(course, author)
    page = client_as(author).get(u("lms.authoring.preview", course_slug="heat", preview_locale="es"))
    assert spanish_words(app, NOTE) in page_words(page.get_data(as_text=True))
