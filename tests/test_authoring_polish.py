"""Small things a course author meets: the lesson preview reads as the stored lesson does (its video words in the
lesson's language, a YouTube start time kept); a quiz without a title is named after its module; the translation
status counts in proper plurals; summaries keep their line breaks; texts without letters need no translation."""

from __future__ import annotations

import re

import pytest
from babel.messages.extract import extract_from_file

from lms import db
from lms.accounts.models import SiteRole
from lms.catalog import course_authoring, quiz_authoring
from lms.catalog import services as catalog
from lms.catalog.markdown import find_video, render_markdown
from lms.catalog.models import CourseStatus, QuestionKind
from lms.catalog.texts import load_texts, needs_translation, set_text, translation_state
from lms.enrollment import services as enrollment
from tests.authoring_support import heat_course
from tests.test_lesson_video_links import PLAYER, ROOT

Opt = quiz_authoring.OptionData
EMBED = "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"
PAGE = "https://www.youtube.com/watch?v=dQw4w9WgXcQ"


@pytest.fixture
def author(make_user):
    return make_user("autora@example.org", name="Ana Autora", role=SiteRole.TRAINER, locale="es")


# ---------------------------------------------------------------- 1. lesson preview and video start times


@pytest.mark.parametrize(("url", "start"), [
    ("https://youtu.be/dQw4w9WgXcQ?t=30", 30),
    ("https://youtu.be/dQw4w9WgXcQ?si=abc&t=45s", 45),
    ("https://www.youtube.com/watch?v=dQw4w9WgXcQ&t=1m30s", 90),
    ("https://www.youtube.com/watch?v=dQw4w9WgXcQ&t=90s", 90),
    ("https://www.youtube.com/watch?t=90&v=dQw4w9WgXcQ", 90),
    ("https://m.youtube.com/watch?v=dQw4w9WgXcQ&t=1h2m3s", 3723),
    ("https://www.youtube.com/watch?v=dQw4w9WgXcQ&start=12", 12),
])
def test_a_youtube_start_time_is_kept_in_the_player_and_the_link(url, start):
    video = find_video(url)
    assert (video.embed_url, video.page_url) == (f"{EMBED}?start={start}", f"{PAGE}&t={start}s")
    player = PLAYER.search(render_markdown(url, "en"))
    assert player["src"] == f"{EMBED}?start={start}" and player["href"] == f"{PAGE}&amp;t={start}s"


@pytest.mark.parametrize("url", [
    "https://youtu.be/dQw4w9WgXcQ", "https://youtu.be/dQw4w9WgXcQ?t=0", "https://youtu.be/dQw4w9WgXcQ?t=soon",
    "https://youtu.be/dQw4w9WgXcQ?t=", "https://www.youtube.com/watch?v=dQw4w9WgXcQ&t=-5",
])
def test_no_or_an_odd_start_time_plays_from_the_beginning(url):
    video = find_video(url)
    assert (video.embed_url, video.page_url) == (EMBED, PAGE)


def test_vimeo_links_are_unchanged():
    video = find_video("https://vimeo.com/123456789?t=30")
    assert (video.embed_url, video.page_url) == ("https://player.vimeo.com/video/123456789?dnt=1",
                                                  "https://vimeo.com/123456789")


def test_the_preview_of_an_english_lesson_by_a_spanish_speaking_author_reads_as_trainees_will_see_it(
        client, u, author, login):
    heat_course(author)
    db.session.commit()
    login(author)
    body = "Watch:\n\nhttps://youtu.be/dQw4w9WgXcQ?t=30"
    page = client.submit(u("lms.authoring.new_lesson", course_slug="heat", module_slug="signs"),
                         {"slug": "cramps", "title": "Cramps", "body": body, "estimated_minutes": "5",
                          "preview": "y"}).get_data(as_text=True)
    preview = re.search(r'<article class="lesson-body" lang="en">(.*?)</article>', page, re.S)
    assert preview, page
    assert preview[1] == render_markdown(body, "en")  # exactly what is stored for trainees
    player = PLAYER.search(preview[1])
    assert (player["title"], player["text"]) == ("Video on YouTube", "Open the video on YouTube")
    assert (player["src"], player["href"]) == (f"{EMBED}?start=30", f"{PAGE}&amp;t=30s")


# ---------------------------------------------------------------- 2. a quiz without a title


@pytest.fixture
def untitled(author, make_user):
    """The heat course, published, its quiz untitled, one question; Rosa (Spanish) and Tom (English) enrolled."""
    course, module, _lesson, quiz = heat_course(author)
    quiz_authoring.ensure_quiz(course, module, title="", pass_mark=80, max_attempts=None, actor=author)
    quiz_authoring.save_question(course, quiz, None, slug="q1", kind=QuestionKind.TRUE_FALSE, prompt="Heat is risky.",
                                 options=[Opt("t", "True", True), Opt("f", "False")], actor=author)
    course_authoring.set_course_status(course, CourseStatus.PUBLISHED, author)
    db.session.commit()
    rosa, tom = make_user("rosa@example.org", locale="es"), make_user("tom@example.org", locale="en")
    for person in (rosa, tom):
        enrollment.enroll(person, course)
    db.session.commit()
    return course, quiz, rosa, tom


def test_an_untitled_quiz_is_named_after_its_module_for_trainees(client_as, u, untitled):
    _course, _quiz, rosa, tom = untitled
    english = client_as(tom).get(u("lms.courses.course", course_slug="heat")).get_data(as_text=True)
    assert "Quiz for “Warning signs”</a>" in english and ">Quiz</a>" not in english
    spanish = client_as(rosa).get(u("lms.courses.course", course_slug="heat")).get_data(as_text=True)
    assert 'Cuestionario de “<span lang="en">Warning signs</span>”</a>' in spanish  # the English title marked
    quiz_page = client_as(tom).get(u("lms.courses.quiz", course_slug="heat", module_slug="signs"))
    assert "<h1>Quiz for “Warning signs”</h1>" in quiz_page.get_data(as_text=True)


def test_an_untitled_quiz_is_named_after_its_module_for_authors(client, u, login, make_user, untitled):
    author = make_user("en-author@example.org", role=SiteRole.TRAINER, locale="en")
    login(author)
    preview = client.get(u("lms.authoring.preview_quiz", course_slug="heat", module_slug="signs")).get_data(as_text=True)
    assert "Quiz for “Warning signs”</h1>" in preview
    assert client.submit(u("lms.authoring.remove_quiz", course_slug="heat", module_slug="signs")).status_code == 302
    course_page = client.get(u("lms.authoring.course", course_slug="heat")).get_data(as_text=True)
    assert '<span lang="en">Quiz for “Warning signs”</span>' in course_page


def test_the_audit_log_names_an_untitled_quiz_after_its_module(client, u, login, make_user, untitled):
    _course, quiz, _rosa, _tom = untitled
    login(make_user("admin@example.org", role=SiteRole.ADMIN, locale="en"))
    page = client.get(u("lms.admin.audit_log")).get_data(as_text=True)
    assert "Quiz for “Warning signs”" in page and f"Quiz #{quiz.id}" not in page


# ---------------------------------------------------------------- 3. plurals on the translation status


def test_done_counts_are_a_plural_message():
    found = [message for _line, message, _comments, _context in extract_from_file(
        "jinja2", str(ROOT / "templates/lms/authoring/status.html"),
        options={"extensions": "jinja2.ext.i18n", "trimmed": "true"})]
    assert ("%(done)s of %(total)s done", "%(done)s of %(total)s done") in found


def test_the_status_page_counts_with_the_plural_message(client, u, login, author):
    heat_course(author)
    db.session.commit()
    login(author)
    page = client.get(u("lms.authoring.translations", course_slug="heat")).get_data(as_text=True)
    assert re.search(r"0 de 1 listo\b|0 of 1 done", page), page  # the course title; its summary is empty


# ---------------------------------------------------------------- 4. summaries keep their line breaks


def test_summaries_keep_their_line_breaks_and_no_html(client_as, u, author, make_user):
    summary = "Learn to:\n- spot heat stroke\n- cool a person <b>fast</b>"
    course, _module, _lesson, quiz = heat_course(author, summary=summary, module_summary="First\nSecond")
    quiz_authoring.save_question(course, quiz, None, slug="q1", kind=QuestionKind.TRUE_FALSE, prompt="Heat is risky.",
                                 options=[Opt("t", "True", True), Opt("f", "False")], actor=author)
    course_authoring.set_course_status(course, CourseStatus.PUBLISHED, author)
    db.session.commit()
    tom = make_user("tom@example.org", locale="en")
    enrollment.enroll(tom, course)
    db.session.commit()
    shown = "Learn to:<br>\n- spot heat stroke<br>\n- cool a person &lt;b&gt;fast&lt;/b&gt;"
    trainee = client_as(tom)
    course_page = trainee.get(u("lms.courses.course", course_slug="heat")).get_data(as_text=True)
    assert f'<p class="lead">{shown}</p>' in course_page and "<p>First<br>\nSecond</p>" in course_page
    assert "<b>fast" not in course_page
    assert f"<p>{shown}</p>" in trainee.get(u("lms.courses.catalog")).get_data(as_text=True)
    preview = client_as(author).get(u("lms.authoring.preview", course_slug="heat")).get_data(as_text=True)
    assert f">{shown}</p>" in preview


# ---------------------------------------------------------------- 5. texts without letters need no translation


@pytest.mark.parametrize(("value", "needed"), [
    ("10", False), ("5.2%", False), ("120/80", False), ("≥ 140 / 90", False), ("$20", False), ("-", False),
    ("120/80 mmHg", True), ("10 años", True), ("Sí", True), ("血压", True),
])
def test_only_texts_with_letters_need_translation(value, needed):
    assert needs_translation(value) is needed


def _numbers_quiz(author, *, translate_words: bool = True):
    """Heat course: a question whose answers are "10" and "20" (and "About 30" / "Unos 30" when asked), all else in
    Spanish too, published."""
    course, module, lesson, quiz = heat_course(author)
    options = [Opt("a", "10", True), Opt("b", "20%")] + ([Opt("c", "About 30")] if translate_words else [])
    question = quiz_authoring.save_question(course, quiz, None, slug="q1", kind=QuestionKind.SINGLE,
                                            prompt="How many?", options=options, actor=author)
    for obj, name, value in ((course, "title", "Seguridad"), (module, "title", "Señales"), (lesson, "title", "Golpe"),
                             (lesson, "body", "Llame al 911."), (quiz, "title", "Prueba"),
                             (question, "prompt", "¿Cuántos?")):
        set_text(course, obj, name, "es", value, author)
    for option in catalog.load_questions(quiz)[0][1]:
        if option.slug == "c":
            set_text(course, option, "text", "es", "Unos 30", author)
    course_authoring.set_course_status(course, CourseStatus.PUBLISHED, author)
    db.session.commit()
    return course, quiz


def test_number_answers_count_as_translated_and_show_no_note(client, client_as, u, login, author, make_user):
    course, quiz = _numbers_quiz(author)
    texts = load_texts(course, "es")
    for option in catalog.load_questions(quiz)[0][1]:
        assert translation_state(texts, "option", option.id, "text") == "complete"
    rosa = make_user("rosa@example.org", locale="es")
    enrollment.enroll(rosa, course)
    db.session.commit()
    page = client_as(rosa).get(u("lms.courses.quiz", course_slug="heat", module_slug="signs")).get_data(as_text=True)
    assert "¿Cuántos?" in page and 'class="fallback-note"' not in page and '<span lang="en">' not in page
    login(author)
    status = client.get(u("lms.authoring.translations", course_slug="heat")).get_data(as_text=True)
    assert "falta" not in status and "missing" not in status.split("<table")[1]
    publish = client.get(u("lms.authoring.set_status", course_slug="heat", status="archived")).get_data(as_text=True)
    gaps = re.search(r'<table id="translation-gaps">.*?</table>', publish, re.S)
    assert gaps is None or re.findall(r"<td>(\d+)</td>", gaps[0]) == ["0", "0", "0", "0"]


def test_an_answer_with_letters_still_needs_its_translation(client_as, u, author, make_user):
    course, quiz = _numbers_quiz(author)
    option = next(o for o in catalog.load_questions(quiz)[0][1] if o.slug == "c")
    set_text(course, option, "text", "es", "", author)
    db.session.commit()
    assert translation_state(load_texts(course, "es"), "option", option.id, "text") == "missing"
    rosa = make_user("rosa@example.org", locale="es")
    enrollment.enroll(rosa, course)
    db.session.commit()
    page = client_as(rosa).get(u("lms.courses.quiz", course_slug="heat", module_slug="signs")).get_data(as_text=True)
    assert 'class="fallback-note"' in page and '<span lang="en">About 30</span>' in page


def test_a_stale_number_translation_is_still_flagged(author):
    """A translator who wrote "5,2 %" for "5.2%" made a translation: if the source changes, it is out of date."""
    course, quiz = _numbers_quiz(author)
    option = next(o for o in catalog.load_questions(quiz)[0][1] if o.slug == "b")
    set_text(course, option, "text", "es", "20 %", author)
    set_text(course, option, "text", "en", "25%", author)
    db.session.commit()
    assert translation_state(load_texts(course, "es"), "option", option.id, "text") == "stale"
