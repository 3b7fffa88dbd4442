"""A quiz never shows a translation its source no longer matches: when a trainer rewrites an answer (or a question,
or feedback) after it was translated, trainees reading the translation see that answer in the course's language,
marked with it, and a note says why, until a translator catches up; the other answers stay translated. Marking goes
by answer identity, so it agrees with what was shown, and the attempt keeps what was shown. The trainer's preview
shows the same, and saving the question says which translations it left out of date."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from lms import db
from lms.accounts.models import SiteRole
from lms.catalog import course_authoring, lesson_authoring, module_authoring, quiz_authoring
from lms.catalog import services as catalog
from lms.catalog.models import CourseStatus, QuestionKind
from lms.catalog.quiz_texts import QUIZ_ITEMS, out_of_date_locales
from lms.catalog.texts import load_texts, set_text
from lms.enrollment import quiz_attempts
from lms.enrollment import services as enrollment
from lms.enrollment.models import Enrollment, QuizAttempt
from lms.i18n import _, in_language, language_name_in

Opt = quiz_authoring.OptionData
AGE = ("a", "Being 35 or older", True, "Yes.", "Tener 35 años o más", "Sí.")
YOUNG = ("b", "Being 25 or younger", False, "No.", "Tener 25 años o menos", "No.")
BEFORE = ("c", "Having had it in a past pregnancy", False, "It counts too.", "Haberla tenido en otro embarazo",
          "También cuenta.")
SPANISH_PROMPT = "¿Qué aumenta el riesgo de diabetes gestacional?"
STALE_MESSAGE = "The Spanish translation of this question is now out of date."


def updating_note(app, locale: str = "es") -> str:
    """The note above a quiz with parts shown in English, as a reader of ``locale`` sees it (translated or not)."""
    with app.test_request_context(), in_language(locale):
        return str(_("Some parts are shown in %(source)s because their translation is being updated.",
                     source=language_name_in("en", locale)))


@pytest.fixture
def trainer(make_user):
    return make_user("teacher@example.org", name="Tina Teacher", role=SiteRole.TRAINER)


@pytest.fixture
def rosa(make_user):
    return make_user("rosa@example.org", name="Rosa", locale="es")


def build(trainer, questions: int = 1, slug: str = "prenatal"):
    """Course ``slug``, module ``risks``: a question on risk factors (and ``questions - 1`` more), all in Spanish
    too; 2 attempts, pass mark 100."""
    course = course_authoring.create_course(course_authoring.CourseData(slug=slug, title="Prenatal care"), trainer)
    module = module_authoring.add_module(course, module_authoring.ModuleData(slug="risks", title="Risks",
                                                                             credited_minutes=30), trainer)
    lesson_authoring.add_lesson(course, module, "intro", "Intro", "Risk factors.", 10, trainer)
    quiz = quiz_authoring.ensure_quiz(course, module, title="Risks check", pass_mark=100, max_attempts=2,
                                      actor=trainer)
    for obj, value in ((course, "Atención prenatal"), (module, "Riesgos"), (quiz, "Prueba de riesgos")):
        set_text(course, obj, "title", "es", value, trainer)
    rows = (AGE, YOUNG, BEFORE)
    question = quiz_authoring.save_question(course, quiz, None, slug="q1", kind=QuestionKind.SINGLE,
                                            prompt="Which raises the risk of gestational diabetes?",
                                            options=[Opt(*row[:4]) for row in rows], actor=trainer)
    set_text(course, question, "prompt", "es", SPANISH_PROMPT, trainer)
    for option, row in zip(options_of(course, "q1"), rows, strict=True):
        set_text(course, option, "text", "es", row[4], trainer)
        set_text(course, option, "feedback", "es", row[5], trainer)
    for n in range(2, questions + 1):
        extra = quiz_authoring.save_question(course, quiz, None, slug=f"q{n}", kind=QuestionKind.TRUE_FALSE,
                                             prompt=f"Statement {n}", options=[Opt("t", "True", True),
                                                                               Opt("f", "False")], actor=trainer)
        set_text(course, extra, "prompt", "es", f"Afirmación {n}", trainer)
        for option, word in zip(options_of(course, f"q{n}"), ("Verdadero", "Falso"), strict=True):
            set_text(course, option, "text", "es", word, trainer)
    course_authoring.set_course_status(course, CourseStatus.PUBLISHED, trainer)
    db.session.commit()
    return course


def quiz_of(course):
    return catalog.get_quiz(catalog.get_module(course, "risks"))


def question_of(course, slug: str):
    return next(pair for pair in catalog.load_questions(quiz_of(course)) if pair[0].slug == slug)


def options_of(course, slug: str) -> dict:
    return question_of(course, slug)[1]


def option(course, question: str, slug: str):
    return next(o for o in options_of(course, question) if o.slug == slug)


def quiz_url(u, slug: str = "prenatal"):
    return u("lms.courses.quiz", course_slug=slug, module_slug="risks")


def result_url(u):
    return u("lms.courses.quiz_result", course_slug="prenatal", module_slug="risks")


def edit_url(u, course, slug: str = "q1"):
    return u("lms.authoring.edit_question", course_slug="prenatal", module_slug="risks",
             question_id=question_of(course, slug)[0].id)


def edit(client, u, course, rows, prompt: str = "Which raises the risk of gestational diabetes?") -> str:
    """Send the trainer's question form for q1, rows of (slug, text, correct, feedback); the page it leads to."""
    data = {"slug": "q1", "kind": "single", "prompt": prompt}
    for index, (slug, text, correct, feedback) in enumerate(rows):
        data.update({f"options-{index}-slug": slug, f"options-{index}-text": text,
                     f"options-{index}-feedback": feedback})
        if correct:
            data[f"options-{index}-is_correct"] = "y"
    response = client.submit(edit_url(u, course), data, follow_redirects=True)
    if 'id="confirm-answers"' in response.get_data(as_text=True):  # new right answers after attempts: confirm
        data["confirm"] = ",".join(sorted(slug for slug, _text, correct, _feedback in rows if correct))
        response = client.submit(edit_url(u, course), data, follow_redirects=True)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def the_qa_edit(client, u, course) -> str:
    """"Being 35 or older" becomes "Being 45 or older", no longer right, with new feedback; "Having had it in a past
    pregnancy" becomes the right answer (its wording unchanged, its feedback new)."""
    return edit(client, u, course, [("a", "Being 45 or older", False, "No: the risk rises from 35."), YOUNG[:4],
                                    ("c", BEFORE[1], True, "Yes.")])


def attempts_of(user) -> list[QuizAttempt]:
    db.session.expire_all()
    return list(db.session.execute(select(QuizAttempt).join(Enrollment, Enrollment.id == QuizAttempt.enrollment_id)
                                   .where(Enrollment.user_id == user.id).order_by(QuizAttempt.number)).scalars())


def choose(course, attempt: int, q1: str) -> dict:
    return {"attempt": str(attempt), f"q{question_of(course, 'q1')[0].id}": str(option(course, "q1", q1).id)}


# ---------------------------------------------------------------- the trainee's quiz and result


def test_a_rewritten_answer_shows_in_english_with_a_note_until_it_is_translated_again(
        app, client, u, trainer, rosa, client_as):
    course = build(trainer)
    enrollment.enroll(rosa, course)
    db.session.commit()
    note = updating_note(app)
    trainee = client_as(rosa)
    page = trainee.get(quiz_url(u)).get_data(as_text=True)
    assert "Tener 35 años o más" in page and note not in page and '<span lang="en">' not in page

    assert STALE_MESSAGE in the_qa_edit(client_as(trainer), u, course)

    page = trainee.get(quiz_url(u)).get_data(as_text=True)
    assert '> <span lang="en">Being 45 or older</span></label>' in page
    assert "Tener 35 años o más" not in page and "35 or older" not in page
    assert "> Tener 25 años o menos</label>" in page and "> Haberla tenido en otro embarazo</label>" in page
    assert f"<legend>1. {SPANISH_PROMPT}</legend>" in page  # the unchanged question stays in Spanish
    assert page.count(note) == 1 and "no están traducidas" not in page  # nothing is missing: only out of date

    # She ticks the answer she reads, "Being 45 or older": it is marked, and shown back, as what she read.
    assert trainee.submit(quiz_url(u), choose(course, 1, "a")).status_code == 302
    (first,) = attempts_of(rosa)
    assert (first.score_percent, first.passed) == (0, False)
    assert first.snapshot["questions"][0] == {"prompt": SPANISH_PROMPT, "right": False, "options": [
        {"text": "Being 45 or older", "text_lang": "en", "chosen": True, "feedback": "No: the risk rises from 35.",
         "feedback_lang": "en"},
        {"text": "Tener 25 años o menos"},
        {"text": "Haberla tenido en otro embarazo", "right": True}]}
    result = trainee.get(result_url(u)).get_data(as_text=True)
    assert '<span lang="en">Being 45 or older</span><br><small lang="en">No: the risk rises from 35.</small>' in result
    assert "Sí." not in result and "35 años" not in result and note in result

    # The translator catches up: Spanish again, no note; the result already given stays as it was shown.
    set_text(course, option(course, "q1", "a"), "text", "es", "Tener 45 años o más", trainer)
    set_text(course, option(course, "q1", "a"), "feedback", "es", "No: el riesgo sube desde los 35.", trainer)
    set_text(course, option(course, "q1", "c"), "feedback", "es", "Sí.", trainer)
    db.session.commit()
    page = trainee.get(quiz_url(u)).get_data(as_text=True)
    assert "> Tener 45 años o más</label>" in page and '<span lang="en">' not in page and note not in page
    assert '<span lang="en">Being 45 or older</span>' in trainee.get(result_url(u)).get_data(as_text=True)

    assert trainee.submit(quiz_url(u), choose(course, 2, "c")).status_code == 302
    second = attempts_of(rosa)[1]
    assert second.passed and second.snapshot["questions"][0]["options"][2] == {
        "text": "Haberla tenido en otro embarazo", "right": True, "chosen": True, "feedback": "Sí."}
    result = trainee.get(result_url(u)).get_data(as_text=True)
    assert "Sí." in result and 'lang="en">' not in result.split("learn-answers")[1] and note not in result


def test_a_rewritten_question_and_removed_feedback_are_not_shown_translated(trainer, rosa):
    """The prompt changed: shown in English. Feedback emptied in English: the old Spanish feedback is not shown."""
    course = build(trainer)
    question, _options = question_of(course, "q1")
    set_text(course, question, "prompt", "en", "Which of these raises the risk of gestational diabetes?", trainer)
    set_text(course, option(course, "q1", "b"), "feedback", "en", "", trainer)
    db.session.commit()
    texts = load_texts(course, "es", source_when_stale=QUIZ_ITEMS)
    prompt = texts.get(question, "prompt")
    assert (prompt.value, prompt.locale, prompt.is_fallback, prompt.is_stale) == (
        "Which of these raises the risk of gestational diabetes?", "en", True, True)
    assert texts.get(option(course, "q1", "b"), "feedback").value == ""
    assert texts.get(option(course, "q1", "b"), "text").value == "Tener 25 años o menos"
    assert texts.used_stale and not texts.used_fallback
    # Other pages still read the translation as they did (a lesson says it may be out of date instead).
    assert load_texts(course, "es").get(question, "prompt").value == SPANISH_PROMPT

    enrollment.enroll(rosa, course)
    result = quiz_attempts.submit_quiz(enrollment.get_enrollment(rosa, course), quiz_of(course),
                                    {question.id: {option(course, "q1", "b").id}}, locale="es")
    kept = result.attempt.snapshot["questions"][0]
    assert kept["prompt_lang"] == "en" and kept["options"][1] == {"text": "Tener 25 años o menos", "chosen": True}


def test_an_attempt_kept_without_a_snapshot_is_shown_the_same_way(app, u, trainer, rosa, client_as):
    course = build(trainer)
    enrollment.enroll(rosa, course)
    db.session.commit()
    trainee = client_as(rosa)
    assert trainee.submit(quiz_url(u), choose(course, 1, "a")).status_code == 302
    the_qa_edit(client_as(trainer), u, course)
    (attempt,) = attempts_of(rosa)
    attempt.snapshot = None  # graded before attempts kept what was shown: read against today's texts
    db.session.commit()
    result = trainee.get(result_url(u)).get_data(as_text=True)
    assert '<span lang="en">Being 45 or older</span>' in result and updating_note(app) in result
    assert "Sí." not in result


# ---------------------------------------------------------------- the trainer: preview and the saved message


def test_the_preview_shows_what_trainees_see(app, u, trainer, client_as):
    course = build(trainer)
    editor = client_as(trainer)
    the_qa_edit(editor, u, course)
    url = u("lms.authoring.preview_quiz", course_slug="prenatal", module_slug="risks", preview_locale="es")
    page = editor.get(url).get_data(as_text=True)
    assert '<span lang="en">Being 45 or older</span>' in page and '<span lang="es">Tener 25 años o menos</span>' in page
    assert "Tener 35 años o más" not in page and updating_note(app) in page
    assert "Parts of this page are not translated yet" not in page  # translated, only out of date
    set_text(course, option(course, "q1", "a"), "text", "es", "Tener 45 años o más", trainer)
    db.session.commit()
    page = editor.get(url).get_data(as_text=True)
    assert '<span lang="es">Tener 45 años o más</span>' in page and updating_note(app) not in page


def test_saving_a_question_says_which_translations_it_left_out_of_date(u, trainer, client_as):
    course = build(trainer)
    editor = client_as(trainer)
    # Only which answer is right changes: every translation still says what the English says.
    page = edit(editor, u, course, [("a", AGE[1], False, AGE[3]), ("b", YOUNG[1], True, YOUNG[3]), BEFORE[:4]])
    assert "Question saved." in page and "out of date" not in page
    assert out_of_date_locales(course, question_of(course, "q1")[0]) == []
    page = edit(editor, u, course, [AGE[:4], YOUNG[:4], ("c", BEFORE[1], False, "Read about it again.")])
    assert f"Question saved. {STALE_MESSAGE}" in page
    # A new answer not yet translated leaves the translation behind too.
    page = edit(editor, u, course, [AGE[:4], YOUNG[:4], ("c", BEFORE[1], False, BEFORE[3]),
                                    ("d", "Walking every day", False, "")])
    assert STALE_MESSAGE in page
    (new,) = [o for o in options_of(course, "q1") if o.slug not in "abc"]  # the form names a new answer itself
    set_text(course, new, "text", "es", "Caminar todos los días", trainer)
    set_text(course, option(course, "q1", "c"), "feedback", "es", "Lea otra vez.", trainer)
    db.session.commit()
    assert out_of_date_locales(course, question_of(course, "q1")[0]) == []
    # Nothing changed: nothing said about translations.
    assert "No changes to save." in edit(editor, u, course, [AGE[:4], YOUNG[:4], ("c", BEFORE[1], False, BEFORE[3]),
                                                             (new.slug, "Walking every day", False, "")])


def test_a_question_in_an_untranslated_course_says_nothing_of_translations(u, trainer, client_as):
    course = build(trainer)
    quiz = quiz_of(course)
    quiz_authoring.save_question(course, quiz, None, slug="q9", kind=QuestionKind.TRUE_FALSE, prompt="English only",
                                 options=[Opt("t", "True", True), Opt("f", "False")], actor=trainer)
    db.session.commit()
    question, _options = question_of(course, "q9")
    assert out_of_date_locales(course, question) == []


# ---------------------------------------------------------------- queries


def test_the_quiz_page_runs_the_same_queries_however_many_questions(u, make_user, client_as, count_queries):
    counts = []
    for n, questions in enumerate((1, 6)):
        teacher = make_user(f"teacher{n}@example.org", role=SiteRole.TRAINER)
        course = build(teacher, questions, slug=f"prenatal{n}")
        for question, options in catalog.load_questions(quiz_of(course)):
            for each in options:  # every answer rewritten in English: all shown in English
                set_text(course, each, "text", "en", f"{each.slug} of {question.slug}, reworded", teacher)
        trainee = make_user(locale="es")
        enrollment.enroll(trainee, course)
        db.session.commit()
        signed_in = client_as(trainee)
        assert signed_in.get(quiz_url(u, course.slug)).status_code == 200
        with count_queries() as queries:
            page = signed_in.get(quiz_url(u, course.slug)).get_data(as_text=True)
        assert page.count('<span lang="en">') == 3 + 2 * (questions - 1)
        counts.append(queries.count)
    assert counts[0] == counts[1], counts


def test_notes_name_the_source_language_in_the_readers_language(app):
    assert re.search(r"\binglés\b", updating_note(app, "es"))
    assert "English" in updating_note(app, "en")
