"""Lesson Markdown to safe HTML: markdown-it-py (CommonMark + tables, raw HTML off), video embeds from an allowlist,
then nh3 against an allowlist, so nothing an author types or imports can run script or break the page."""

from __future__ import annotations

import re
from html import escape

import nh3
from markdown_it import MarkdownIt

TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "div", "dl", "dt", "em", "h2", "h3", "h4", "h5", "h6",
    "hr", "i", "iframe", "img", "li", "ol", "p", "pre", "s", "strong", "sub", "sup", "table", "tbody", "td", "th",
    "thead", "tr", "ul",
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
VIDEO_PATTERNS = [
    (re.compile(r"^https?://(?:www\.|m\.)?youtube\.com/watch\?(?:.*&)?v=([\w-]{6,20})(?:&\S*)?$"),
     "https://www.youtube-nocookie.com/embed/{}"),
    (re.compile(r"^https?://youtu\.be/([\w-]{6,20})(?:\?\S*)?$"), "https://www.youtube-nocookie.com/embed/{}"),
    (re.compile(r"^https?://(?:www\.)?youtube(?:-nocookie)?\.com/embed/([\w-]{6,20})$"),
     "https://www.youtube-nocookie.com/embed/{}"),
    (re.compile(r"^https?://(?:www\.|player\.)?vimeo\.com/(?:video/)?(\d{4,12})(?:\?\S*)?$"),
     "https://player.vimeo.com/video/{}?dnt=1"),
]

_md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable("table")


def embed_url(url: str) -> str | None:
    """The privacy-enhanced embed URL for an allowed video link, else None."""
    for pattern, template in VIDEO_PATTERNS:
        match = pattern.match(url.strip())
        if match:
            return template.format(match.group(1))
    return None


def _embed_videos(tokens) -> None:
    """A paragraph that is only an allowed video URL becomes an embedded player."""
    for index in range(1, len(tokens) - 1):
        token = tokens[index]
        if token.type != "inline" or tokens[index - 1].type != "paragraph_open":
            continue
        url = embed_url(token.content) if "\n" not in token.content else None
        if url:
            html = (
                f'<div class="video"><iframe src="{escape(url)}" title="Video" loading="lazy" '
                'allow="fullscreen; picture-in-picture" allowfullscreen referrerpolicy="strict-origin"></iframe></div>'
            )
            tokens[index - 1].type = "html_block"
            tokens[index - 1].content = html
            token.type = "text"
            token.content = ""
            token.children = []
            tokens[index + 1].type = "text"
            tokens[index + 1].content = ""


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


def render_markdown(source: str) -> str:
    """Safe HTML for a lesson body."""
    tokens = _md.parse(source or "")
    _embed_videos(tokens)
    return sanitize(_md.renderer.render(tokens, _md.options, {}))
