"""A course author's QA pass: the competency areas a course covers are its own and its modules' everywhere (catalog
filter and cards, course page, API, authoring page); "Preview as a trainee" shows what the course page shows; a
lesson whose translated title is out of date says so; a quiz with no question yet is neither shown nor needed."""

from __future__ import annotations

from lms import db
from lms.catalog import lesson_authoring, module_authoring, quiz_authoring, removal
from lms.catalog import services as catalog
from lms.catalog.models import QuestionKind
from lms.catalog.texts import set_text
from lms.enrollment import services as enrollment
from lms.enrollment.models import EnrollmentStatus
from tests.test_learning import build_course, complete_url, lesson_url, quiz_url

ASSESSMENT = "Individual and community assessment"  # the area only module m1 is tagged with
STALE_NOTE = "Esta lección se actualizó en inglés después de traducirse"


def _tag_module(course, trainer, *areas: str) -> None:
    module = catalog.get_module(course, "m1")
    data = module_authoring.ModuleData(slug="m1", title="Module 1", credited_minutes=60, competency_areas=areas)
    module_authoring.update_module(course, module, data, trainer)
    db.session.commit()


def test_a_modules_areas_are_the_courses_everywhere(client, u, trainer, login):
    course = build_course(trainer, areas=("communication", "advocacy", "outreach"), modules=2)
    build_course(trainer, "other", title="Other training", areas=("communication",))
    _tag_module(course, trainer, "assessment", "advocacy")

    listed = client.get(u("lms.courses.catalog", area="assessment")).get_data(as_text=True)
    assert "Core training" in listed and "Other training" not in listed
    assert ASSESSMENT in listed  # on the course's card
    assert "Core training" not in client.get(u("lms.courses.catalog", area="evaluation-research")).get_data(as_text=True)
    page = client.get(u("lms.courses.course", course_slug="core")).get_data(as_text=True)
    areas = page.split("Competency areas</h2>")[1].split("</ul>")[0]
    assert areas.index("Communication") < areas.index("Advocacy") < areas.index(ASSESSMENT) < areas.index("Outreach")

    api = client.get(u("lms.api.list_courses", area="assessment")).get_json()["courses"]
    assert [c["slug"] for c in api] == ["core"]
    assert api[0]["covered_competency_areas"] == ["communication", "advocacy", "assessment", "outreach"]
    assert api[0]["competency_areas"] == ["communication", "advocacy", "outreach"]  # the field keeps its meaning
    outline = client.get(u("lms.api.course_outline", course_slug="core")).get_json()
    assert "assessment" in outline["covered_competency_areas"]

    login(trainer)
    authoring = client.get(u("lms.authoring.course", course_slug="core")).get_data(as_text=True)
    assert f"also from modules: {ASSESSMENT}" in authoring

    removal.remove(course, catalog.get_module(course, "m1"), trainer)  # a removed module covers nothing any more
    db.session.commit()
    assert "Core training" not in client.get(u("lms.courses.catalog", area="assessment")).get_data(as_text=True)
    assert ASSESSMENT not in client.get(u("lms.courses.course", course_slug="core")).get_data(as_text=True)


def test_preview_shows_what_the_course_page_shows_in_the_chosen_language(client, u, trainer, login):
    course = build_course(trainer, areas=("communication",))
    module = catalog.get_module(course, "m1")
    set_text(course, module, "summary", "es", "Resumen del módulo uno.", trainer)
    db.session.commit()
    login(trainer)
    page = client.get(u("lms.authoring.preview", course_slug="core", preview_locale="es")).get_data(as_text=True)
    area = page.split('class="preview"')[1]
    for shown in ("Formación básica", "Acerca de Formación básica.", "Áreas de competencia", "Obligatorio",
                  "de crédito", "Resumen del módulo uno.",
                  "cuestionario, se aprueba con 100", "Prueba m1", "Lección 1.2", "A su propio ritmo"):
        assert shown in area, shown
    assert u("lms.authoring.preview_lesson", course_slug="core", module_slug="m1", lesson_slug="l2",
             preview_locale="es").replace("&", "&amp;") in area
    assert u("lms.authoring.preview_quiz", course_slug="core", module_slug="m1",
             preview_locale="es").replace("&", "&amp;") in area
    for action in ("Inscribirse", "Enrol in this course", u("lms.courses.enroll", course_slug="core"),
                   u("lms.courses.lesson", course_slug="core", module_slug="m1", lesson_slug="l1")):
        assert action not in area, action
    english = client.get(u("lms.authoring.preview", course_slug="core", preview_locale="en")).get_data(as_text=True)
    assert "Required" in english and "quiz, pass mark 100%" in english and "Communication" in english


def test_an_outdated_spanish_title_says_the_lesson_was_updated(client, u, trainer, make_user, login):
    course = build_course(trainer)
    promotora = make_user("maria@example.org", locale="es")
    enrollment.enroll(promotora, course)
    db.session.commit()
    login(promotora)
    assert STALE_NOTE not in client.get(lesson_url(u)).get_data(as_text=True)
    lesson = catalog.get_lesson(catalog.get_module(course, "m1"), "l1")
    lesson_authoring.update_lesson(course, lesson, "Lesson one, renamed", "English body 1.1.", 10, trainer)  # the body as it was
    db.session.commit()
    shown = client.get(lesson_url(u)).get_data(as_text=True)
    assert STALE_NOTE in shown and "Lección 1.1" in shown


def _enrolled_with_an_empty_quiz(trainer, make_user, login, modules: int = 1):
    """Course ``core`` (``modules`` modules) whose module m1 has a quiz "Check m1" with no question yet, and Rosa,
    enrolled in it and signed in. Returns the course, the quiz and Rosa."""
    course = build_course(trainer, quiz=False, es_title=None, modules=modules)
    quiz = quiz_authoring.ensure_quiz(course, catalog.get_module(course, "m1"), title="Check m1", pass_mark=80,
                                      max_attempts=None, actor=trainer)
    db.session.commit()
    rosa = make_user("rosa@example.org")
    enrollment.enroll(rosa, course)
    db.session.commit()
    login(rosa)
    return course, quiz, rosa


def test_a_quiz_with_no_question_is_neither_shown_nor_needed(client, u, trainer, make_user, login):
    course, quiz, rosa = _enrolled_with_an_empty_quiz(trainer, make_user, login)
    course_page = u("lms.courses.course", course_slug="core")
    page = client.get(course_page).get_data(as_text=True)
    assert "Check m1" not in page and quiz_url(u) not in page
    client.submit(complete_url(u, lesson="l1"))
    done = client.submit(complete_url(u, lesson="l2"))
    assert done.status_code == 302 and quiz_url(u) not in done.headers["Location"]
    page = client.get(course_page).get_data(as_text=True)
    assert "quiz not passed yet" not in page and "Completed" in page
    assert enrollment.get_enrollment(rosa, course).status is EnrollmentStatus.COMPLETED
    assert client.get(u("lms.api.course_outline", course_slug="core")).get_json()["modules"][0]["has_quiz"] is False

    quiz_authoring.save_question(course, quiz, None, slug="q1", kind=QuestionKind.SINGLE, prompt="Pick one",
                                 options=[quiz_authoring.OptionData("a", "Right", True),
                                          quiz_authoring.OptionData("b", "Wrong", False)], actor=trainer)
    db.session.commit()  # a question is content: the cached outline is loaded again, with the quiz
    page = client.get(course_page).get_data(as_text=True)
    assert "Check m1" in page and quiz_url(u) in page


def test_a_new_empty_quiz_does_not_hold_back_the_next_step(client, u, trainer, make_user, login):
    _enrolled_with_an_empty_quiz(trainer, make_user, login, modules=2)
    client.submit(complete_url(u, lesson="l1"))
    onward = client.submit(complete_url(u, lesson="l2"))
    assert onward.headers["Location"].endswith(lesson_url(u, module="m2"))
    page = client.get(u("lms.courses.course", course_slug="core")).get_data(as_text=True)
    assert "Check m1" not in page and "quiz not passed yet" not in page
