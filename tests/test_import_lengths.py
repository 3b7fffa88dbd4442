"""``lms import-courses`` refuses values longer than the catalog keeps, as a problem naming the file, line, field and
limit, and imports nothing: slugs, the version and language codes past their columns' lengths (PostgreSQL stopped the
import with a database error; SQLite stored them whole), and texts past the authoring forms' limits (they imported,
and then could never be saved again in the forms or the translation editor). The limits come from the catalog."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy import func, select

from lms import db
from lms.catalog import services as catalog
from lms.catalog.models import Course, Text
from lms.catalog.texts import MAX_LENGTHS
from tests.test_content_import import edit, line_of

TITLE = MAX_LENGTHS[("course", "title")]


def _long(limit: int, letter: str = "x") -> str:
    return letter * (limit + 1)


def _slug(length: int) -> str:
    return "a" * length


def _col(model, name: str) -> int:
    return model.__table__.c[name].type.length


def _rename(path: Path, new: str) -> Path:
    target = path.with_name(new)
    path.rename(target)
    return target


def _problems(result, root: Path) -> list[str]:
    return [line for line in result.output.splitlines() if line.startswith(str(root))]


# Each case: edit the copy (returns the file and a fragment of the line the problem is on) and part of the message.
def _course_title(course: Path):
    edit(course / "course.yaml", "  en: Listening basics", f"  en: {_long(TITLE, 'L')}")
    return course / "course.yaml", "  en: LLL", f"'title' in en is longer than {TITLE} characters (it has {TITLE + 1})"


def _module_summary_es(course: Path):
    limit = MAX_LENGTHS[("module", "summary")]
    edit(course / "listening" / "module.yaml", "  es: Por qué importa escuchar y cómo reflejar lo que oye.",
         f"  es: {_long(limit)}")
    return course / "listening" / "module.yaml", "  es: xxx", f"'summary' in es is longer than {limit} characters"


def _lesson_title(course: Path):
    limit = MAX_LENGTHS[("lesson", "title")]
    edit(course / "listening" / "01-why-listen.es.md", "title: Por qué escuchar", f"title: {_long(limit)}")
    return course / "listening" / "01-why-listen.es.md", "title: xxx", f"'title' is longer than {limit} characters"


def _lesson_body(course: Path):
    limit = MAX_LENGTHS[("lesson", "body")]
    path = course / "listening" / "01-why-listen.en.md"
    edit(path, "It gets better with **practice**.", _long(limit))
    return path, "People tell a promotora", f"the lesson text is longer than {limit} characters"


def _quiz_title(course: Path):
    limit = MAX_LENGTHS[("quiz", "title")]
    edit(course / "listening" / "quiz.en.yaml", "title: Check your listening", f"title: {_long(limit)}")
    return course / "listening" / "quiz.en.yaml", "title: xxx", f"'title' is longer than {limit} characters"


def _prompt(course: Path):
    limit = MAX_LENGTHS[("question", "prompt")]
    edit(course / "listening" / "quiz.en.yaml", "prompt: Which show you are listening?", f"prompt: {_long(limit)}")
    return course / "listening" / "quiz.en.yaml", "prompt: xxx", f"'prompt' is longer than {limit} characters"


def _option_text(course: Path):
    limit = MAX_LENGTHS[("option", "text")]
    edit(course / "listening" / "quiz.en.yaml", "text: Nodding", f"text: {_long(limit)}")
    return course / "listening" / "quiz.en.yaml", "text: xxx", f"'text' is longer than {limit} characters"


def _option_feedback_es(course: Path):
    limit = MAX_LENGTHS[("option", "feedback")]
    edit(course / "listening" / "quiz.es.yaml", "feedback: Eso es un consejo, no un reflejo.", f"feedback: {_long(limit)}")
    return course / "listening" / "quiz.es.yaml", "feedback: xxx", f"'feedback' is longer than {limit} characters"


def _course_slug(course: Path):
    limit = _col(Course, "slug")
    edit(course / "course.yaml", "slug: listening-basics", f"slug: {_slug(limit + 1)}")
    return course / "course.yaml", "slug: aaa", f"'slug' is longer than {limit} characters (it has {limit + 1})"


def _module_folder(course: Path):
    limit = _col(Course, "slug")
    _rename(course / "follow-up", _slug(limit + 1))
    edit(course / "course.yaml", "  - follow-up", f"  - {_slug(limit + 1)}")
    return course / "course.yaml", "  - aaa", f"a module folder name in 'modules' is longer than {limit} characters"


def _lesson_file_slug(course: Path):
    limit = _col(Course, "slug")
    for locale in ("en", "es"):
        _rename(course / "follow-up" / f"01-closing-the-loop.{locale}.md", f"01-{_slug(limit + 1)}.{locale}.md")
    return ([(course / "follow-up" / f"01-{_slug(limit + 1)}.{locale}.md", None) for locale in ("en", "es")],
            f"the lesson slug in the file name is longer than {limit} characters")


def _question_id(course: Path):
    limit = _col(Course, "slug")
    files = [course / "listening" / f"quiz.{locale}.yaml" for locale in ("en", "es")]
    for path in files:  # the translation repeats the id
        edit(path, "  - id: good-signs", f"  - id: {_slug(limit + 1)}")
    return [(path, f"id: {_slug(limit + 1)}") for path in files], f"question id is longer than {limit} characters"


def _version(course: Path):
    limit = _col(Course, "version")
    edit(course / "course.yaml", 'version: "1.0"', f'version: "{_slug(limit + 1)}"')
    return course / "course.yaml", "version:", f"'version' is longer than {limit} characters"


def _source_language(course: Path):
    limit = _col(Text, "locale")
    code = "en-" + "-".join(["abcdefgh"] * 2)  # a well-formed language code, past the column
    edit(course / "course.yaml", "source_language: en", f"source_language: {code}")
    return course / "course.yaml", "source_language:", f"'source_language' is longer than {limit} characters"


def _title_language(course: Path):
    limit = _col(Text, "locale")
    code = "es-" + "-".join(["abcdefgh"] * 2)
    edit(course / "course.yaml", "  es: Conceptos básicos de la escucha", f"  {code}: Conceptos")
    return course / "course.yaml", f"  {code}:", f"a language code in 'title' is longer than {limit} characters"


CASES = [_course_title, _module_summary_es, _lesson_title, _lesson_body, _quiz_title, _prompt, _option_text,
         _option_feedback_es, _course_slug, _module_folder, _lesson_file_slug, _question_id, _version,
         _source_language, _title_language]


@pytest.mark.parametrize("case", CASES, ids=[case.__name__.strip("_") for case in CASES])
def test_a_value_too_long_is_a_problem_at_its_line_and_nothing_is_imported(app, courses, run_import, case):
    *where, message = case(courses / "listening-basics")
    places = where[0] if len(where) == 1 else [tuple(where)]
    result = run_import(courses, ok=False)
    expected = sorted(f"{path}:{line_of(path, fragment) if fragment else 1}: " for path, fragment in places)
    problems = _problems(result, courses)
    assert len(problems) == len(expected), result.output
    for prefix, problem in zip(expected, sorted(problems), strict=True):
        assert problem.startswith(prefix) and message in problem, (prefix, message, result.output)
    count = len(expected)
    assert f"{count} problem{'s' if count > 1 else ''} in the course files; nothing was imported." in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)  # no database error
    assert catalog.find_course("listening-basics") is None
    assert db.session.scalar(select(func.count(Course.id))) == 0


def test_a_text_at_its_limit_imports_whole(app, courses, run_import):
    title = "T" * TITLE
    edit(courses / "listening-basics" / "course.yaml", "  en: Listening basics", f"  en: {title}")
    run_import(courses)
    course = catalog.get_course("listening-basics")
    stored = db.session.scalar(select(Text.value).where(Text.owner_type == "course", Text.owner_id == course.id,
                                                        Text.field == "title", Text.locale == "en"))
    assert stored == title


def test_an_update_too_long_leaves_the_imported_course_as_it_was(app, courses, tmp_path, run_import):
    run_import(courses)
    broken = tmp_path / "broken"
    shutil.copytree(courses, broken)
    _course_title(broken / "listening-basics")
    result = run_import(broken, ok=False)
    assert "'title' in en is longer than" in result.output
    course = catalog.get_course("listening-basics")
    assert db.session.scalar(select(Text.value).where(Text.owner_type == "course", Text.owner_id == course.id,
                                                      Text.field == "title", Text.locale == "en")) == "Listening basics"
