"""The trainer's quiz preview marks the right answers (in words, not colour alone) and shows each answer's feedback,
in the previewed language; the trainee's quiz page shows neither."""

from __future__ import annotations

from lms import db
from lms.catalog import quiz_authoring
from lms.catalog.models import Option, QuestionKind
from lms.catalog.quiz_authoring import OptionData
from lms.catalog.texts import set_text
from lms.enrollment import services as enrollment
from tests.authoring_support import page_words, translated_heat_course


def _course(trainer):
    course, _module, _lesson, quiz = translated_heat_course(trainer)
    question = quiz_authoring.save_question(
        course, quiz, None, slug="q2", kind=QuestionKind.SINGLE, prompt="First step?",
        options=[OptionData("o1", "Call 911", True, "Yes: it is an emergency."),
                 OptionData("o2", "Wait and see", False, "No: act at once.")], actor=trainer)
    db.session.flush()
    options = {o.slug: o for o in db.session.query(Option).filter_by(question_id=question.id)}
    for obj, name, value in ((question, "prompt", "¿Primer paso?"), (options["o1"], "text", "Llame al 911"),
                             (options["o1"], "feedback", "Sí: es una emergencia."),
                             (options["o2"], "text", "Esperar"), (options["o2"], "feedback", "No: actúe ya.")):
        set_text(course, obj, name, "es", value, trainer)
    db.session.commit()
    return course


def test_the_trainers_preview_marks_right_answers_with_feedback_in_the_previewed_language(client, u,
                                                                                         signed_in_trainer):
    _course(signed_in_trainer)
    path = u("lms.authoring.preview_quiz", course_slug="heat", module_slug="signs")
    english = page_words(client.get(path + "?preview_locale=en").text)
    assert "Correct answer: Call 911 Feedback: Yes: it is an emergency." in english
    assert "Wait and see Feedback: No: act at once." in english
    assert "Correct answer: Wait and see" not in english and "Correct answer: Yes" in english
    spanish = page_words(client.get(path + "?preview_locale=es").text)
    assert "✓" in spanish.split("Llame al 911")[0].split("¿Primer paso?")[1]  # marked right, in words and sign
    assert "✓" not in spanish.split("Esperar")[0].split("Llame al 911")[1]
    assert "Sí: es una emergencia." in spanish and "No: actúe ya." in spanish
    assert "Yes: it is an emergency." not in spanish
    assert "Only in this preview: the correct answers are marked" in english


def test_the_trainees_quiz_page_shows_no_answer_key(client, u, signed_in_trainer, make_user, login):
    course = _course(signed_in_trainer)
    trainee = make_user()
    enrollment.enroll(trainee, course)
    db.session.commit()
    login(trainee)
    page = page_words(client.get(u("lms.courses.quiz", course_slug="heat", module_slug="signs")).text)
    assert "Call 911" in page
    assert "Correct answer" not in page and "Yes: it is an emergency." not in page
