"""What authors type, checked where they type it: lesson headings (``#`` is not dropped, and never becomes a second
h1), course short names that collide with the site's own pages, translations held to the source fields' length
limits, and answer rows of a question that are half filled in or repeated."""

from __future__ import annotations

import html
import re

import pytest
from sqlalchemy import func, select

from lms import db
from lms.accounts.models import SiteRole
from lms.catalog import course_authoring, lesson_authoring, module_authoring, quiz_authoring, slugs
from lms.catalog import services as catalog
from lms.catalog.markdown import render_markdown
from lms.catalog.models import Course, CourseStatus, Option, Question, QuestionKind, Text
from lms.catalog.texts import load_texts
from lms.enrollment import services as enrollment

#: A message at a field: ``<name>-error`` on the authoring forms, ``err-<key>`` in the translation editor.
FIELD_ERROR = re.compile(r'<p class="error" id="(?:err-)?([\w-]+?)(?:-error)?">([^<]*)</p>')


@pytest.fixture
def trainer(make_user, login):
    user = make_user("trainer@example.org", name="Tina Trainer", role=SiteRole.TRAINER, locale="en")
    login(user)
    return user


def _course(trainer, *, publish=False):
    course = course_authoring.create_course(course_authoring.CourseData(slug="heat-safety", title="Heat safety"), trainer)
    module = module_authoring.add_module(course, module_authoring.ModuleData(slug="signs", title="Warning signs"), trainer)
    lesson = lesson_authoring.add_lesson(course, module, "basics", "Basics", "Drink water.", 5, trainer)
    if publish:
        course_authoring.set_course_status(course, CourseStatus.PUBLISHED, trainer)
    db.session.commit()
    return course, module, lesson


def _errors(response) -> dict[str, str]:
    return {key: html.unescape(message) for key, message in FIELD_ERROR.findall(response.get_data(as_text=True))}


# ---------------------------------------------------------------- headings in lessons

HEADINGS = "# Heat illness basics\n\nStay cool.\n\n## Signs\n\n##### Small print\n\n###### Smaller print"


def test_a_level_one_heading_is_a_heading_one_level_down_in_the_preview(client, u, trainer):
    course, module, _lesson = _course(trainer)
    response = client.submit(u("lms.authoring.new_lesson", course_slug=course.slug, module_slug=module.slug), {
        "slug": "heat", "title": "Heat", "body": HEADINGS, "estimated_minutes": "5", "preview": "y"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<h2>Heat illness basics</h2>\n<p>Stay cool.</p>\n<h3>Signs</h3>\n<h6>Small print</h6>\n<h6>Smaller print</h6>" \
        in page
    assert "<h1>Heat illness basics" not in page


def test_trainees_see_the_heading(client, u, trainer, make_user, login):
    course, module, lesson = _course(trainer, publish=True)
    client.submit(u("lms.authoring.edit_lesson", course_slug=course.slug, module_slug=module.slug,
                    lesson_slug=lesson.slug),
                  {"title": "Basics", "body": "# Heat illness basics\n\nDrink water.", "estimated_minutes": "5",
                   "save": "y"})
    trainee = make_user()
    enrollment.enroll(trainee, course)
    db.session.commit()
    login(trainee)
    page = client.get(u("lms.courses.lesson", course_slug=course.slug, module_slug=module.slug,
                        lesson_slug=lesson.slug)).get_data(as_text=True)
    assert "<h2>Heat illness basics</h2>\n<p>Drink water.</p>" in page
    assert len(re.findall(r"<h1[ >]", page)) == 1  # the lesson's title, nothing from its text


def test_lessons_that_start_at_two_hashes_keep_their_outline():
    """Course files write sections as ``##`` under the lesson's title: they stay h2 (and ``###`` h3)."""
    assert render_markdown("## Signs\n\n### Skin\n\nHot.") == "<h2>Signs</h2>\n<h3>Skin</h3>\n<p>Hot.</p>\n"


def test_an_underlined_top_heading_moves_down_too():
    assert render_markdown("Basics\n======\n\nMore\n----") == "<h2>Basics</h2>\n<h3>More</h3>\n"


def test_rerender_lessons_gives_stored_lessons_their_headings(app, trainer):
    course, _module, lesson = _course(trainer)
    row = db.session.execute(select(Text).where(Text.owner_type == "lesson", Text.owner_id == lesson.id,
                                                Text.field == "body")).scalar_one()
    row.value, row.html = "# Heat illness basics\n\nDrink water.", "Heat illness basics\n<p>Drink water.</p>\n"
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["lms", "rerender-lessons"])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    assert db.session.get(Text, row.id).html == "<h2>Heat illness basics</h2>\n<p>Drink water.</p>\n"


# ---------------------------------------------------------------- course short names the site's pages use

def _new_course(client, u, slug):
    return client.submit(u("lms.authoring.new_course"), {
        "slug": slug, "title": "Heat safety", "summary": "", "version": "1", "kind": "continuing",
        "source_locale": "en", "specialties": "", "certificate_validity_months": ""})


@pytest.mark.parametrize("slug", ["new", "import", "export", "status", "NEW"])
def test_a_course_cannot_take_a_short_name_the_site_uses(client, u, trainer, slug):
    response = _new_course(client, u, slug)
    assert response.status_code == 400
    assert _errors(response).get("slug") == f"“{slug.lower()}” is reserved for the site's own pages; choose another " \
                                             "short name for the course."
    assert db.session.execute(select(func.count(Course.id))).scalar_one() == 0


def test_a_short_name_that_only_contains_a_reserved_word_is_fine(client, u, trainer):
    assert _new_course(client, u, "new-hires").status_code == 302


def test_every_page_name_next_to_a_course_short_name_is_reserved(app):
    """Any fixed word that a route puts where a course's short name goes, under /authoring/ or /courses/."""
    prefix = app.config["TEST_PREFIX"]
    words = set()
    for rule in app.url_map.iter_rules():
        for area in ("/authoring/", "/courses/"):
            if rule.rule.startswith(prefix + area):
                first = rule.rule[len(prefix + area):].split("/")[0]
                if first and "<" not in first:
                    words.add(first.split(".")[0])
    assert "new" in words
    assert words <= slugs.RESERVED_COURSE_SLUGS


# ---------------------------------------------------------------- translations keep the source's limits

def _translate_lesson(client, u, course, module, lesson, title, body="Beba agua."):
    key = f"lesson-{lesson.id}"
    return client.submit(u("lms.authoring.translate_lesson", course_slug=course.slug, locale="es",
                           module_slug=module.slug, lesson_slug=lesson.slug),
                         {f"t-{key}-title": title, f"t-{key}-body": body})


def test_a_translated_title_has_the_source_titles_limit_and_message(client, u, trainer):
    course, module, lesson = _course(trainer)
    source = client.submit(u("lms.authoring.edit_lesson", course_slug=course.slug, module_slug=module.slug,
                             lesson_slug=lesson.slug),
                           {"title": "x" * 201, "body": "Drink water.", "estimated_minutes": "5", "save": "y"})
    assert source.status_code == 400
    message = _errors(source)["title"]
    assert "200" in message

    response = _translate_lesson(client, u, course, module, lesson, "x" * 201)
    assert response.status_code == 400
    assert _errors(response) == {f"lesson-{lesson.id}-title": message}
    assert "x" * 201 in response.get_data(as_text=True)  # what was typed is kept
    assert load_texts(course, "es").get(lesson, "title").is_fallback

    response = _translate_lesson(client, u, course, module, lesson, "x" * 5000)
    assert response.status_code == 400 and _errors(response) == {f"lesson-{lesson.id}-title": message}

    assert _translate_lesson(client, u, course, module, lesson, "y" * 200).status_code == 302
    assert load_texts(course, "es").get(lesson, "title").value == "y" * 200


def test_each_translated_field_has_its_own_limit(client, u, trainer):
    course, module, _lesson = _course(trainer)
    quiz = quiz_authoring.ensure_quiz(course, module, title="Check", pass_mark=80, max_attempts=None, actor=trainer)
    question = quiz_authoring.save_question(course, quiz, None, slug="q1", kind=QuestionKind.SINGLE,
                                     prompt="Which is a sign?", options=[
                                         quiz_authoring.OptionData("a", "Hot, dry skin", True, "Yes"),
                                         quiz_authoring.OptionData("b", "Feeling cold", False, "No")], actor=trainer)
    db.session.commit()
    option = catalog.load_questions(quiz)[0][1][0]
    url = u("lms.authoring.translate_question", course_slug=course.slug, locale="es", module_slug=module.slug,
            question_id=question.id)
    answer, feedback = f"t-option-{option.id}-text", f"t-option-{option.id}-feedback"
    response = client.submit(url, {answer: "a" * 1001, feedback: "b" * 2000})
    assert response.status_code == 400 and set(_errors(response)) == {answer[2:]}
    assert "1000" in _errors(response)[answer[2:]]
    response = client.submit(url, {answer: "a" * 1000, feedback: "b" * 2001})
    assert response.status_code == 400 and set(_errors(response)) == {feedback[2:]}
    assert client.submit(url, {answer: "a" * 1000, feedback: "b" * 2000}).status_code == 302


# ---------------------------------------------------------------- answer rows of a question

def _quiz_url(client, u, trainer):
    course, module, _lesson = _course(trainer)
    quiz_authoring.ensure_quiz(course, module, title="Check", pass_mark=80, max_attempts=None, actor=trainer)
    db.session.commit()
    return u("lms.authoring.new_question", course_slug=course.slug, module_slug=module.slug)


def _question(rows, kind="single"):
    data = {"slug": "q1", "kind": kind, "prompt": "Which is a sign of heat stroke?"}
    for index, (text, correct, feedback) in enumerate(rows):
        data[f"options-{index}-slug"] = ""
        data[f"options-{index}-text"] = text
        data[f"options-{index}-feedback"] = feedback
        if correct:
            data[f"options-{index}-is_correct"] = "y"
    return data


def _nothing_saved() -> bool:
    return db.session.execute(select(func.count(Question.id))).scalar_one() == 0 and \
        db.session.execute(select(func.count(Option.id))).scalar_one() == 0


ROW_MESSAGE = "This row has feedback or is marked correct, but no answer. Write the answer, or empty the whole row."


@pytest.mark.parametrize("row", [("", True, "Right: move to shade"), ("", False, "Right: move to shade"),
                                 ("", True, ""), ("   ", True, "")])
def test_a_row_without_an_answer_but_with_something_else_is_an_error_on_that_row(client, u, trainer, row):
    url = _quiz_url(client, u, trainer)
    response = client.submit(url, _question([("Hot, dry skin", False, "Think again"), row, ("Feeling cold", False, "")]))
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert _errors(response) == {"options-1-text": ROW_MESSAGE}
    assert "Please correct the highlighted fields." in page
    assert 'value="Hot, dry skin"' in page and 'value="Think again"' in page and 'value="Feeling cold"' in page
    if row[2]:
        assert f'value="{row[2]}"' in page
    if row[1]:
        assert re.search(r'<input checked id="options-1-is_correct"|<input[^>]*id="options-1-is_correct"[^>]*checked',
                         page)
    assert _nothing_saved()


@pytest.mark.parametrize("texts", [("Same", "Same"), ("Drink  water", " drink WATER ")])
def test_two_answers_that_say_the_same_are_refused(client, u, trainer, texts):
    url = _quiz_url(client, u, trainer)
    response = client.submit(url, _question([(texts[0], True, ""), (texts[1], False, "")]))
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Two answers say the same thing" in page and "Make each answer different." in page
    assert _nothing_saved()


def test_empty_rows_are_still_ignored(client, u, trainer):
    url = _quiz_url(client, u, trainer)
    response = client.submit(url, _question([("Hot, dry skin", True, "Yes"), ("", False, ""),
                                             ("Feeling cold", False, "No")]))
    assert response.status_code == 302
    assert db.session.execute(select(func.count(Option.id))).scalar_one() == 2
