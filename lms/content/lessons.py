"""Validating a module's lesson files: ``NN-slug.locale.md`` with front matter (``title``, ``minutes``) and a body."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from lms.catalog.slugs import RESERVED_LESSON_SLUGS
from lms.content.fields import Fields, is_locale, is_slug, too_long
from lms.content.limits import SLUG_MAX, text_max
from lms.content.loader import Problems, load_markdown_file
from lms.content.specs import LessonSpec

LESSON_NAME = re.compile(r"^(\d{1,3})-([^.]+)\.([^.]+)\.md$")
LESSON_KEYS = ("title", "minutes")
MAX_MINUTES = 600  # the catalog's own limit for a lesson's estimated minutes

Files = dict[str, dict[str, tuple[Path, int]]]  # lesson slug → locale → (path, position)


def is_lesson_name(name: str) -> bool:
    return name.endswith(".md") and name[:1].isdigit()


def validate_lessons(paths: list[Path], source: str | None, problems: Problems,
                     tick: Callable[[], None]) -> list[LessonSpec]:
    """The module's lessons in position order; every problem in their names and files is added to ``problems``."""
    lessons = []
    for slug, files in _group(paths, problems, tick).items():
        lesson = _lesson(slug, files, source, problems, tick)
        if lesson is not None:
            lessons.append(lesson)
    return sorted(lessons, key=lambda lesson: lesson.position)


def _group(paths: list[Path], problems: Problems, tick: Callable[[], None]) -> Files:
    groups: Files = {}
    positions: dict[int, tuple[str, Path]] = {}
    for path in sorted(paths):
        match = LESSON_NAME.match(path.name)
        if match and len(match[2]) > SLUG_MAX["lesson"]:
            problems.add(path, 1, too_long("the lesson slug in the file name", match[2], SLUG_MAX["lesson"]))
            tick()
            continue
        if not match or not is_slug(match[2]) or not is_locale(match[3]):
            problems.add(path, 1, "a lesson file is named NN-slug.locale.md, e.g. 01-active-listening.es.md "
                                  "(slug: lowercase letters, digits and hyphens)")
            tick()
            continue
        if match[2] in RESERVED_LESSON_SLUGS:
            problems.add(path, 1, f"the lesson slug {match[2]!r} is reserved for the module's quiz page; rename the file")
            tick()
            continue
        position, slug, locale = int(match[1]), match[2], match[3]
        files = groups.setdefault(slug, {})
        first = next(iter(files.values()), None)
        other = positions.setdefault(position, (slug, path))
        if first is not None and first[1] != position:
            problems.add(path, 1, f"lesson {slug!r} is number {first[1]:02d} in {first[0].name}: "
                                  "use the same number in every language")
        elif other[0] != slug:
            problems.add(path, 1, f"number {match[1]} is also used by lesson {other[0]!r} ({other[1].name})")
        elif locale in files:
            problems.add(path, 1, f"the same lesson and language as {files[locale][0].name}")
        else:
            files[locale] = (path, position)
            continue
        tick()
    return groups


def _lesson(slug: str, files: dict[str, tuple[Path, int]], source: str | None, problems: Problems,
            tick: Callable[[], None]) -> LessonSpec | None:
    if source is not None and source not in files:
        for path, position in files.values():
            problems.add(path, 1, f"lesson {slug!r} has no file in {source}, the source language "
                                  f"(expected {position:02d}-{slug}.{source}.md)")
            tick()
        return None
    before = len(problems)
    texts: dict[str, dict[str, str]] = {"title": {}, "body": {}}
    minutes: int | None = None
    for locale in sorted(files, key=lambda loc: loc != source):  # the source first: translations are checked against it
        path, _position = files[locale]
        parsed = load_markdown_file(path, problems)
        tick()
        if parsed is None:
            continue
        fields = Fields(parsed.meta, path, problems, "the front matter")
        is_source = locale == source
        # A translation may leave out the title (the source title shows), but a title written must not be empty.
        fields.check_keys(LESSON_KEYS, required=("title", "minutes") if is_source else ())
        title = fields.text("title", required=True, max_length=text_max("lesson", "title"))
        given = fields.integer("minutes", low=1, high=MAX_MINUTES)  # checked everywhere, used from the source only
        if is_source:
            minutes = given
            if not parsed.body:
                problems.add(path, parsed.body_line, "the lesson has no text after the front matter")
        if len(parsed.body) > text_max("lesson", "body"):
            problems.add(path, parsed.body_line, too_long("the lesson text", parsed.body, text_max("lesson", "body")))
        if title:
            texts["title"][locale] = title
        if parsed.body:
            texts["body"][locale] = parsed.body
    if len(problems) > before or source is None or minutes is None:
        return None
    path, position = files[source]
    return LessonSpec(path=path, slug=slug, position=position, minutes=minutes, texts=texts)
