"""The eleven DHCS core competency areas (WIC §18998(c)), with translated names."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from typing import Any

from lms.errors import DomainError
from lms.i18n import _, _l

AREAS = {
    "communication": _l("Communication"),
    "interpersonal": _l("Interpersonal and relationship building"),
    "service-coordination": _l("Service coordination and navigation"),
    "capacity-building": _l("Capacity building"),
    "advocacy": _l("Advocacy"),
    "education-facilitation": _l("Education and facilitation"),
    "assessment": _l("Individual and community assessment"),
    "professional-conduct": _l("Professional skills and conduct"),
    "outreach": _l("Outreach"),
    "evaluation-research": _l("Evaluation and research"),
    "public-health-sdoh": _l("Public health principles and social determinants of health"),
}


_ORDER = {code: index for index, code in enumerate(AREAS)}


def in_order(codes: list[str]) -> list[str]:
    """Area codes in the order the law lists them (the same in every language), unknown codes last."""
    return sorted(codes, key=lambda code: (_ORDER.get(code, len(_ORDER)), code))


def area_title(code: str) -> str:
    return str(AREAS.get(code, code))


def specialty_slug(text: str) -> str:
    """A specialty as stored, from what an author typed or a course file holds: ``"Nutrición"`` → ``nutrición``,
    ``"Salud de los niños"`` → ``salud-de-los-niños``. Letters of any script are kept (with their accents),
    lower-cased and NFC-normalised, so the same word typed with a composed or a decomposed accent is one specialty;
    each run of other characters becomes one hyphen. At most 64 characters; "" when nothing is left. The one rule for
    the authoring forms, the catalog services and course-file import, so an export imports back unchanged."""
    text = unicodedata.normalize("NFC", unicodedata.normalize("NFC", text).lower())  # lower() may decompose (İ)
    kept, after_letter = [], False
    for char in text:  # a mark only on a letter or digit: marks alone would stack over what is shown before them
        kind = unicodedata.category(char)[0]
        after_letter = kind in "LN" or (kind == "M" and after_letter)
        kept.append(char if after_letter else "-")
    return re.sub("-+", "-", "".join(kept)).strip("-")[:64].strip("-")


def specialty_slugs(values: Iterable[str]) -> list[str]:
    """:func:`specialty_slug` of each value, empty ones and repeats dropped, in order."""
    return list(dict.fromkeys(slug for slug in map(specialty_slug, values) if slug))


#: Alphabets with letters that look like Latin ones (Cyrillic a and o, Greek omicron): a word that mixes one of them
#: with Latin letters looks like a word it is not, and would be a specialty apart from the one it looks like.
LOOK_ALIKE_SCRIPTS = frozenset({"LATIN", "CYRILLIC", "GREEK"})


def _script(char: str) -> str | None:
    """The alphabet of a letter, when it is one of :data:`LOOK_ALIKE_SCRIPTS` (from its Unicode name: "LATIN SMALL
    LETTER O WITH ACUTE", "CYRILLIC SMALL LETTER A")."""
    first = unicodedata.name(char, "").split(" ", 1)[0]
    return first if first in LOOK_ALIKE_SCRIPTS else None


def mixes_scripts(text: str) -> bool:
    """Whether a word of the specialty ``text`` has letters of two of :data:`LOOK_ALIKE_SCRIPTS` ("nutrición" typed with
    a Cyrillic a). Accented Latin letters are Latin, and a word all in one alphabet ("питание") is fine."""
    for word in specialty_slug(text).split("-"):
        if len({_script(char) for char in word if unicodedata.category(char)[0] == "L"} - {None}) > 1:
            return True
    return False


def look_alike_message(name: str) -> str:
    """Why the specialty ``name`` (as typed) is refused: :func:`mixes_scripts`."""
    # i18n: %(specialty)s: a specialty as the author typed it, with a letter of another alphabet in a word
    return _("“%(specialty)s” mixes letters of different alphabets (such as Cyrillic or Greek letters that look like "
             "Latin ones), so it would not match the specialty it looks like. Type it again using one alphabet.",
             specialty=name)


def checked_specialties(values: Iterable[str]) -> list[str]:
    """:func:`specialty_slugs` of ``values``, refused (a :class:`DomainError` on ``specialties``) when one mixes
    alphabets in a word (:func:`mixes_scripts`): the rule for every way a course or module gets its specialties."""
    slugs = specialty_slugs(values)
    for slug in slugs:
        if mixes_scripts(slug):
            raise DomainError(look_alike_message(specialty_title(slug)), field="specialties")
    return slugs


def specialty_title(slug: str) -> str:
    """Specialties are free slugs (``asthma-preventive-services``); shown as words."""
    return slug.replace("-", " ").capitalize()


def area_choices() -> list[tuple[str, str]]:
    return [(code, str(title)) for code, title in AREAS.items()]


def course_areas(course: Any, modules: Iterable[Any]) -> list[str]:
    """The competency areas a course covers, in law order: its own and those of its live ``modules`` (each module is
    tagged with the areas it covers, ``DOMAIN.md``). The one rule for the course page, the catalog and its filter,
    the API and the certificate."""
    codes = set(course.competency_areas or ())
    for module in modules:
        codes.update(module.competency_areas or ())
    return in_order(list(codes))


def areas_from_modules(course: Any, modules: Iterable[Any]) -> list[str]:
    """The areas :func:`course_areas` adds to the course's own: covered by a live module only."""
    own = set(course.competency_areas or ())
    return [code for code in course_areas(course, modules) if code not in own]
