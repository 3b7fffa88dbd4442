"""A quiz question or answer of zero-width spaces, soft hyphens and other invisible characters alone looks empty to a
trainee, so it is refused like an empty one: by the question form (with a message that says why, since the box looks
empty), by the service, by the translation editor (a translation of them is no translation: the source text shows)
and by a course import (a problem at its line). Feedback is optional: invisible feedback is stored empty."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from sqlalchemy import func, select

from lms import db
from lms.accounts.models import SiteRole
from lms.catalog import course_authoring, module_authoring, quiz_authoring
from lms.catalog import services as catalog
from lms.catalog.models import Option, Question, QuestionKind, Text
from lms.catalog.quiz_authoring import OptionData
from lms.catalog.texts import load_texts, set_text, translation_state
from lms.errors import DomainError

#: Texts that look empty but are not empty to ``str.strip``: zero-width space, joiners, byte-order mark, soft hyphen,
#: bidi marks, word joiner, a lone combining accent, and no-break spaces around a zero-width space.
INVISIBLE = ["\u200b", "\u200b\u200d", "\ufeff", "\u00ad", "\u200e\u200f", "\u2060", "\u0301", "\u00a0\u200b\u00a0"]
FIELD_ERROR = re.compile(r'<p class="error" id="(?:err-)?([\w-]+?)(?:-error)?">([^<]*)</p>')
PROMPT_ERROR = "Write the question. This one holds only invisible characters (such as zero-width spaces)."
ANSWER_ERROR = ("Write the answer, or empty the whole row. This one holds only invisible characters (such as "
                "zero-width spaces).")


@pytest.fixture
def trainer(make_user, login):
    user = make_user("trainer@example.org", name="Tina Trainer", role=SiteRole.TRAINER, locale="en")
    login(user)
    return user


@pytest.fixture
def course(trainer):
    course = course_authoring.create_course(course_authoring.CourseData(slug="heat", title="Heat safety"), trainer)
    module = module_authoring.add_module(course, module_authoring.ModuleData(slug="signs", title="Warning signs"), trainer)
    quiz = quiz_authoring.ensure_quiz(course, module, title="Check", pass_mark=80, max_attempts=None, actor=trainer)
    quiz_authoring.save_question(course, quiz, None, slug="q1", kind=QuestionKind.SINGLE,
                                 prompt="What do you do first?", actor=trainer, options=[
                                     OptionData("a", "Call 911", True, "Yes: it is an emergency."),
                                     OptionData("b", "Wait", False, "No.")])
    db.session.commit()
    return course


def _quiz(course):
    return catalog.get_quiz(catalog.get_module(course, "signs"))


def _question(course) -> tuple[Question, list[Option]]:
    return catalog.load_questions(_quiz(course))[0]


def _errors(response) -> dict[str, str]:
    return {key: html.unescape(message) for key, message in FIELD_ERROR.findall(response.get_data(as_text=True))}


def _counts() -> tuple[int, int]:
    return db.session.scalar(select(func.count(Question.id))), db.session.scalar(select(func.count(Option.id)))


def _data(prompt="Which is a sign of heat stroke?", rows=(("Hot, dry skin", True, "Yes"), ("Feeling cold", False, "No")),
          slug="q2"):
    data = {"slug": slug, "kind": "single", "prompt": prompt}
    for index, (text, correct, feedback) in enumerate(rows):
        data |= {f"options-{index}-slug": "", f"options-{index}-text": text, f"options-{index}-feedback": feedback}
        if correct:
            data[f"options-{index}-is_correct"] = "y"
    return data


def _new_url(u) -> str:
    return u("lms.authoring.new_question", course_slug="heat", module_slug="signs")


def _texts(course, locale: str = "en"):
    return load_texts(course, locale, fields=("prompt", "text", "feedback"))


# ---------------------------------------------------------------- the service


@pytest.mark.parametrize("value", INVISIBLE)
def test_the_service_refuses_an_invisible_question(course, trainer, value):
    with pytest.raises(DomainError, match="Write the question"):
        quiz_authoring.save_question(course, _quiz(course), None, slug="q2", kind=QuestionKind.SINGLE, prompt=value,
                                     options=[OptionData("a", "Yes", True), OptionData("b", "No")], actor=trainer)


@pytest.mark.parametrize("value", INVISIBLE)
def test_the_service_refuses_an_invisible_answer(course, trainer, value):
    question, _options = _question(course)
    with pytest.raises(DomainError, match="An answer holds only invisible characters"):
        quiz_authoring.save_question(course, _quiz(course), question, slug="q1", kind=QuestionKind.SINGLE,
                                     prompt="What do you do first?", actor=trainer,
                                     options=[OptionData("a", "Call 911", True), OptionData("b", value),
                                              OptionData("c", "Wait")])


def test_the_service_stores_invisible_feedback_empty(course, trainer):
    question, _options = _question(course)
    quiz_authoring.save_question(course, _quiz(course), question, slug="q1", kind=QuestionKind.SINGLE,
                                 prompt="What do you do first?", actor=trainer,
                                 options=[OptionData("a", "Call 911", True, "\u200b\u00ad"), OptionData("b", "Wait")])
    _question_, options = _question(course)
    assert _texts(course).get(options[0], "feedback").value == ""


# ---------------------------------------------------------------- the question form


@pytest.mark.parametrize("value", INVISIBLE)
def test_the_question_form_refuses_an_invisible_question(client, u, course, value):
    response = client.submit(_new_url(u), _data(prompt=value))
    assert response.status_code == 400
    assert _errors(response)["prompt"] == PROMPT_ERROR
    assert "Please correct the highlighted fields." in response.get_data(as_text=True)
    assert _counts() == (1, 2)


def test_an_empty_or_blank_question_is_still_refused_as_before(client, u, course):
    for value in ("", "   ", "\u00a0\u00a0"):
        response = client.submit(_new_url(u), _data(prompt=value))
        assert response.status_code == 400 and _errors(response)["prompt"] == "This field is required."
    assert _counts() == (1, 2)


@pytest.mark.parametrize("value", INVISIBLE)
def test_the_question_form_refuses_an_invisible_answer_at_its_row(client, u, course, value):
    rows = (("Hot, dry skin", True, "Yes"), (value, False, ""), ("Feeling cold", False, "No"))
    response = client.submit(_new_url(u), _data(rows=rows))
    assert response.status_code == 400
    assert _errors(response) == {"options-1-text": ANSWER_ERROR}
    assert _counts() == (1, 2)


def test_an_invisible_answer_marked_correct_is_refused_too(client, u, course):
    rows = (("\ufeff", True, "Right"), ("Feeling cold", False, "No"))
    response = client.submit(_new_url(u), _data(rows=rows))
    assert response.status_code == 400 and _errors(response) == {"options-0-text": ANSWER_ERROR}
    assert _counts() == (1, 2)


def test_editing_a_question_to_invisible_text_keeps_the_stored_one(client, u, course):
    question, options = _question(course)
    url = u("lms.authoring.edit_question", course_slug="heat", module_slug="signs", question_id=question.id)
    data = _data(prompt="\u200b\u2060", rows=(("Call 911", True, ""), ("\u00ad", False, "")), slug="q1")
    data["options-0-slug"], data["options-1-slug"] = options[0].slug, options[1].slug
    response = client.submit(url, data)
    assert response.status_code == 400
    assert _errors(response) == {"prompt": PROMPT_ERROR, "options-1-text": ANSWER_ERROR}
    texts = _texts(course)
    assert texts.get(question, "prompt").value == "What do you do first?"
    assert [texts.get(option, "text").value for option in options] == ["Call 911", "Wait"]


def test_invisible_feedback_is_stored_empty(client, u, course):
    rows = (("Hot, dry skin", True, "\u200b"), ("Feeling cold", False, "Not a sign"))
    assert client.submit(_new_url(u), _data(rows=rows)).status_code == 302
    question = db.session.execute(select(Question).where(Question.slug == "q2")).scalar_one()
    options = next(opts for q, opts in catalog.load_questions(_quiz(course)) if q.id == question.id)
    texts = _texts(course)
    assert [texts.get(o, "feedback").value for o in options] == ["", "Not a sign"]


def test_a_row_of_invisible_feedback_alone_is_an_empty_row(client, u, course):
    rows = (("Hot, dry skin", True, ""), ("", False, "\u200b"), ("Feeling cold", False, ""))
    assert client.submit(_new_url(u), _data(rows=rows)).status_code == 302
    assert _counts() == (2, 4)


def test_visible_text_with_invisible_characters_around_it_is_kept(client, u, course):
    rows = (("\u200bHot, dry skin", True, ""), ("ستاره\u200cای", False, ""))
    assert client.submit(_new_url(u), _data(prompt="\u200fWhich one?", rows=rows)).status_code == 302
    question = db.session.execute(select(Question).where(Question.slug == "q2")).scalar_one()
    assert _texts(course).get(question, "prompt").value == "\u200fWhich one?"


# ---------------------------------------------------------------- the translation editor


def _question_page(u, question) -> str:
    return u("lms.authoring.translate_question", course_slug="heat", locale="es", module_slug="signs",
             question_id=question.id)


def _spanish(kind: str, obj_id: int, name: str) -> str | None:
    return _stored(kind, obj_id, name, "es")


def _stored(kind: str, obj_id: int, name: str, locale: str) -> str | None:
    return db.session.execute(select(Text.value).where(Text.owner_type == kind, Text.owner_id == obj_id,
                                                       Text.field == name, Text.locale == locale)).scalar_one_or_none()


TRANSLATION_ERROR = ("Enter the translation, or empty the box to show the English text. This one holds only "
                     "invisible characters.")


@pytest.mark.parametrize("value", ["\u200b", "\ufeff\u00ad", "\u2066\u2069"])
def test_the_translation_editor_refuses_an_invisible_question_answer_or_feedback(client, u, course, value):
    question, options = _question(course)
    keys = [f"question-{question.id}-prompt", f"option-{options[0].id}-text", f"option-{options[0].id}-feedback"]
    response = client.submit(_question_page(u, question), {f"t-{key}": value for key in keys} |
                             {f"t-option-{options[1].id}-text": "Esperar"})
    assert response.status_code == 400
    assert _errors(response) == dict.fromkeys(keys, TRANSLATION_ERROR)
    assert _spanish("question", question.id, "prompt") is None and _spanish("option", options[1].id, "text") is None


def test_an_empty_translation_box_still_shows_the_source(client, u, course, trainer):
    question, _options = _question(course)
    set_text(course, question, "prompt", "es", "¿Qué hace primero?", trainer)
    db.session.commit()
    response = client.submit(_question_page(u, question), {f"t-question-{question.id}-prompt": ""})
    assert response.status_code == 302
    assert _spanish("question", question.id, "prompt") == ""
    assert _texts(course, "es").get(question, "prompt").value == "What do you do first?"


def test_set_text_stores_an_invisible_translation_empty_so_it_counts_as_missing(course, trainer):
    question, options = _question(course)
    for obj, name in ((question, "prompt"), (options[0], "text"), (options[0], "feedback")):
        assert set_text(course, obj, name, "es", "\u200b\u00ad", trainer).value == ""
    texts = load_texts(course, "es")
    assert translation_state(texts, "question", question.id, "prompt") == "missing"
    assert translation_state(texts, "option", options[0].id, "text") == "missing"
    assert texts.get(question, "prompt").value == "What do you do first?"  # the source shows, marked as such
    assert texts.get(question, "prompt").is_fallback


# ---------------------------------------------------------------- course import


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _line(path: Path, fragment: str) -> int:
    return next(n for n, line in enumerate(path.read_text(encoding="utf-8").split("\n"), 1) if fragment in line)


def test_an_import_reports_an_invisible_question_and_answer_at_their_lines(app, courses, run_import):
    quiz = courses / "listening-basics" / "listening" / "quiz.en.yaml"
    _edit(quiz, "prompt: Which answer reflects back?", 'prompt: "\\u200b\\u00ad"')
    _edit(quiz, "text: Checking your phone", 'text: "\\ufeff"')
    prompt_line, answer_line = _line(quiz, '"\\u200b'), _line(quiz, '"\\ufeff"')
    out = run_import(courses, ok=False).output
    assert f"{quiz}:{prompt_line}: 'prompt' is empty: it holds only invisible characters (such as zero-width" in out
    assert f"{quiz}:{answer_line}: 'text' is empty: it holds only invisible characters" in out
    assert db.session.scalar(select(func.count(Question.id))) == 0


def test_an_import_leaves_out_invisible_translations_and_feedback(app, courses, run_import):
    folder = courses / "listening-basics" / "listening"
    _edit(folder / "quiz.es.yaml", "prompt: ¿Qué respuesta refleja lo que oyó?", 'prompt: "\\u200b"')
    _edit(folder / "quiz.es.yaml", "text: Usted tiene que ir.", 'text: "\\u2060"')
    _edit(folder / "quiz.en.yaml", "feedback: That is advice, not a reflection.", 'feedback: "\\u00ad"')
    run_import(courses)
    course = catalog.get_course("listening-basics")
    module = catalog.get_module(course, "listening")
    question, options = next((q, opts) for q, opts in catalog.load_questions(catalog.get_quiz(module))
                             if q.slug == "best-reflection")
    assert _stored("question", question.id, "prompt", "es") is None
    assert _stored("option", options[1].id, "text", "es") is None
    assert _stored("option", options[0].id, "text", "es") == "O sea que ir a la clínica le podría costar el trabajo."
    assert _texts(course).get(options[1], "feedback").value == ""
