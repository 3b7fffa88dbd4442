"""Learning for trainees: catalog, course page, enrolment, lesson reader with time on task, quizzes, completion rules,
enrolment of staff by managers, and a fixed number of SQL queries per page."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from lms import db
from lms.accounts.models import SiteRole
from lms.catalog import course_authoring, lesson_authoring, module_authoring, quiz_authoring
from lms.catalog import services as catalog
from lms.catalog.models import Course, CourseKind, CourseStatus, Lesson, ModuleKind, Option, Question, QuestionKind
from lms.catalog.texts import set_text
from lms.db import utcnow
from lms.enrollment import completion as enrollment_completion
from lms.enrollment import quiz_attempts, visits
from lms.enrollment import services as enrollment
from lms.enrollment.models import Enrollment, EnrollmentStatus, LessonProgress, ModuleCompletion, QuizAttempt
from lms.live import registration
from lms.live.models import RegistrationStatus
from lms.orgs import services as orgs
from lms.signals import enrollment_completed
from tests import bulk_forms
from tests.live_support import live_course, local, schedule, soon

# ---------------------------------------------------------------- building sample courses with the services


def build_course(actor, slug: str = "core", *, title: str = "Core training", es_title: str | None = "Formación básica",
                 kind: CourseKind = CourseKind.CORE, areas: tuple[str, ...] = ("communication",), modules: int = 1,
                 lessons: int = 2, quiz: bool = True, max_attempts: int | None = None, live: bool = False,
                 untranslated: tuple[str, ...] = (), optional_extra: bool = False, publish: bool = True) -> Course:
    """A course built with the catalog services; Spanish texts unless ``es_title`` is None; lessons named in
    ``untranslated`` (``"m1/l2"``) stay English only."""
    course = course_authoring.create_course(course_authoring.CourseData(slug=slug, title=title, summary=f"About {title}.", kind=kind,
                                                      competency_areas=areas), actor)
    spanish = es_title is not None
    if spanish:
        set_text(course, course, "title", "es", es_title, actor)
        set_text(course, course, "summary", "es", f"Acerca de {es_title}.", actor)
    for m in range(1, modules + 1):
        module = module_authoring.add_module(course, module_authoring.ModuleData(slug=f"m{m}", title=f"Module {m}",
                                                                                 credited_minutes=60),
                                    actor)
        if spanish:
            set_text(course, module, "title", "es", f"Módulo {m}", actor)
        for n in range(1, lessons + 1):
            lesson = lesson_authoring.add_lesson(course, module, f"l{n}", f"Lesson {m}.{n}", f"English body {m}.{n}.", 10, actor)
            if spanish and f"m{m}/l{n}" not in untranslated:
                set_text(course, lesson, "title", "es", f"Lección {m}.{n}", actor)
                set_text(course, lesson, "body", "es", f"Texto *en español* {m}.{n}.", actor)
        if quiz:
            _add_quiz(course, module, actor, max_attempts, spanish)
    if optional_extra:
        extra = module_authoring.add_module(course, module_authoring.ModuleData(slug="extra", title="Extra reading", is_required=False,
                                                              credited_minutes=30), actor)
        lesson_authoring.add_lesson(course, extra, "more", "More", "More text.", 5, actor)
    if live:
        module_authoring.add_module(course, module_authoring.ModuleData(slug="live", title="Live practice", kind=ModuleKind.LIVE,
                                                      credited_minutes=120), actor)
    if publish:
        course_authoring.set_course_status(course, CourseStatus.PUBLISHED, actor)
    db.session.commit()
    return course


def _add_quiz(course, module, actor, max_attempts, spanish):
    quiz = quiz_authoring.ensure_quiz(course, module, title=f"Check {module.slug}", pass_mark=100, max_attempts=max_attempts,
                               actor=actor)
    Opt = quiz_authoring.OptionData
    single = quiz_authoring.save_question(course, quiz, None, slug="q1", kind=QuestionKind.SINGLE, prompt="Pick the right one",
                                   options=[Opt("a", "Right", True, "Yes, that is it."),
                                            Opt("b", "Wrong", False, "Read the first lesson again.")], actor=actor)
    several = quiz_authoring.save_question(course, quiz, None, slug="q2", kind=QuestionKind.MULTIPLE, prompt="Pick both",
                                    options=[Opt("a", "One", True), Opt("b", "Two", True), Opt("c", "Three", False)],
                                    actor=actor)
    if spanish:
        set_text(course, quiz, "title", "es", f"Prueba {module.slug}", actor)
        set_text(course, single, "prompt", "es", "Elija la correcta", actor)
        set_text(course, several, "prompt", "es", "Elija las dos", actor)
        db.session.flush()
        options = db.session.execute(select(Option).where(Option.question_id == single.id)).scalars()
        for option in options:
            set_text(course, option, "text", "es", "Correcta" if option.is_correct else "Incorrecta", actor)
            set_text(course, option, "feedback", "es", "¡Así es!" if option.is_correct else "Lea otra vez.", actor)


def answers(course: Course, module_slug: str, *, right: bool = True, attempt: int = 1) -> dict:
    """Form data for a module's quiz: all right, or the single-answer question wrong."""
    module = catalog.get_module(course, module_slug)
    data: dict = {"attempt": str(attempt)}
    for question, options in catalog.load_questions(catalog.get_quiz(module)):
        chosen = [o.id for o in options if o.is_correct]
        if not right and question.kind is QuestionKind.SINGLE:
            chosen = [o.id for o in options if not o.is_correct]
        data[f"q{question.id}"] = [str(i) for i in chosen]
    return data


@pytest.fixture
def trainer(make_user):
    return make_user("trainer@example.org", role=SiteRole.TRAINER)


@pytest.fixture
def promotora(make_user):
    return make_user("promotora@example.org", name="María", locale="es")


def lesson_url(u, course="core", module="m1", lesson="l1"):
    return u("lms.courses.lesson", course_slug=course, module_slug=module, lesson_slug=lesson)


def complete_url(u, course="core", module="m1", lesson="l1"):
    return u("lms.courses.complete", course_slug=course, module_slug=module, lesson_slug=lesson)


def quiz_url(u, course="core", module="m1"):
    return u("lms.courses.quiz", course_slug=course, module_slug=module)


def the_enrollment(user, course) -> Enrollment:
    return enrollment.get_enrollment(user, course)


def assert_phone_friendly(html: str) -> None:
    """Small, script-free pages that reflow on a narrow screen."""
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in html
    assert "<script" not in html and " style=" not in html
    assert len(html.encode()) < 40_000


# ---------------------------------------------------------------- the whole path, in Spanish


def test_a_trainee_finds_the_core_course_in_spanish_enrols_reads_passes_and_sees_progress(
        client, u, trainer, promotora, login):
    course = build_course(trainer, modules=2)
    build_course(trainer, "english-only", title="English only", es_title=None, kind=CourseKind.CONTINUING)
    login(promotora)

    page = client.get(u("lms.courses.catalog", language="es", kind="core")).text
    assert_phone_friendly(page)
    assert "Formación básica" in page and "English only" not in page
    page = client.get(u("lms.courses.course", course_slug="core")).text
    assert_phone_friendly(page)
    assert "Módulo 1" in page and "Lección 1.2" in page and 'lang="es"' in page

    assert client.submit(u("lms.courses.enroll", course_slug="core")).status_code == 302
    mine = the_enrollment(promotora, course)
    assert mine.status is EnrollmentStatus.ACTIVE and mine.enrolled_by_id == promotora.id

    page = client.get(lesson_url(u)).text
    assert_phone_friendly(page)
    assert "<em>en español</em> 1.1" in page and "fallback-note" not in page
    assert client.submit(complete_url(u)).headers["Location"] == lesson_url(u, lesson="l2")
    client.get(lesson_url(u, lesson="l2"))
    assert client.submit(complete_url(u, lesson="l2")).headers["Location"] == quiz_url(u)

    page = client.get(quiz_url(u)).text
    assert_phone_friendly(page)
    assert "Elija la correcta" in page and 'type="radio"' in page and 'type="checkbox"' in page
    assert "<legend>" in page
    response = client.submit(quiz_url(u), answers(course, "m1"))
    assert response.headers["Location"] == u("lms.courses.quiz_result", course_slug="core", module_slug="m1")
    result = client.get(response.headers["Location"]).text
    assert_phone_friendly(result)
    assert "¡Así es!" in result and "100%" in result

    db.session.expire_all()
    progress = enrollment_completion.load_progress(the_enrollment(promotora, course))
    assert progress.percent == 50 and progress.module_done(catalog.get_module(course, "m1"))
    page = client.get(u("lms.courses.course", course_slug="core")).text
    assert "50%" in page and 'value="50"' in page
    assert lesson_url(u, module="m2") in page  # "continue" points at the first unfinished lesson
    dashboard = client.get(u("lms.main.home")).text
    assert "Formación básica" in dashboard and "50%" in dashboard
    assert "50%" in client.get(u("lms.courses.catalog")).text


def test_catalog_filters_by_language_kind_and_area(client, u, trainer):
    build_course(trainer, "core", areas=("communication", "outreach"))
    build_course(trainer, "asthma", title="Asthma", es_title=None, kind=CourseKind.SPECIALTY, areas=("advocacy",))
    build_course(trainer, "draft", title="Draft course", publish=False)

    def titles(**args):
        return set(re.findall(r'<h2[^>]*><a href="[^"]+">([^<]+)</a>', client.get(u("lms.courses.catalog", **args)).text))

    assert titles() == {"Core training", "Asthma"}
    # ?lang= switches the interface language and never filters; ?language= filters by the course's languages
    assert titles(lang="es") == {"Formación básica", "Asthma"}
    assert titles(language="es") == {"Formación básica"}
    assert titles(kind="specialty", lang="en") == {"Asthma"}
    assert titles(area="outreach", lang="en") == {"Core training"}
    assert titles(area="nonsense", kind="x", language="zz") == {"Core training", "Asthma"}  # unknown values ignored


def test_catalog_shows_time_languages_and_a_fallback_note(client, u, trainer, promotora, login):
    build_course(trainer, "asthma", title="Asthma", es_title=None, modules=2, optional_extra=True)
    login(promotora)
    page = client.get(u("lms.courses.catalog")).text
    assert "Asthma" in page and "fallback-note" in page and 'lang="en"' in page
    assert "se muestra en inglés." in page and "<dd>inglés</dd>" in page
    assert "2 h" in page or "2 hours" in page or "2 horas" in page  # required modules only, not the optional one


def test_unpublished_courses_are_hidden_except_from_staff(client, u, trainer, make_user, login):
    build_course(trainer, "draft", publish=False)
    assert client.get(u("lms.courses.course", course_slug="draft")).status_code == 404
    login(make_user())
    assert client.get(u("lms.courses.course", course_slug="draft")).status_code == 404
    assert client.get(u("lms.courses.course", course_slug="nope")).status_code == 404
    client.submit(u("lms.accounts.logout"))
    login(trainer)
    assert client.get(u("lms.courses.course", course_slug="draft")).status_code == 200


def test_anonymous_visitors_see_the_course_and_are_asked_to_sign_in(client, u, trainer):
    build_course(trainer, live=True)
    page = client.get(u("lms.courses.course", course_slug="core")).text
    assert "/login?next=" in page and "Live practice" in page and "attending a live session" in page
    assert client.get(lesson_url(u)).status_code == 302
    assert "/login" in client.get(lesson_url(u)).headers["Location"]


# ---------------------------------------------------------------- lesson reader


def test_not_enrolled_reader_is_sent_to_the_course_page(client, u, trainer, make_user, login):
    build_course(trainer)
    login(make_user())
    for response in (client.get(lesson_url(u)), client.get(quiz_url(u)), client.submit(complete_url(u))):
        assert response.status_code == 302
        assert response.headers["Location"] == u("lms.courses.course", course_slug="core")
    assert "Enrol in this course" in client.get(u("lms.courses.course", course_slug="core")).text
    assert db.session.execute(select(func.count(LessonProgress.id))).scalar_one() == 0


def test_bad_lesson_urls_are_404(client, u, trainer, make_user, login):
    course = build_course(trainer)
    user = make_user()
    enrollment.enroll(user, course)
    db.session.commit()
    login(user)
    assert client.get(lesson_url(u, lesson="nope")).status_code == 404
    assert client.get(lesson_url(u, module="nope")).status_code == 404
    assert client.get(quiz_url(u, module="nope")).status_code == 404
    assert client.get(lesson_url(u, course="nope")).status_code == 404


def test_previous_next_cross_modules_and_resume_where_you_left_off(client, u, trainer, make_user, login):
    course = build_course(trainer, modules=2, quiz=False)
    user = make_user()
    enrollment.enroll(user, course)
    db.session.commit()
    login(user)
    assert "Start the course" in client.get(u("lms.courses.course", course_slug="core")).text
    page = client.get(lesson_url(u, module="m1", lesson="l2")).text
    assert f'rel="prev" href="{lesson_url(u, module="m1", lesson="l1")}"' in page
    assert f'rel="next" class="next" href="{lesson_url(u, module="m2", lesson="l1")}"' in page
    assert "Lesson 2 of 4" in page
    course_page = client.get(u("lms.courses.course", course_slug="core")).text
    assert "Continue where you left off" in course_page
    assert lesson_url(u, module="m1", lesson="l2") in course_page.split("Continue where you left off")[0][-300:]
    mine = enrollment.get_enrollment(user, course)
    first = db.session.execute(select(Lesson).where(Lesson.course_id == course.id).order_by(Lesson.id)).scalars().first()
    visits.complete_lesson(mine, first, datetime.now(UTC), timedelta(minutes=30))
    mine.current_lesson_id = None  # progress made without opening a lesson (as by attendance) still counts
    db.session.commit()
    assert "Continue where you left off" in client.get(u("lms.courses.course", course_slug="core")).text


def test_the_lesson_page_runs_a_fixed_number_of_queries(client, u, trainer, make_user, login, count_queries):
    """Whatever the size of the course: the session (with the organisations the reader manages), the course, the
    content revision, the enrolment, both lessons' progress rows (1), and the updates of the visit; the outline and
    its texts come from the per-process cache (``tests/test_outline_cache.py``: 4 statements more after a change)."""
    counts = []
    for slug, modules, lessons in (("small", 1, 2), ("large", 6, 8)):
        course = build_course(trainer, slug, modules=modules, lessons=lessons)
        user = make_user()
        enrollment.enroll(user, course)
        db.session.commit()
        login(user)
        assert client.get(lesson_url(u, course=slug, module="m1", lesson="l1")).status_code == 200
        with count_queries() as queries:
            assert client.get(lesson_url(u, course=slug, module="m1", lesson="l2")).status_code == 200
        counts.append(queries.count)
    assert counts[0] == counts[1] <= 7, counts


def test_fallback_note_when_a_lesson_lacks_spanish(client, u, trainer, promotora, login):
    course = build_course(trainer, untranslated=("m1/l2",))
    enrollment.enroll(promotora, course)
    db.session.commit()
    login(promotora)
    translated = client.get(lesson_url(u)).text
    assert "fallback-note" not in translated and "Lección 1.1" in translated
    page = client.get(lesson_url(u, lesson="l2")).text
    assert "fallback-note" in page
    # Running text names languages in the reader's language: not "al Español ... en English".
    assert "no están traducidas al español. Se muestran en inglés." in page
    assert '<div class="learn-body" lang="en"><p>English body 1.2.</p>' in page
    assert "Lección 1.1" in page  # the previous link is still in Spanish
    assert "fallback-note" in client.get(u("lms.courses.course", course_slug="core")).text


def test_time_on_a_lesson_is_capped_when_idle(app, trainer, make_user):
    course = build_course(trainer)
    user = make_user()
    mine = enrollment.enroll(user, course)
    first, second = catalog.load_outline(course).all_lessons()
    cap = timedelta(minutes=app.config["LMS_LESSON_IDLE_CAP_MINUTES"])
    start = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    visits.visit_lesson(mine, first, start, cap)
    visits.visit_lesson(mine, second, start + timedelta(minutes=7), cap)
    visits.visit_lesson(mine, first, start + timedelta(hours=5), cap)  # the tab was left open
    visits.complete_lesson(mine, first, start + timedelta(hours=5, minutes=3), cap)
    db.session.commit()
    seconds = enrollment_completion.load_progress(mine).seconds
    assert seconds[first.id] == 7 * 60 + 3 * 60
    assert seconds[second.id] == cap.total_seconds() == 30 * 60


@pytest.mark.parametrize("app_config", [{"LMS_LESSON_IDLE_CAP_MINUTES": 5}])
def test_the_reader_records_time_on_the_server(client, u, trainer, make_user, login, app_config):
    course = build_course(trainer)
    user = make_user()
    mine = enrollment.enroll(user, course)
    db.session.commit()
    login(user)
    client.get(lesson_url(u))
    db.session.refresh(mine)
    first = mine.current_lesson_id
    mine.current_lesson_started_at -= timedelta(minutes=3)
    db.session.commit()
    client.get(lesson_url(u, lesson="l2"))
    db.session.refresh(mine)
    mine.current_lesson_started_at -= timedelta(hours=1)
    db.session.commit()
    client.submit(complete_url(u, lesson="l2"))
    seconds = enrollment_completion.load_progress(mine).seconds
    assert 180 <= seconds[first] < 200
    assert seconds[mine.current_lesson_id] == 5 * 60  # capped by LMS_LESSON_IDLE_CAP_MINUTES


# ---------------------------------------------------------------- quizzes


@pytest.fixture
def enrolled(client, trainer, make_user, login):
    def setup(**course_options):
        course = build_course(trainer, **course_options)
        user = make_user()
        enrollment.enroll(user, course)
        db.session.commit()
        login(user)
        return course, user

    return setup


def attempts(user, course) -> list[QuizAttempt]:
    db.session.expire_all()
    return list(db.session.execute(select(QuizAttempt).join(Enrollment, Enrollment.id == QuizAttempt.enrollment_id)
                                   .where(Enrollment.user_id == user.id).order_by(QuizAttempt.number)).scalars())


def test_failing_then_passing_with_feedback(client, u, enrolled):
    course, user = enrolled()
    client.submit(quiz_url(u), answers(course, "m1", right=False))
    result = client.get(u("lms.courses.quiz_result", course_slug="core", module_slug="m1")).text
    assert "Not passed" in result and "50%" in result and "Read the first lesson again." in result
    assert "Try again" in result and "✗" in result and "✓" in result
    client.submit(quiz_url(u), answers(course, "m1", attempt=2))
    assert [(a.number, a.score_percent, a.passed) for a in attempts(user, course)] == [(1, 50, False), (2, 100, True)]
    assert attempts(user, course)[1].answers == {"q1": ["a"], "q2": ["a", "b"]}
    result = client.get(u("lms.courses.quiz_result", course_slug="core", module_slug="m1")).text
    assert "Passed" in result and "Try again" not in result
    page = client.get(quiz_url(u)).text
    assert "You have passed this quiz." in page and "<form method=\"post\" action=\"" + quiz_url(u) not in page


def test_attempt_limit(client, u, enrolled):
    course, user = enrolled(max_attempts=2)
    client.submit(quiz_url(u), answers(course, "m1", right=False))
    assert "attempts used: 1 of 2" in client.get(quiz_url(u)).text
    client.submit(quiz_url(u), answers(course, "m1", right=False, attempt=2))
    result = client.get(u("lms.courses.quiz_result", course_slug="core", module_slug="m1")).text
    assert "Try again" not in result and "used every attempt" in result
    response = client.submit(quiz_url(u), answers(course, "m1", attempt=3))
    assert response.status_code == 200 and "used every attempt" in response.text
    assert len(attempts(user, course)) == 2
    with pytest.raises(Exception, match="every attempt"):
        quiz_attempts.submit_quiz(the_enrollment(user, course), catalog.get_quiz(catalog.get_module(course, "m1")), {})


def test_missing_answers_rerender_and_save_nothing(client, u, enrolled):
    course, user = enrolled()
    data = answers(course, "m1")
    q2 = next(key for key in data if key.startswith("q") and len(data[key]) == 2)
    chosen = data.pop(q2)
    response = client.submit(quiz_url(u), data)
    assert response.status_code == 200
    assert "Please answer every question." in response.text and "Please answer this question." in response.text
    assert f'value="{data[next(k for k in data if k.startswith("q"))][0]}" checked' in response.text
    assert chosen and attempts(user, course) == []


@pytest.mark.parametrize("tamper", ["letters", "other_question", "two_for_single", "huge", "unicode_digit"])
def test_garbage_answers_are_refused_without_error(client, u, enrolled, tamper):
    course, user = enrolled()
    data = answers(course, "m1")
    keys = sorted(k for k in data if k.startswith("q"))
    single, several = (keys[0], keys[1]) if len(data[keys[0]]) == 1 else (keys[1], keys[0])
    if tamper == "letters":
        data[single] = ["abc"]
    elif tamper == "other_question":
        data[single] = [data[several][0]]
    elif tamper == "two_for_single":
        question = db.session.get(Question, int(single[1:]))
        data[single] = [str(o.id) for _q, options in catalog.load_questions(db.session.get(
            catalog.Quiz, question.quiz_id)) for o in options if o.question_id == question.id]
    elif tamper == "huge":
        data[single] = ["9" * 400]
    else:
        data[single] = ["²"]
    response = client.submit(quiz_url(u), data)
    assert response.status_code == 400 and "We could not read your answers" in response.text
    assert attempts(user, course) == []


def test_a_resent_attempt_is_not_scored_twice(client, u, enrolled):
    course, user = enrolled()
    data = answers(course, "m1", right=False)
    client.submit(quiz_url(u), data)
    response = client.submit(quiz_url(u), data)
    assert response.headers["Location"] == u("lms.courses.quiz_result", course_slug="core", module_slug="m1")
    assert len(attempts(user, course)) == 1
    for attempt in ("x", "", "7"):
        response = client.submit(quiz_url(u), {**data, "attempt": attempt})
        assert response.status_code == 400 and len(attempts(user, course)) == 1


def test_quiz_result_without_attempts_goes_to_the_quiz(client, u, enrolled):
    enrolled()
    response = client.get(u("lms.courses.quiz_result", course_slug="core", module_slug="m1"))
    assert response.headers["Location"] == quiz_url(u)


# ---------------------------------------------------------------- completion rules


@pytest.fixture
def completions():
    received = []

    def receiver(sender, **kwargs):
        received.append(sender.id)

    enrollment_completed.connect(receiver)
    yield received
    enrollment_completed.disconnect(receiver)


def _finish_self_paced(course, mine, modules=("m1",)):
    cap = timedelta(minutes=30)
    now = datetime.now(UTC)
    outline = catalog.load_outline(course)
    for module in outline.modules:
        if module.slug not in modules:
            continue
        for lesson in outline.lessons.get(module.id, []):
            visits.complete_lesson(mine, lesson, now, cap)
        quiz = outline.quizzes.get(module.id)
        if quiz is not None:
            chosen = {q.id: {o.id for o in options if o.is_correct} for q, options in catalog.load_questions(quiz)}
            quiz_attempts.submit_quiz(mine, quiz, chosen)
    db.session.commit()


def test_a_self_paced_course_completes_once_and_signals_once(trainer, make_user, completions):
    course = build_course(trainer, modules=2, optional_extra=True)
    mine = enrollment.enroll(make_user(), course)
    _finish_self_paced(course, mine, modules=("m1",))
    assert mine.status is EnrollmentStatus.ACTIVE and completions == []
    _finish_self_paced(course, mine, modules=("m2",))
    assert mine.status is EnrollmentStatus.COMPLETED and mine.completed_at is not None
    assert completions == [mine.id]  # the optional module is not needed
    _finish_self_paced(course, mine, modules=("extra",))
    enrollment_completion.check_completion(mine)
    assert completions == [mine.id]
    assert db.session.execute(select(func.count(ModuleCompletion.id))).scalar_one() == 3


def test_lessons_alone_do_not_complete_a_module_with_a_quiz(trainer, make_user, completions):
    course = build_course(trainer)
    mine = enrollment.enroll(make_user(), course)
    outline = catalog.load_outline(course)
    for lesson in outline.all_lessons():
        visits.complete_lesson(mine, lesson, datetime.now(UTC), timedelta(minutes=30))
    quiz = outline.quizzes[outline.modules[0].id]
    wrong = {q.id: {o.id for o in options if not o.is_correct} for q, options in catalog.load_questions(quiz)}
    assert not quiz_attempts.submit_quiz(mine, quiz, wrong).attempt.passed
    progress = enrollment_completion.load_progress(mine)
    assert not progress.module_done(outline.modules[0]) and progress.percent == 0 and completions == []


def test_a_course_with_a_live_module_does_not_complete_until_attendance(trainer, make_user, completions):
    course = build_course(trainer, live=True)
    mine = enrollment.enroll(make_user(), course)
    _finish_self_paced(course, mine)
    progress = enrollment_completion.load_progress(mine)
    assert mine.status is EnrollmentStatus.ACTIVE and completions == [] and progress.percent == 50
    live = catalog.get_module(course, "live")
    assert not progress.module_done(live)
    assert enrollment_completion.complete_module(mine, live, "attendance")  # what the live-sessions feature will call
    assert mine.status is EnrollmentStatus.COMPLETED and completions == [mine.id]


def test_completing_the_last_lesson_through_the_reader_completes_the_course(client, u, enrolled, completions):
    course, user = enrolled(quiz=False, lessons=1)
    client.get(lesson_url(u))
    response = client.submit(complete_url(u))
    assert response.headers["Location"] == u("lms.courses.course", course_slug="core")
    mine = the_enrollment(user, course)
    assert mine.status is EnrollmentStatus.COMPLETED and completions == [mine.id]
    page = client.get(u("lms.courses.course", course_slug="core")).text
    assert "You completed this course on" in page and "Leave this course" not in page


# ---------------------------------------------------------------- enrolment and withdrawal


def test_enrol_is_idempotent_and_withdrawing_keeps_progress(client, u, enrolled):
    course, user = enrolled()
    again = client.submit(u("lms.courses.enroll", course_slug="core"), follow_redirects=True).text
    assert "You are already enrolled in this course." in again and "Start with the first lesson" not in again
    assert db.session.execute(select(func.count(Enrollment.id))).scalar_one() == 1
    client.get(lesson_url(u))
    client.submit(complete_url(u))
    assert "Leave this course?" in client.get(u("lms.courses.withdraw", course_slug="core")).text
    client.submit(u("lms.courses.withdraw", course_slug="core"))
    assert the_enrollment(user, course).status is EnrollmentStatus.WITHDRAWN
    assert client.get(lesson_url(u)).status_code == 302
    assert "Enrol again" in client.get(u("lms.courses.course", course_slug="core")).text
    back = client.submit(u("lms.courses.enroll", course_slug="core"), follow_redirects=True).text
    assert "You are enrolled again, and your progress is kept: continue where you left off." in back
    assert "1 of 2 lessons done" in back
    mine = the_enrollment(user, course)
    assert mine.status is EnrollmentStatus.ACTIVE and len(enrollment_completion.load_progress(mine).completed_lessons) == 1
    assert client.submit(u("lms.courses.withdraw", course_slug="nope")).status_code == 404


def test_a_quiz_added_without_questions_to_a_published_course_does_not_block_completion(client, u, enrolled, trainer):
    """The author adds a quiz, then its questions: until it has one, nobody could pass it, so it does not count."""
    course, user = enrolled(quiz=False)
    module = catalog.get_module(course, "m1")
    quiz_authoring.ensure_quiz(course, module, title="Check m1", pass_mark=80, max_attempts=None, actor=trainer)
    db.session.commit()
    for lesson in ("l1", "l2"):
        client.get(lesson_url(u, lesson=lesson))
        client.submit(complete_url(u, lesson=lesson))
    assert the_enrollment(user, course).status is EnrollmentStatus.COMPLETED


def test_the_lesson_count_of_a_module_with_one_lesson_is_singular(client, u, enrolled, login):
    course, user = enrolled(lessons=1)
    assert "0 of 1 lesson done" in client.get(u("lms.courses.course", course_slug="core")).text
    user.locale = "es"
    db.session.commit()
    assert "0 de 1 lección completada" in client.get(u("lms.courses.course", course_slug="core")).text


def test_leaving_a_course_gives_up_its_upcoming_live_sessions(client, u, trainer, make_user, login, mailbox):
    course, module = live_course(trainer)
    _other, other_module = live_course(trainer, slug="other")
    full, = schedule(module, trainer, capacity=1)
    waiting, = schedule(module, trainer, capacity=1, day=local(utcnow()).date() + timedelta(days=6))
    started = soon(module, trainer, -30)  # began half an hour ago: its registrations no longer change
    elsewhere, = schedule(other_module, trainer, day=local(utcnow()).date() + timedelta(days=7))  # not while ``full``
    me, next_in_line, holder = make_user("me@example.org"), make_user("next@example.org", name="Nadia"), make_user()
    for session, people in ((full, (me, next_in_line)), (waiting, (holder, me)), (elsewhere, (me,))):
        for person in people:
            registration.register(session, person, person, utcnow())
    registration.register(started, me, me, started.starts_at - timedelta(days=1))
    db.session.commit()
    login(me)
    page = client.get(u("lms.courses.withdraw", course_slug="practice")).text
    assert "Your upcoming live sessions in this course" in page
    links = {s: f'href="{u("lms.sessions.detail", session_id=s.id)}"' in page for s in (full, waiting, started,
                                                                                         elsewhere)}
    assert links == {full: True, waiting: True, started: False, elsewhere: False}
    assert "Registered" in page and "On the waitlist" in page and "Sessions that have started or are over" in page
    response = client.submit(u("lms.courses.withdraw", course_slug="practice"))
    page = client.get(response.headers["Location"]).text
    assert "Your registrations for 2 upcoming live sessions are cancelled." in page and "Nadia" not in page
    assert the_enrollment(me, course).status is EnrollmentStatus.WITHDRAWN
    status = {s: registration.get_registration(s, me).status for s in (full, waiting, started, elsewhere)}
    assert status == {full: RegistrationStatus.CANCELLED, waiting: RegistrationStatus.CANCELLED,
                      started: RegistrationStatus.REGISTERED, elsewhere: RegistrationStatus.REGISTERED}
    assert registration.get_registration(full, next_in_line).status is RegistrationStatus.REGISTERED
    assert [m["To"] for m in mailbox] == ["next@example.org"]  # moved up from the waitlist and told


def test_enrolling_in_an_unpublished_course_is_refused(client, u, trainer, login):
    build_course(trainer, publish=False)
    login(trainer)  # staff can see a draft, but nobody can enrol in it
    client.submit(u("lms.courses.enroll", course_slug="core"))
    assert db.session.execute(select(func.count(Enrollment.id))).scalar_one() == 0
    assert "not open for enrolment" in client.get(u("lms.courses.course", course_slug="core")).text


# ---------------------------------------------------------------- managers enrol their staff


@pytest.fixture
def staff_world(trainer, make_user, make_org, add_member):
    course = build_course(trainer)
    manager = make_user("boss@example.org")
    org = make_org("acme", manager=manager)
    workers = [make_user(name=f"Worker {n}") for n in range(3)]
    for worker in workers:
        add_member(org, worker)
    outsider = make_user(name="Outsider")
    other_manager = make_user("other@example.org")
    make_org("other", manager=other_manager)
    return course, manager, workers, outsider, other_manager


def test_a_manager_enrols_their_staff(client, u, staff_world, login):
    course, manager, workers, _outsider, _other = staff_world
    enrollment.enroll(workers[0], course)
    db.session.commit()
    login(manager)
    assert "Enrol staff of Acme" in client.get(u("lms.courses.course", course_slug="core")).text
    path = u("lms.courses.enroll_staff", course_slug="core", org_slug="acme")
    page = client.get(path).text
    assert all(w.name in page for w in workers) and page.count('type="checkbox"') == 3  # manager is staff too
    response = client.submit(path, bulk_forms.people(workers[1].id, workers[2].id))
    assert response.status_code == 302
    for worker in workers[1:]:
        mine = the_enrollment(worker, course)
        assert mine.status is EnrollmentStatus.ACTIVE and mine.enrolled_by_id == manager.id
    assert "2 people enrolled." in client.get(path).text


def test_a_manager_cannot_enrol_people_outside_their_staff(client, u, staff_world, login):
    course, manager, workers, outsider, other_manager = staff_world
    path = u("lms.courses.enroll_staff", course_slug="core", org_slug="acme")
    login(manager)
    response = client.submit(path, bulk_forms.people(outsider.id))
    assert response.status_code == 400 and "current staff" in response.text
    for bad in (["abc"], [str(workers[0].id), "9" * 30]):  # not ids of people the page listed: nobody is enrolled
        response = client.submit(path, bulk_forms.people(*bad))
        assert response.status_code == 409 and "nobody was enrolled" in response.text
    assert client.submit(path, {}).status_code == 200
    assert db.session.execute(select(func.count(Enrollment.id))).scalar_one() == 0
    assert client.get(u("lms.courses.enroll_staff", course_slug="core", org_slug="nope")).status_code == 403
    client.submit(u("lms.accounts.logout"))
    login(other_manager)
    assert client.get(path).status_code == 403
    assert client.submit(path, bulk_forms.people(workers[0].id)).status_code == 403
    assert db.session.execute(select(func.count(Enrollment.id))).scalar_one() == 0


# ---------------------------------------------------------------- a fixed number of queries per page


def measure(client, count_queries, path: str) -> int:
    assert client.get(path).status_code == 200  # warm up: the first request touches the sign-in session
    with count_queries() as queries:
        response = client.get(path)
    assert response.status_code == 200
    return queries.count


def _add_catalog_courses(trainer, user, start: int, stop: int) -> None:
    for i in range(start, stop):
        course = build_course(trainer, f"c{i}", title=f"Course {i}", modules=2, lessons=1, quiz=False)
        if i % 2 == 0:
            _finish_self_paced(course, enrollment.enroll(user, course))


def test_catalog_and_dashboard_queries_do_not_grow_with_courses(client, u, trainer, promotora, login,
                                                                 count_queries):
    _add_catalog_courses(trainer, promotora, 0, 3)
    anonymous = measure(client, count_queries, u("lms.courses.catalog", language="es"))
    login(promotora)
    signed_in = measure(client, count_queries, u("lms.courses.catalog", kind="core"))
    dashboard = measure(client, count_queries, u("lms.main.home"))
    _add_catalog_courses(trainer, promotora, 3, 12)
    assert measure(client, count_queries, u("lms.courses.catalog", kind="core")) == signed_in <= 12
    assert measure(client, count_queries, u("lms.main.home")) == dashboard
    client.submit(u("lms.accounts.logout"))
    assert measure(client, count_queries, u("lms.courses.catalog", language="es")) == anonymous <= 6
    assert client.get(u("lms.courses.catalog")).text.count('class="card"') == 12


def _grow_course(course, trainer, modules: range, others: int, make_user) -> None:
    for m in modules:
        module = module_authoring.add_module(course, module_authoring.ModuleData(slug=f"m{m}", title=f"Module {m}"), trainer)
        for n in (1, 2):
            lesson_authoring.add_lesson(course, module, f"l{n}", f"Lesson {m}.{n}", "Text.", 5, trainer)
        _add_quiz(course, module, trainer, None, spanish=True)
    for _ in range(others):
        other = make_user()
        _finish_self_paced(course, enrollment.enroll(other, course))
    db.session.commit()


def test_course_and_lesson_pages_do_not_grow_with_modules_lessons_or_trainees(
        client, u, trainer, promotora, make_user, login, count_queries):
    course = build_course(trainer, modules=2)
    _grow_course(course, trainer, range(0), 1, make_user)
    mine = enrollment.enroll(promotora, course)
    _finish_self_paced(course, mine)
    login(promotora)
    pages = [u("lms.courses.course", course_slug="core"), lesson_url(u, module="m2", lesson="l2"), quiz_url(u),
             u("lms.courses.quiz_result", course_slug="core", module_slug="m1")]
    before = [measure(client, count_queries, page) for page in pages]
    _grow_course(course, trainer, range(3, 11), 4, make_user)
    assert len(catalog.load_outline(course).modules) == 10
    after = [measure(client, count_queries, page) for page in pages]
    assert after == before
    assert before[0] <= 14 and before[1] <= 16


def test_the_staff_enrolment_page_does_not_grow_with_staff(client, u, staff_world, make_user, login, count_queries):
    course, manager, workers, _outsider, _other = staff_world
    login(manager)
    path = u("lms.courses.enroll_staff", course_slug="core", org_slug="acme")
    before = measure(client, count_queries, path)
    org = orgs.get_org("acme")
    for _ in range(5):
        worker = make_user()
        orgs.add_member(org, worker, orgs.Employment(), actor=None)
        enrollment.enroll(worker, course)
    db.session.commit()
    assert measure(client, count_queries, path) == before
