"""Short names (slugs) of courses, modules and lessons: their form, the reserved ones, and one free among siblings."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import select

from lms import db
from lms.errors import DomainError
from lms.i18n import _

SLUG_RE = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$")


def check_slug(slug: str) -> str:
    slug = (slug or "").strip().lower()
    if not SLUG_RE.match(slug):
        raise DomainError(_("Use lowercase letters, numbers and hyphens for the short name."))
    return slug


#: Lesson short names that the learner's URLs use for other pages (``/<course>/<module>/quiz``).
RESERVED_LESSON_SLUGS = frozenset({"quiz"})


#: Course short names the site's own pages use where a course's short name goes (``/authoring/new``), or may use
#: later under ``/authoring/`` and ``/courses/``: a course there would sit one slash from that page.
RESERVED_COURSE_SLUGS = frozenset({
    "new", "import", "export", "status", "edit", "preview", "search", "mine", "translations", "archive", "feed",
})


def check_course_slug(slug: str) -> str:
    slug = check_slug(slug)
    if slug in RESERVED_COURSE_SLUGS:
        raise DomainError(_("“%(slug)s” is reserved for the site's own pages; choose another short name for the "
                            "course.", slug=slug))
    return slug


def check_lesson_slug(slug: str) -> str:
    slug = check_slug(slug)
    if slug in RESERVED_LESSON_SLUGS:
        raise DomainError(_("“%(slug)s” is reserved; choose another short name for the lesson.", slug=slug))
    return slug


def check_slug_free(model: type, parent: Any, slug: str, *, removed: str, taken: str) -> None:
    """Refuse a short name already used among ``model``'s siblings (``parent``), saying so if a removed one has it."""
    found = db.session.execute(select(model.is_archived).where(parent, model.slug == slug)).scalar_one_or_none()
    if found is not None:
        raise DomainError(removed if found else taken)

