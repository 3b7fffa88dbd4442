"""The email asking trainers for another quiz attempt names the quiz once, as pages do: a quiz whose title already
says its module is not followed by the module's title again, one without a title is "Quiz for “<module>”" in the
trainer's language, and a generic title is still followed by its module."""

from __future__ import annotations

import pytest

from lms import db
from lms.accounts.models import SiteRole
from lms.catalog import course_authoring
from lms.catalog.models import CourseStatus
from lms.catalog.texts import set_text
from tests.conftest import body_of
from tests.quiz_support import quiz_of
from tests.test_learning import build_course


@pytest.fixture
def tina(make_user):
    return make_user("tina@example.org", name="Tina Trainer", role=SiteRole.TRAINER)


@pytest.fixture
def course(tina):
    return build_course(tina, max_attempts=2)


@pytest.fixture
def lucia(make_user, course):
    """A Spanish-speaking trainer who worked on the course too."""
    lucia = make_user("lucia@example.org", name="Lucía", role=SiteRole.TRAINER, locale="es")
    course_authoring.set_course_status(course, CourseStatus.DRAFT, lucia)
    course_authoring.set_course_status(course, CourseStatus.PUBLISHED, lucia)
    db.session.commit()
    return lucia


def _retitle(course, tina, english: str, spanish: str) -> None:
    quiz = quiz_of(course)
    set_text(course, quiz, "title", "en", english, tina)
    set_text(course, quiz, "title", "es", spanish, tina)
    db.session.commit()


def _ask(client, u, locked_out, as_, mailbox) -> dict:
    as_(locked_out())
    url = u("lms.courses.ask_attempt", course_slug="core", module_slug="m1")
    assert client.submit(url, {"message": ""}).status_code == 302
    return {message["To"]: message for message in mailbox}


def test_a_title_that_names_its_module_is_not_doubled(client, u, tina, lucia, course, locked_out, as_, mailbox):
    _retitle(course, tina, "Module 1: check your understanding", "Módulo 1: comprueba lo que sabes")
    sent = _ask(client, u, locked_out, as_, mailbox)
    english, spanish = sent["tina@example.org"], sent["lucia@example.org"]
    assert english["Subject"] == "Lupe Learner asks for another attempt: Module 1: check your understanding"
    assert 'the quiz "Module 1: check your understanding" (Core training)' in body_of(english)
    assert spanish["Subject"].endswith(": Módulo 1: comprueba lo que sabes")
    assert "·" not in english["Subject"] + body_of(english) + spanish["Subject"] + body_of(spanish)


def test_an_untitled_quiz_is_named_as_pages_name_it(client, u, tina, lucia, course, locked_out, as_, mailbox):
    _retitle(course, tina, "", "")
    sent = _ask(client, u, locked_out, as_, mailbox)
    assert sent["tina@example.org"]["Subject"] == "Lupe Learner asks for another attempt: Quiz for “Module 1”"
    assert sent["lucia@example.org"]["Subject"].endswith(": Cuestionario de “Módulo 1”")


def test_a_generic_title_still_says_its_module(client, u, tina, course, locked_out, as_, mailbox):
    _retitle(course, tina, "Check what you learned", "Comprueba lo que aprendiste")
    sent = _ask(client, u, locked_out, as_, mailbox)
    assert sent["tina@example.org"]["Subject"] == "Lupe Learner asks for another attempt: Check what you learned · Module 1"
