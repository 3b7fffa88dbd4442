"""Small helpers shared by the authoring views: loading by URL, the acting user, locales and move directions."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import abort, flash, request

from lms.catalog import services as catalog
from lms.catalog.models import Course, Lesson, Module
from lms.catalog.texts import Texts, load_texts, owner_key
from lms.i18n import _, current_locale, supported_locales
from lms.i18n import in_language as reading_in
from lms.security import current_user

DIRECTIONS = {"up": -1, "down": 1}


def actor() -> Any:
    return current_user._get_current_object()


def load_module(course_slug: str, module_slug: str) -> tuple[Course, Module]:
    course = catalog.get_course(course_slug)
    return course, catalog.get_module(course, module_slug)


def load_lesson(course_slug: str, module_slug: str, lesson_slug: str) -> tuple[Course, Module, Lesson]:
    course, module = load_module(course_slug, module_slug)
    return course, module, catalog.get_lesson(module, lesson_slug)


def source_texts(course: Course, *objects: Any) -> Texts:
    """The source-language texts of just these objects (what the authoring forms edit), in one query."""
    return load_texts(course, course.source_locale, owners=[owner_key(obj) for obj in objects])


def target_locales(course: Course) -> list[str]:
    """The languages a course can be translated into: every site language except its source."""
    return [locale for locale in supported_locales() if locale != course.source_locale]


def check_target_locale(course: Course, locale: str) -> None:
    if locale not in target_locales(course):
        abort(404)


def preview_locale(course: Course) -> str:
    """The ``?preview_locale=`` asked for, if the site offers it; else the viewer's own language when the course is
    translated into it (it has a title in it: :func:`lms.catalog.services.list_course_locales`), as a trainee reading
    that language would see it; else the course's source language."""
    asked = request.args.get("preview_locale", "")
    if asked in supported_locales():
        return asked
    own = current_locale()
    if own != course.source_locale and own in catalog.list_course_locales([course])[course.id]:
        return own
    return course.source_locale


def in_language(language: str, caller: Callable[[], str]) -> str:
    """For ``{% call in_language(code) %}...{% endcall %}`` in a template: the block as a reader of ``language``
    sees it (words, plurals, numbers, dates and language names, with that language's regional formats), while the
    rest of the page stays in the viewer's language. Jinja passes the block as ``caller``; Flask-Babel's
    ``force_locale`` switches the catalog for the block only and restores the viewer's afterwards."""
    with reading_in(language):
        return caller()


def direction() -> int | None:
    return DIRECTIONS.get(request.form.get("direction", ""))


def tell_unmoved(step: int) -> None:
    """Say why a move changed nothing: the item was already at that end (the pages offer no button there, but an old
    page or another tab may still send one)."""
    # i18n: after "Up" on the first module, lesson or question of its list; nothing changed
    flash(_("Already first: nothing moved.") if step < 0 else _("Already last: nothing moved."), "info")
