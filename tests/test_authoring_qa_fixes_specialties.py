"""Specialties keep their letters: an author typing ``Nutrición`` or ``niños`` gets ``nutrición``/``niños`` (lower
case, NFC), never ``nutrici-n``; course files are read the same way, so export → import keeps them."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest

from lms import db
from lms.accounts.models import SiteRole
from lms.catalog import course_authoring, quiz_authoring
from lms.catalog import services as catalog
from lms.catalog.areas import specialty_slug, specialty_title
from lms.catalog.models import QuestionKind
from lms.catalog.quiz_authoring import OptionData
from lms.content import read_courses
from lms.content.export import export_course
from lms.web.authoring.forms import parse_specialties
from tests.authoring_support import heat_course

NFD = unicodedata.normalize("NFD", "Nutrición")


@pytest.mark.parametrize(("typed", "stored"), [
    ("diabetes prevention, Nutrición", ("diabetes-prevention", "nutrición")),
    ("Salud de los NIÑOS,  niños ", ("salud-de-los-niños", "niños")),
    (f"{NFD}, nutrición", ("nutrición",)),  # a decomposed accent is the same specialty
    ("Asthma preventive services, violence prevention!", ("asthma-preventive-services", "violence-prevention")),
    (" , -- ,", ()),
])
def test_the_form_keeps_letters_of_any_language(typed, stored):
    assert parse_specialties(typed) == stored
    assert all(unicodedata.is_normalized("NFC", slug) for slug in parse_specialties(typed))


def test_specialty_words_read_back_with_their_accents():
    assert specialty_title(specialty_slug("Salud de los niños")) == "Salud de los niños"


def test_a_course_saved_from_the_form_stores_the_accented_specialty(app, client, u, make_user, login):
    trainer = make_user("tina@example.org", role=SiteRole.TRAINER)
    heat_course(trainer)
    db.session.commit()
    login(trainer)
    path = u("lms.authoring.edit_course", course_slug="heat")
    form = {"title": "Heat safety", "version": "1", "kind": "continuing", "source_locale": "en",
            "specialties": "diabetes prevention, Nutrición", "issuer_org": ""}
    response = client.submit(path, form)
    assert response.status_code == 302, response.get_data(as_text=True)
    db.session.expire_all()
    assert catalog.get_course("heat").specialties == ["diabetes-prevention", "nutrición"]
    assert "diabetes-prevention, nutrición" in client.get(path).get_data(as_text=True)


def test_the_service_normalises_as_the_form_does(app, make_user):
    course, *_rest = heat_course(make_user("tina@example.org", role=SiteRole.TRAINER))
    data = course_authoring.CourseData(slug="heat", title="Heat safety", specialties=(NFD, "NIÑOS"))
    course_authoring.update_course(course, data, None)
    assert course.specialties == ["nutrición", "niños"]


def _course(actor):
    """The heat course with one question, so it can be exported."""
    course, module, _lesson, quiz = heat_course(actor)
    quiz_authoring.save_question(course, quiz, None, slug="q1", kind=QuestionKind.SINGLE, prompt="Hot?", actor=actor,
                                 options=[OptionData("o1", "Yes", True), OptionData("o2", "No", False)])
    return course, module


def test_export_then_import_keeps_accented_specialties(app, make_user, tmp_path: Path):
    course, module = _course(make_user("tina@example.org", role=SiteRole.TRAINER))
    course.specialties, module.specialties = ["nutrición"], ["salud-de-los-niños"]
    db.session.flush()
    for name, text in export_course(course).items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    reading = read_courses(tmp_path)
    assert not reading.problems, reading.problems
    [spec] = reading.courses
    assert spec.specialties == ["nutrición"] and spec.modules[0].specialties == ["salud-de-los-niños"]


def test_a_course_file_specialty_is_normalised_like_the_form(app, make_user, tmp_path: Path):
    course, _module = _course(make_user("tina@example.org", role=SiteRole.TRAINER))
    files = export_course(course)
    for name, text in files.items():
        if name.endswith("course.yaml"):
            text += f"specialties:\n  - {NFD}\n  - Salud de los Niños\n"
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    reading = read_courses(tmp_path)
    assert not reading.problems, reading.problems
    assert reading.courses[0].specialties == ["nutrición", "salud-de-los-niños"]
