"""Validating a folder of course files (docs/course-format.md) into :mod:`lms.content.specs`, collecting every problem.

Nothing is written here: the importer only runs when :func:`read_courses` found no problem at all.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from lms.catalog.areas import AREAS, specialty_slug
from lms.catalog.models import CourseKind, CourseStatus, ModuleKind
from lms.content.fields import Fields, is_locale
from lms.content.lessons import validate_lessons
from lms.content.limits import SLUG_MAX, VERSION_MAX, text_max
from lms.content.loader import LineDict, Problems, load_yaml_file
from lms.content.quizzes import validate_quiz
from lms.content.specs import CourseSpec, ModuleSpec

COURSE_KEYS = ("slug", "version", "kind", "source_language", "certificate_validity_months", "competency_areas",
               "specialties", "status", "issuer", "title", "summary", "modules")
COURSE_REQUIRED = ("slug", "version", "kind", "source_language", "title", "modules")
MODULE_KEYS = ("kind", "required", "credited_minutes", "competency_areas", "specialties", "title", "summary")
MODULE_REQUIRED = ("kind", "credited_minutes", "title")
QUIZ_NAME = re.compile(r"^quiz\.([^.]+)\.yaml$")
#: The authoring forms' limits, so that every course written there can be exported as files and imported again.
MAX_CREDITED_MINUTES = 10_000
MAX_VALIDITY_MONTHS = 240

Tick = Callable[[], None]


@dataclass
class Reading:
    """The validated courses, or the problems that stop the import (``courses`` is then incomplete)."""

    courses: list[CourseSpec] = field(default_factory=list)
    problems: Problems = field(default_factory=Problems)


def is_ignored(path: Path) -> bool:
    """Hidden files and READMEs may sit anywhere without being content."""
    return path.name.startswith(".") or path.name.lower().startswith("readme")


def course_folders(root: Path) -> list[Path]:
    """``root`` itself when it holds a course.yaml, else its sub-folders (one course each)."""
    if (root / "course.yaml").is_file():
        return [root]
    return sorted(p for p in root.iterdir() if p.is_dir() and not is_ignored(p))


def count_files(root: Path) -> int:
    """How many files :func:`read_courses` will read (for a progress bar)."""
    return sum(1 for folder in course_folders(root) for path in folder.rglob("*")
               if path.is_file() and not any(is_ignored(Path(part)) for part in path.relative_to(folder).parts))


def read_courses(root: Path, tick: Tick | None = None) -> Reading:
    """Read and check every course under ``root``; ``tick()`` is called once per file read."""
    reading, tick = Reading(), tick or (lambda: None)
    folders = course_folders(root)
    if not folders:
        reading.problems.add(root, 1, "no course folders here (each course is a folder with a course.yaml)")
    slugs: dict[str, Path] = {}
    for folder in folders:
        course = validate_course(folder, reading.problems, tick)
        if course is None:
            continue
        if course.slug in slugs:
            reading.problems.add(course.path, 1, f"course slug {course.slug!r} is also used by {slugs[course.slug]}")
        slugs.setdefault(course.slug, course.path)
        reading.courses.append(course)
    reading.problems.sort()
    return reading


def _mapping(path: Path, problems: Problems, tick: Tick) -> LineDict | None:
    if not path.is_file():
        problems.add(path, 1, f"{path.name} is missing")
        return None
    data = load_yaml_file(path, problems)
    tick()
    if data is not None and not isinstance(data, LineDict):
        problems.add(path, 1, f"{path.name} must be a set of 'key: value' lines")
        return None
    return data


def validate_course(folder: Path, problems: Problems, tick: Tick) -> CourseSpec | None:
    path = folder / "course.yaml"
    before = len(problems)
    data = _mapping(path, problems, tick)
    if data is None:
        return None
    fields = Fields(data, path, problems, "course.yaml")
    fields.check_keys(COURSE_KEYS, COURSE_REQUIRED)
    source = fields.locale("source_language")
    course = CourseSpec(
        path=path, slug=fields.slug("slug", max_length=SLUG_MAX["course"]) or "",
        version=fields.text("version", required=True, max_length=VERSION_MAX) or "",
        kind=fields.choice("kind", CourseKind) or CourseKind.CONTINUING, source_locale=source or "",
        status=fields.choice("status", CourseStatus),
        certificate_validity_months=fields.integer("certificate_validity_months", low=1, high=MAX_VALIDITY_MONTHS),
        issuer=fields.slug("issuer", what="issuer (an organisation's slug)"),
        competency_areas=fields.slug_list("competency_areas", allowed=AREAS, kind="competency area"),
        specialties=fields.slug_list("specialties", kind="specialty", clean=specialty_slug),
        texts=_texts(fields, "course", source),
    )
    module_slugs = fields.slug_list("modules", kind="module folder name", max_length=SLUG_MAX["module"])
    if "modules" in data and not module_slugs:
        fields.error("modules", "list at least one module")
    course.modules = _modules(folder, fields, module_slugs, source, tick)
    _check_folder(folder, fields, module_slugs)
    if source:
        _complete_source(course.texts, "summary", source)
    return course if len(problems) == before else None


def _texts(fields: Fields, owner: str, source: str | None) -> dict[str, dict[str, str]]:
    """A course's or module's title (required) and summary, each within the catalog's limit."""
    return {"title": fields.localized("title", source, required=True, max_length=text_max(owner, "title")),
            "summary": fields.localized("summary", source, max_length=text_max(owner, "summary"))}


def _modules(folder: Path, fields: Fields, slugs: list[str], source: str | None, tick: Tick) -> list[ModuleSpec]:
    modules = []
    listed = fields.sequence("modules")
    for slug in slugs:
        if not (folder / slug).is_dir():
            line = listed.line_of([str(item) for item in listed].index(slug)) if listed else fields.data.line
            fields.problems.add(fields.path, line, f"module {slug!r} has no folder {slug}/ next to course.yaml")
            continue
        module = validate_module(folder / slug, source, fields.problems, tick)
        if module is not None:
            modules.append(module)
    return modules


def _check_folder(folder: Path, fields: Fields, module_slugs: list[str]) -> None:
    listed = fields.data.get("modules")
    # a folder listed under a name refused there (too long...) is reported there only, not as unlisted too
    written = {str(item) for item in listed} if isinstance(listed, list) else set()
    for path in sorted(folder.iterdir()):
        if is_ignored(path) or path.name == "course.yaml" or path.name in module_slugs or path.name in written:
            continue
        if path.is_dir():
            fields.error("modules", f"folder {path.name}/ is not listed under 'modules' (list it, or move it away)")
        else:
            fields.problems.add(path, 1, "unexpected file: a course folder holds course.yaml and one folder per module")


def validate_module(folder: Path, source: str | None, problems: Problems, tick: Tick) -> ModuleSpec | None:
    path = folder / "module.yaml"
    before = len(problems)
    lesson_paths, quiz_paths = _module_files(folder, problems, tick)
    data = _mapping(path, problems, tick)
    lessons = validate_lessons(lesson_paths, source, problems, tick)
    quiz = validate_quiz(quiz_paths, source, problems, tick)
    if data is None:
        return None
    fields = Fields(data, path, problems, "module.yaml")
    fields.check_keys(MODULE_KEYS, MODULE_REQUIRED)
    module = ModuleSpec(
        path=path, slug=folder.name, kind=fields.choice("kind", ModuleKind) or ModuleKind.SELF_PACED,
        is_required=fields.boolean("required", True),
        credited_minutes=fields.integer("credited_minutes", low=0, high=MAX_CREDITED_MINUTES) or 0,
        competency_areas=fields.slug_list("competency_areas", allowed=AREAS, kind="competency area"),
        specialties=fields.slug_list("specialties", kind="specialty", clean=specialty_slug),
        texts=_texts(fields, "module", source), lessons=lessons, quiz=quiz,
    )
    # without a source language (refused in course.yaml) no lesson or quiz can be read: that is said there
    if module.kind is ModuleKind.SELF_PACED and not lessons and quiz is None and source and len(problems) == before:
        fields.error("kind", "a self_paced module needs at least one lesson or a quiz")
    if source:
        _complete_source(module.texts, "summary", source)
    return module if len(problems) == before else None


def _module_files(folder: Path, problems: Problems, tick: Tick) -> tuple[list[Path], dict[str, Path]]:
    """Sort a module folder's files into lessons and quizzes (by locale); report anything else."""
    lessons, quizzes = [], {}
    for path in sorted(folder.iterdir()):
        if is_ignored(path) or path.name == "module.yaml":
            continue
        match = QUIZ_NAME.match(path.name)
        if path.is_dir():
            problems.add(path, 1, "unexpected folder inside a module folder")
        elif path.suffix == ".md":
            lessons.append(path)
        elif match and is_locale(match[1]):
            quizzes[match[1]] = path
        else:
            problems.add(path, 1, "unexpected file: a module folder holds module.yaml, lessons named "
                                  "NN-slug.locale.md and quizzes named quiz.locale.yaml")
            tick()
    return lessons, quizzes


def _complete_source(texts: dict[str, dict[str, str]], name: str, source: str) -> None:
    """An optional text left out of the source language is empty, so removing it from the file clears it."""
    texts.setdefault(name, {}).setdefault(source, "")
