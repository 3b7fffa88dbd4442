"""Catalog texts: per-locale storage, fallback to the source language, stale translations, safe Markdown."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from lms import db
from lms.accounts.models import SiteRole
from lms.catalog import course_authoring, lesson_authoring, module_authoring
from lms.catalog.markdown import embed_url, render_markdown
from lms.catalog.texts import load_texts, set_text, translation_state

XSS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "<a href=\"javascript:alert(1)\">x</a>",
    "<iframe src=\"https://evil.example/\"></iframe>",
    "<svg onload=alert(1)>",
    "<p style=\"position:fixed;top:0;left:0;width:100%;height:100%\">cover</p>",
    "<div onclick=\"alert(1)\">x</div>",
    "![x](javascript:alert(1))",
    "<object data=x></object><embed src=x>",
    "<style>body{display:none}</style>",
    "<form action=https://evil.example><input name=p></form>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<a href=\"data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==\">x</a>",
]


class _Elements(HTMLParser):
    """Collects the elements and attributes a browser would actually build from the HTML."""

    def __init__(self) -> None:
        super().__init__()
        self.elements: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))


def active_content(html: str) -> list[str]:
    parser = _Elements()
    parser.feed(html)
    problems = []
    for tag, attrs in parser.elements:
        if tag in {"script", "style", "svg", "math", "object", "embed", "form", "input", "base", "link", "meta"}:
            problems.append(tag)
        for name, value in attrs.items():
            if name.startswith("on") or name == "style":
                problems.append(f"{tag}[{name}]")
            if name in {"href", "src"} and (value or "").strip().lower().startswith(("javascript:", "data:", "vbscript:")):
                problems.append(f"{tag}[{name}={value}]")
        if tag == "iframe" and not attrs.get("src", "").startswith(("https://www.youtube-nocookie.com/", "https://player.vimeo.com/")):
            problems.append("iframe")
    return problems


@pytest.mark.parametrize("payload", XSS)
def test_markdown_never_lets_script_handlers_or_styles_through(payload):
    html = render_markdown(f"Before\n\n{payload}\n\nAfter")
    assert active_content(html) == [], html
    assert "Before" in html and "After" in html


def test_allowed_videos_embed_privacy_enhanced_others_stay_links():
    assert embed_url("https://www.youtube.com/watch?v=dQw4w9WgXcQ") == "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"
    assert embed_url("https://youtu.be/dQw4w9WgXcQ") == "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"
    assert embed_url("https://vimeo.com/123456789") == "https://player.vimeo.com/video/123456789?dnt=1"
    assert embed_url("https://evil.example/watch?v=dQw4w9WgXcQ") is None
    html = render_markdown("https://vimeo.com/123456789\n\n<https://example.org/video>")
    assert '<iframe src="https://player.vimeo.com/video/123456789?dnt=1"' in html
    assert '<a href="https://example.org/video"' in html and html.count("<iframe") == 1


def test_markdown_keeps_ordinary_formatting():
    html = render_markdown("## Steps\n\n1. Listen\n2. **Reflect**\n\n| a | b |\n|---|---|\n| 1 | 2 |")
    assert "<h2>Steps</h2>" in html and "<strong>Reflect</strong>" in html and "<table>" in html


@pytest.fixture
def course(app, make_user):
    trainer = make_user(role=SiteRole.TRAINER)
    course = course_authoring.create_course(course_authoring.CourseData(slug="c", title="Listening",
                                                                        summary="English summary"), trainer)
    module = module_authoring.add_module(course, module_authoring.ModuleData(slug="m", title="Module"), trainer)
    lesson = lesson_authoring.add_lesson(course, module, "l", "Lesson title", "English **body**", 5, trainer)
    db.session.commit()
    return course, module, lesson


def test_fallback_to_source_language_is_flagged(course):
    course, module, lesson = course
    set_text(course, lesson, "title", "es", "Título de la lección")
    db.session.commit()
    texts = load_texts(course, "es")
    assert texts.get(lesson, "title").value == "Título de la lección"
    assert not texts.used_fallback
    body = texts.get(lesson, "body")
    assert body.is_fallback and body.locale == "en" and "<strong>body</strong>" in body.html
    assert texts.used_fallback


def test_translation_goes_stale_when_the_source_changes(course):
    course, module, lesson = course
    texts = load_texts(course, "es")
    assert translation_state(texts, "lesson", lesson.id, "body") == "missing"
    set_text(course, lesson, "body", "es", "Cuerpo en **español**")
    db.session.commit()
    assert translation_state(load_texts(course, "es"), "lesson", lesson.id, "body") == "complete"
    set_text(course, lesson, "body", "en", "English body, revised")
    db.session.commit()
    assert translation_state(load_texts(course, "es"), "lesson", lesson.id, "body") == "stale"
    set_text(course, lesson, "body", "es", "Cuerpo revisado")
    db.session.commit()
    assert translation_state(load_texts(course, "es"), "lesson", lesson.id, "body") == "complete"


def test_saving_the_same_source_text_does_not_make_translations_stale(course):
    course, module, lesson = course
    set_text(course, lesson, "title", "es", "Título")
    set_text(course, lesson, "title", "en", "Lesson title")
    db.session.commit()
    assert translation_state(load_texts(course, "es"), "lesson", lesson.id, "title") == "complete"


def test_texts_of_a_course_load_in_one_query(course, count_queries):
    course, module, lesson = course
    course.source_locale, module.id, lesson.id  # loaded before counting: only the texts are measured
    with count_queries() as counter:
        texts = load_texts(course, "es")
        texts(lesson), texts(module), texts(course, "summary")
    assert counter.count == 1


def test_course_status_transitions_are_guarded(course, make_user):
    from lms.catalog.models import CourseStatus
    from lms.errors import DomainError

    course, module, lesson = course
    trainer = make_user(role=SiteRole.TRAINER)
    course_authoring.set_course_status(course, CourseStatus.PUBLISHED, trainer)
    course_authoring.set_course_status(course, CourseStatus.ARCHIVED, trainer)
    empty = course_authoring.create_course(course_authoring.CourseData(slug="empty", title="Empty"), trainer)
    with pytest.raises(DomainError, match="at least one module"):
        course_authoring.set_course_status(empty, CourseStatus.PUBLISHED, trainer)
