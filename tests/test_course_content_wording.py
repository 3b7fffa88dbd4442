"""The wording of the course files in courses/: a module that stands for one competency area is titled with that
area's name as the site shows it (lms.catalog.areas, in English and Spanish), every quiz is titled in one format
("<module>: check your understanding" / "<módulo>: compruebe lo que aprendió"), and importing the reworded files over
the earlier wording keeps every trainee's records and leaves no Spanish lesson or quiz text out of date."""

from __future__ import annotations

import shutil
from datetime import timedelta
from pathlib import Path

import pytest
from flask_babel import force_locale
from markupsafe import escape
from sqlalchemy import select

from lms import db
from lms.catalog import services as catalog
from lms.catalog.areas import AREAS
from lms.catalog.models import ModuleKind
from lms.catalog.texts import load_texts, translation_state
from lms.db import utcnow
from lms.enrollment import completion, quiz_attempts, visits
from lms.enrollment import services as enrollment
from lms.enrollment.models import Enrollment, LessonProgress, ModuleCompletion, QuizAttempt

COURSES = Path(__file__).resolve().parent.parent / "courses"
QUIZ_TITLE = {"en": "{module}: check your understanding", "es": "{module}: compruebe lo que aprendió"}

#: The wording before (file, now, before): titles that differed from the areas, quiz titles in the other format, and
#: lesson text naming a module; the English of two modules changed too, so their Spanish must follow in the same import.
EARLIER = [
    ("chw-core/assessment/module.yaml", "  en: Individual and community assessment\n  es: Evaluación individual y comunitaria",
     "  en: Individual and Community Assessment\n  es: Evaluación de necesidades individuales y comunitarias"),
    ("chw-core/assessment/quiz.en.yaml", 'title: "Individual and community assessment: check your understanding"',
     "title: Check your understanding - Individual and Community Assessment"),
    ("chw-core/assessment/quiz.es.yaml", 'title: "Evaluación individual y comunitaria: compruebe lo que aprendió"',
     "title: Compruebe lo que aprendió - Evaluación individual y comunitaria"),
    ("chw-core/assessment/02-home-visit-assessment.en.md", '(See the module "Professional skills and conduct".)',
     "(See the Professional Skills and Conduct module.)"),
    ("chw-core/assessment/02-home-visit-assessment.es.md", '(Vea el módulo "Habilidades y conducta\n  profesionales").',
     "(Vea el módulo de Habilidades y conducta\n  profesional)."),
    ("chw-core/advocacy/module.yaml", "  es: Abogacía\n", "  es: Abogacía y defensa de derechos\n"),
    ("ce-documentation/writing-visit-notes/quiz.es.yaml",
     'title: "Cómo escribir notas de visita claras, objetivas y confidenciales: compruebe lo que aprendió"',
     "title: Compruebe lo que aprendió"),
]


@pytest.fixture
def imported(app, run_import):
    run_import(COURSES)
    return catalog.get_course("chw-core"), catalog.get_course("ce-documentation")


def spanish(app, text) -> str:
    with app.test_request_context(), force_locale("es"):
        return str(text)


def test_each_module_of_one_area_is_titled_with_the_area_name(app, imported):
    core, _ce = imported
    outline = catalog.load_outline(core)
    english, spanish_texts = load_texts(core, "en"), load_texts(core, "es")
    checked = 0
    for module in outline.modules:
        if module.kind is not ModuleKind.SELF_PACED or len(module.competency_areas) != 1:
            continue
        area = AREAS[module.competency_areas[0]]
        assert english(module) == str(area), module.slug
        assert spanish_texts(module) == spanish(app, area), module.slug
        checked += 1
    assert checked == len(AREAS)  # one module per area, each titled as the area


def test_every_quiz_title_has_the_same_format(app, imported):
    checked = 0
    for course in imported:
        outline = catalog.load_outline(course)
        for locale, pattern in QUIZ_TITLE.items():
            texts = load_texts(course, locale)
            for module in outline.modules:
                quiz = outline.quizzes.get(module.id)
                if quiz is not None:
                    assert texts(quiz) == pattern.format(module=texts(module)), (course.slug, module.slug, locale)
                    checked += 1
    assert checked == 2 * 14


def test_the_course_page_in_spanish_names_the_modules_as_the_areas(app, client, u, imported, make_user, login):
    login(make_user("promotora@example.org", locale="es"))
    page = client.get(u("lms.courses.course", course_slug="chw-core")).text
    for code in ("advocacy", "assessment", "public-health-sdoh"):
        name = escape(spanish(app, AREAS[code]))
        assert f"<li>{name}</li>" in page and f"<h3>{name}</h3>" in page, code  # area list and module heading
    assert escape("Abogacía: compruebe lo que aprendió") in page


def test_importing_the_new_wording_over_the_old_keeps_progress_and_translations(app, tmp_path, run_import, make_user):
    earlier = tmp_path / "courses"
    shutil.copytree(COURSES, earlier)
    for name, now, before in EARLIER:
        path = earlier / name
        text = path.read_text(encoding="utf-8")
        assert now in text, name
        path.write_text(text.replace(now, before, 1), encoding="utf-8")
    run_import(earlier)
    core = catalog.get_course("chw-core")
    assessment = catalog.get_module(core, "assessment")
    assert load_texts(core, "es")(assessment) == "Evaluación de necesidades individuales y comunitarias"

    trainee = make_user(locale="es")
    record = enrollment.enroll(trainee, core)
    outline = catalog.load_outline(core)
    now = utcnow()
    for item in outline.lessons[assessment.id]:
        visits.visit_lesson(record, item, now, timedelta(minutes=30))
        visits.complete_lesson(record, item, now + timedelta(minutes=5), timedelta(minutes=30))
    quiz = outline.quizzes[assessment.id]
    right = {q.id: {o.id for o in options if o.is_correct} for q, options in catalog.load_questions(quiz)}
    assert quiz_attempts.submit_quiz(record, quiz, right, locale="es").attempt.passed
    db.session.commit()
    models = (Enrollment, LessonProgress, QuizAttempt, ModuleCompletion)
    kept = {model: set(db.session.execute(select(model.id)).scalars()) for model in models}
    assert all(kept.values()) and len(kept[ModuleCompletion]) == 1

    result = run_import(COURSES)
    assert "problem" not in result.output
    assert {model: set(db.session.execute(select(model.id)).scalars()) for model in models} == kept
    assert catalog.get_module(core, "assessment").id == assessment.id
    progress = completion.load_progress(enrollment.get_enrollment(trainee, core))
    assert progress.module_done(assessment) and quiz.id in progress.passed_quizzes

    texts = load_texts(core, "es")
    assert texts(assessment) == "Evaluación individual y comunitaria"
    outline = catalog.load_outline(core)
    for module in outline.modules:  # the Spanish that changed with its English is up to date, not stale
        quiz = outline.quizzes.get(module.id)
        if quiz is not None:
            assert translation_state(texts, "quiz", quiz.id, "title") == "complete", module.slug
        for item in outline.lessons[module.id]:
            assert translation_state(texts, "lesson", item.id, "body") == "complete", item.slug
            assert translation_state(texts, "lesson", item.id, "title") == "complete", item.slug
    assert translation_state(texts, "module", assessment.id, "title") == "complete"
