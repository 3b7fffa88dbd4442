"""Two pages a Spanish-speaking trainer's QA pass found lacking: issuing a certificate by hand says that its hours go
on the certificate only (docs/certificates.md), and "Preview as a trainee" opens in the trainer's own language when
the course is translated into it (docs/learning.md, "Preview, publish, archive")."""

from __future__ import annotations

import re
from html import unescape

from lms import db
from lms.accounts.models import SiteRole
from lms.catalog import course_authoring
from tests.live_support import live_course
from tests.test_certificates_manual import _hours_page, world  # noqa: F401  (the fixture)

NOTE = ("These hours go on the certificate only: they count as paid or continuing-education hours only when they are "
        "in the trainee's hours ledger.")


def _text(response) -> str:
    return re.sub(r"\s+", " ", unescape(response.get_data(as_text=True)))


def test_the_manual_issue_page_says_its_hours_are_for_the_certificate_only(client, u, login, world):  # noqa: F811
    login(world["trainer"])
    page = _text(client.get(_hours_page(client, u, world["nadia"])))
    assert NOTE in page and "“My hours”, “Add training done elsewhere”" in page
    assert 'id="hours-ledger-note"' in page


def test_the_preview_opens_in_the_trainers_language_when_the_course_has_it(client, u, login, make_user):
    spanish = make_user("formadora@example.org", role=SiteRole.TRAINER, locale="es")
    course, _module = live_course(spanish)  # titled in English and Spanish
    plain = course_authoring.create_course(course_authoring.CourseData(slug="plain", title="English only"), spanish)
    db.session.commit()
    login(spanish)
    page = _text(client.get(u("lms.authoring.preview", course_slug=course.slug)))
    assert '<h1 lang="es">Curso de práctica</h1>' in page
    page = _text(client.get(u("lms.authoring.preview", course_slug=course.slug, preview_locale="en")))
    assert "Practice course" in page and "Curso de práctica" not in page  # the picker still chooses
    page = _text(client.get(u("lms.authoring.preview", course_slug=plain.slug)))
    assert "English only" in page and "fallback-note" not in page  # no translation: the source language


def test_an_english_trainer_still_previews_in_the_source_language(client, u, login, trainer):
    course, _module = live_course(trainer)
    login(trainer)
    page = _text(client.get(u("lms.authoring.preview", course_slug=course.slug)))
    assert "Practice course" in page and "Curso de práctica" not in page

