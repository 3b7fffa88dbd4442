"""Module titles tell modules apart: messages, pages and the Remove page name a module by its title, so no two
modules of a course (not removed) may share one, in the source language (:func:`check_title_free`) or in a
translation (the translation editor checks with :func:`list_other_module_ids`). Courses made before this rule may
still have two alike: :func:`quoted_titles` then adds each one's short name."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from sqlalchemy import select

from lms import db
from lms.catalog.models import Course, Module
from lms.catalog.texts import load_texts, owner_key
from lms.errors import DomainError
from lms.i18n import _


def same_title(title: str) -> str:
    """A title as compared for sameness: case and runs of spaces ignored."""
    return " ".join(title.split()).casefold()


def list_other_module_ids(module: Module) -> list[int]:
    """The other modules of ``module``'s course, not removed."""
    return list(db.session.execute(select(Module.id).where(
        Module.course_id == module.course_id, Module.is_archived.is_(False), Module.id != module.id)).scalars())


def quoted_titles(course: Course, modules: Sequence[Module]) -> str:
    """“Title”, “Title” of ``modules`` in the course's source language (the slug where a title is missing), each
    with its short name when another module of the course has the same title (made before titles had to differ:
    :func:`lms.catalog.module_authoring.check_title_free`), so the message says which."""
    live = list(db.session.execute(select(Module).where(
        Module.course_id == course.id, Module.is_archived.is_(False))).scalars())
    texts = load_texts(course, course.source_locale, owners=[owner_key(m) for m in [*live, *modules]],
                       fields=("title",))
    shared = Counter(same_title(texts(m)) for m in live)
    names = []
    for module in modules:
        title = texts(module) or module.slug
        if shared[same_title(title)] > 1:
            # i18n: a module named in a message, beside another module of the same title
            names.append(_("“%(title)s” (short name %(slug)s)", title=title, slug=module.slug))
        else:
            names.append(f"“{title}”")
    return ", ".join(names)


def check_title_free(course: Course, module: Module, title: str) -> None:
    """Refuse a module title another (not removed) module of ``course`` has in its source language: messages and
    pages name modules by title, and two alike could not be told apart. Two queries."""
    wanted = same_title(title)
    with db.session.no_autoflush:  # a module being added stays unsaved (no id): the checks after it tell it is new
        others = list(db.session.execute(select(Module).where(
            Module.course_id == course.id, Module.is_archived.is_(False), Module.id != (module.id or 0))).scalars())
        texts = load_texts(course, course.source_locale, owners=[owner_key(m) for m in others], fields=("title",))
    taken = next((m for m in others if same_title(texts(m)) == wanted), None)
    if taken is not None:
        raise DomainError(_("The module “%(title)s” (short name %(slug)s) already has this title. Give each module "
                            "of a course a different title.", title=texts(taken), slug=taken.slug), field="title")
