"""Lesson Markdown to safe HTML: markdown-it-py (CommonMark + tables, raw HTML off), headings kept below the page's
own h1, video embeds from an allowlist (each with a plain link to the video's page), then nh3 against an allowlist,
so nothing an author types or imports can run script or break the page."""

from __future__ import annotations

import re
import unicodedata
from contextlib import nullcontext
from dataclasses import dataclass
from html import escape
from itertools import pairwise
from urllib.parse import parse_qs, urlsplit

import nh3
from babel import Locale, UnknownLocaleError
from flask_babel import force_locale
from markdown_it import MarkdownIt
from markdown_it.token import Token

from lms.i18n import _

TAGS = {
    "a",
    "abbr",
    "b",
    "blockquote",
    "br",
    "code",
    "dd",
    "del",
    "div",
    "dl",
    "dt",
    "em",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "i",
    "iframe",
    "img",
    "li",
    "ol",
    "p",
    "pre",
    "s",
    "strong",
    "sub",
    "sup",
    "table",
    "tbody",
    "td",
    "th",
    "thead",
    "tr",
    "ul",
}
ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title"},
    "iframe": {"src", "title", "allow", "allowfullscreen", "loading", "referrerpolicy"},
    "div": {"class"},
    "ol": {"start"},
}
URL_SCHEMES = {"http", "https", "mailto", "tel"}
EMBED_PREFIXES = ("https://www.youtube-nocookie.com/embed/", "https://player.vimeo.com/video/")
_YOUTUBE = ("YouTube", "https://www.youtube-nocookie.com/embed/{}", "https://www.youtube.com/watch?v={}")
_VIMEO = ("Vimeo", "https://player.vimeo.com/video/{}?dnt=1", "https://vimeo.com/{}")
#: Video links that are embedded: (pattern with the video id as group 1, (site, embed URL, page URL)).
VIDEO_PATTERNS = [
    (re.compile(r"^https?://(?:www\.|m\.)?youtube\.com/watch\?(?:.*&)?v=([\w-]{6,20})(?:&\S*)?$"), _YOUTUBE),
    (re.compile(r"^https?://youtu\.be/([\w-]{6,20})(?:\?\S*)?$"), _YOUTUBE),
    (re.compile(r"^https?://(?:www\.)?youtube(?:-nocookie)?\.com/embed/([\w-]{6,20})$"), _YOUTUBE),
    (re.compile(r"^https?://(?:www\.|player\.)?vimeo\.com/(?:video/)?(\d{4,12})(?:\?\S*)?$"), _VIMEO),
]
#: A YouTube start time as links write it: ``90``, ``90s``, ``1m30s``, ``1h2m3s``.
_START = re.compile(r"^(?:(\d{1,5})h)?(?:(\d{1,5})m)?(?:(\d{1,6})s?)?$")


@dataclass(frozen=True)
class Video:
    site: str
    embed_url: str
    page_url: str


def _shift_headings(state) -> None:
    """A lesson's page has its own h1, the lesson's title. So a body that uses level-one headings (``#``, or a line
    underlined with ``===``) has every heading moved one level down: ``#`` → h2, ``##`` → h3, … ``#####`` and
    ``######`` → h6. A body whose top level is ``##``, as course files write them, keeps its levels. (A markdown-it
    core rule: markdown-it-py has no option for this.)"""
    headings = [token for token in state.tokens if token.type in ("heading_open", "heading_close")]
    if any(token.tag == "h1" for token in headings):
        for token in headings:
            token.tag = f"h{min(int(token.tag[1]) + 1, 6)}"


def _name_empty_links(state) -> None:
    """A link with no words (``[](https://example.org)``, or only an image without a description) would be an
    empty link to a screen reader (axe: link-name): it shows its address as its words instead. One with no address
    either (``[]()``) is dropped."""
    for inline in (token for token in state.tokens if token.type == "inline" and token.children):
        children, index = inline.children, 0
        while index < len(children):
            if children[index].type == "link_open":
                end = next(n for n in range(index + 1, len(children)) if children[n].type == "link_close")
                if not any(_names(child) for child in children[index + 1:end]):
                    href = str(children[index].attrs.get("href") or "")
                    if href:
                        children.insert(end, Token("text", "", 0, content=href))
                    else:
                        del children[end], children[index]
                        continue
            index += 1


def _names(token: Token) -> bool:
    """Whether ``token`` gives a link words a screen reader reads: text, code or an image's description, with
    something visible in it (not only spaces or invisible characters such as a zero-width space or soft hyphen)."""
    return token.type in ("text", "code_inline", "image") and any(
        unicodedata.category(char)[0] not in "CZ" for char in token.content)


_md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable("table")
_md.core.ruler.push("shift_headings", _shift_headings)
_md.core.ruler.push("name_empty_links", _name_empty_links)


def images_without_description(source: str) -> list[str]:
    """The address of each image in a lesson body written without a description (``![](https://…)``, alt text),
    in order: the authoring form warns about them (an image a screen reader cannot describe), without refusing the
    text, as imported lessons may have them too."""
    found = []
    for token in _md.parse(source or ""):
        for child in token.children or ():
            if child.type == "image" and not child.content.strip():
                found.append(str(child.attrs.get("src") or ""))
    return found


def find_video(url: str) -> Video | None:
    """The allowed video a link points at (its site, privacy-enhanced embed URL and page URL, both from the start
    time a YouTube link gives), else None."""
    for pattern, (site, embed, page) in VIDEO_PATTERNS:
        match = pattern.match(url.strip())
        if match:
            video = Video(site, embed.format(match.group(1)), page.format(match.group(1)))
            start = _youtube_start(url) if site == "YouTube" else 0
            if start:  # the player starts there too, and so does the video's page the link opens
                return Video(site, f"{video.embed_url}?start={start}", f"{video.page_url}&t={start}s")
            return video
    return None


def _youtube_start(url: str) -> int:
    """The start time in seconds of a YouTube link (``t=`` or ``start=``: ``30``, ``90s``, ``1m30s``), else 0."""
    query = parse_qs(urlsplit(url.strip()).query)
    match = _START.match((query.get("t") or query.get("start") or [""])[0].strip().lower())
    if not match:
        return 0
    hours, minutes, seconds = (int(part or 0) for part in match.groups())
    return hours * 3600 + minutes * 60 + seconds


def embed_url(url: str) -> str | None:
    """The privacy-enhanced embed URL for an allowed video link, else None."""
    video = find_video(url)
    return video.embed_url if video else None


def _video_html(video: Video) -> str:
    """The player, lazy-loaded and named for screen readers, then a plain link to the video's page: without
    JavaScript, with embeds blocked or on a slow connection the player is an empty box, and the link still works."""
    # i18n: the name screen readers give an embedded video player; %(site)s is YouTube or Vimeo
    title = _("Video on %(site)s", site=video.site)
    # i18n: a link under an embedded video; %(site)s is YouTube or Vimeo
    link = _("Open the video on %(site)s", site=video.site)
    return (
        f'<div class="video"><iframe src="{escape(video.embed_url)}" title="{escape(title)}" loading="lazy" '
        'allow="fullscreen; picture-in-picture" allowfullscreen referrerpolicy="strict-origin"></iframe></div>\n'
        f'<p><a href="{escape(video.page_url)}">{escape(link)}</a></p>\n'
    )


def _embed_videos(tokens) -> None:
    """A paragraph that is only an allowed video URL becomes an embedded player followed by a link to the video."""
    for index in range(1, len(tokens) - 1):
        token = tokens[index]
        if token.type != "inline" or tokens[index - 1].type != "paragraph_open":
            continue
        video = find_video(token.content) if "\n" not in token.content else None
        if video:
            tokens[index - 1].type = "html_block"
            tokens[index - 1].content = _video_html(video)
            token.type = "text"
            token.content = ""
            token.children = []
            tokens[index + 1].type = "text"
            tokens[index + 1].content = ""


def list_videos(source: str) -> list[str]:
    """The page URL of each video a lesson body embeds (a paragraph that is only an allowed video link), in order:
    what the audit log keeps of a lesson's videos, so that a changed video reads as one."""
    tokens = _md.parse(source or "")
    found = (find_video(token.content) for previous, token in pairwise(tokens)
             if token.type == "inline" and previous.type == "paragraph_open" and "\n" not in token.content)
    return [video.page_url for video in found if video is not None]


def _attribute_filter(tag: str, attribute: str, value: str) -> str | None:
    if tag == "iframe" and attribute == "src":
        return value if value.startswith(EMBED_PREFIXES) else None
    if tag == "div" and attribute == "class":
        return value if value == "video" else None
    return value


def sanitize(html: str) -> str:
    return nh3.clean(
        html,
        tags=TAGS,
        attributes=ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        attribute_filter=_attribute_filter,
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )


def _babel_locale(code: str) -> Locale:
    """``code`` (``es``, ``zh-Hant``) as a Babel locale; English, the language of our messages, for a language
    Babel does not know (``hmn``), as for one it knows but we have no catalog for."""
    try:
        return Locale.parse(code.replace("-", "_"))
    except (ValueError, UnknownLocaleError):
        return Locale("en")


def render_markdown(source: str, locale: str | None = None) -> str:
    """Safe HTML for a lesson body. The few words we add (the link under a video) are in ``locale``, the language
    the body is written in, because the HTML is stored with the text; a preview passes it too, so it reads as the
    stored lesson will (without ``locale``: this request's language)."""
    with force_locale(_babel_locale(locale)) if locale else nullcontext():
        tokens = _md.parse(source or "")
        _embed_videos(tokens)
    return sanitize(_md.renderer.render(tokens, _md.options, {}))
