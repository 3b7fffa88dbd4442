"""A video in a lesson is an embedded player *and* a plain link to the video's page: without JavaScript, with
embeds blocked or on a slow data plan the player is an empty box, and the trainee can still open the video."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pytest
from babel.support import Translations

from lms.accounts.models import SiteRole
from lms.catalog import services as catalog
from lms.catalog.markdown import render_markdown, sanitize
from lms.catalog.texts import load_texts

ROOT = Path(__file__).resolve().parents[1]
PLAYER = re.compile(
    r'<div class="video"><iframe src="(?P<src>[^"]+)" title="(?P<title>[^"]+)" loading="lazy"[^>]*>'
    r'</iframe></div>\n<p><a href="(?P<href>[^"]+)" rel="noopener noreferrer nofollow">(?P<text>[^<]+)</a></p>'
)


@cache
def _catalog(locale: str) -> Translations:
    return Translations.load(str(ROOT / "translations"), [locale], domain="lms")


def _words(locale: str, message: str, site: str) -> str:
    """``message`` as the ``locale`` catalog has it today (the English text until it is translated)."""
    return _catalog(locale).gettext(message) % {"site": site}


@pytest.mark.parametrize(
    ("url", "src", "href", "site"),
    [
        (
            "https://www.youtube.com/watch?v=dQw4w9WgXcQ&t=30s",
            "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ?start=30",
            "https://www.youtube.com/watch?v=dQw4w9WgXcQ&amp;t=30s",
            "YouTube",
        ),
        (
            "https://youtu.be/dQw4w9WgXcQ",
            "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ",
            "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
            "YouTube",
        ),
        (
            "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ",
            "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ",
            "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
            "YouTube",
        ),
        ("https://vimeo.com/123456789", "https://player.vimeo.com/video/123456789?dnt=1", "https://vimeo.com/123456789", "Vimeo"),
    ],
)
def test_player_is_lazy_named_and_followed_by_a_link_that_survives_the_sanitiser(url, src, href, site):
    html = render_markdown(f"Watch this:\n\n{url}\n\nThen answer.")
    player = PLAYER.search(html)
    assert player, html
    assert (player["src"], player["href"]) == (src.replace("&", "&amp;"), href)
    assert (player["title"], player["text"]) == (f"Video on {site}", f"Open the video on {site}")
    assert html.startswith("<p>Watch this:</p>\n") and html.endswith("<p>Then answer.</p>\n")
    assert sanitize(html) == html  # what is stored is already what the sanitiser lets through


def test_only_a_video_alone_on_its_line_gets_a_player_and_a_link():
    html = render_markdown("See https://youtu.be/dQw4w9WgXcQ here\n\nhttps://example.org/video.mp4")
    assert "<iframe" not in html and "Open the video" not in html


@pytest.mark.parametrize("locale", ["hmn", "zh-Hant", "zh_Hant", "xx", ""])
def test_a_language_babel_does_not_know_still_renders(app, locale):
    assert PLAYER.search(render_markdown("https://youtu.be/dQw4w9WgXcQ", locale))


# ---------------------------------------------------------------- through the authoring pages


@pytest.fixture
def lesson(client, u, make_user, login):
    """A Spanish-speaking trainer writes an English lesson with a video, through the forms."""
    login(make_user("trainer@example.org", role=SiteRole.TRAINER, locale="es"))
    assert (
        client.submit(
            u("lms.authoring.new_course"),
            {"slug": "heat", "title": "Heat safety", "summary": "", "version": "1", "kind": "continuing", "source_locale": "en"},
        ).status_code
        == 302
    )
    assert (
        client.submit(
            u("lms.authoring.new_module", course_slug="heat"),
            {"slug": "signs", "title": "Signs", "summary": "", "kind": "self_paced", "credited_minutes": "45"},
        ).status_code
        == 302
    )
    assert (
        client.submit(
            u("lms.authoring.new_lesson", course_slug="heat", module_slug="signs"),
            {
                "slug": "stroke",
                "title": "Heat stroke",
                "body": "Watch:\n\nhttps://youtu.be/dQw4w9WgXcQ",
                "estimated_minutes": "12",
                "save": "y",
            },
        ).status_code
        == 302
    )
    course = catalog.get_course("heat")
    return course, catalog.get_lesson(catalog.get_module(course, "signs"), "stroke")


def test_stored_lesson_and_its_preview_have_the_link(client, u, lesson):
    course, item = lesson
    stored = load_texts(course, "en").get(item, "body").html
    player = PLAYER.search(stored)
    assert player and player["href"] == "https://www.youtube.com/watch?v=dQw4w9WgXcQ"
    page = client.get(u("lms.authoring.preview_lesson", course_slug="heat", module_slug="signs", lesson_slug="stroke"))
    assert page.status_code == 200 and stored in page.get_data(as_text=True)


def test_the_link_is_in_the_language_of_the_text_not_of_the_author(client, u, lesson):
    """The HTML is stored with each language's text, so its words follow that text: the English body gets English
    words from a Spanish-speaking author, the Spanish translation gets the Spanish catalog's words."""
    course, item = lesson
    key = f"t-lesson-{item.id}"
    client.submit(
        u("lms.authoring.translate_lesson", course_slug="heat", locale="es", module_slug="signs", lesson_slug="stroke"),
        {f"{key}-title": "Golpe de calor", f"{key}-body": "Mire:\n\nhttps://youtu.be/dQw4w9WgXcQ"},
    )
    english = PLAYER.search(load_texts(course, "en").get(item, "body").html)
    spanish = PLAYER.search(load_texts(course, "es").get(item, "body").html)
    assert english["text"] == "Open the video on YouTube" and english["title"] == "Video on YouTube"
    assert spanish["text"] == _words("es", "Open the video on %(site)s", "YouTube")
    assert spanish["title"] == _words("es", "Video on %(site)s", "YouTube")


def test_lessons_stored_before_the_link_get_it_from_rerender_lessons(app, lesson):
    """Lessons saved by an older renderer keep their HTML until their text changes; the command renders them again."""
    from sqlalchemy import select

    from lms import db
    from lms.catalog.models import Text

    course, item = lesson
    row = db.session.execute(select(Text).where(Text.owner_type == "lesson", Text.owner_id == item.id,
                                                Text.field == "body")).scalar_one()
    current, value = row.html, row.value
    row.html = "<p>Watch:</p>\n<p>an older rendering, without the link</p>"
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["lms", "rerender-lessons"])
    assert result.exit_code == 0 and "rendered differently now" in result.output
    db.session.expire_all()
    row = db.session.get(Text, row.id)
    assert row.html == current and row.value == value and PLAYER.search(row.html)
    again = app.test_cli_runner().invoke(args=["lms", "rerender-lessons"])
    assert ", 0 rendered differently now." in again.output
