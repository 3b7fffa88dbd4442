"""Exporting courses as course files (docs/course-format.md, "Exporting"): ``lms export-courses`` and the download on
the authoring pages write exactly what ``lms import-courses`` reads, so export → import into an empty database →
export again gives the same files, with the real curriculum and with a course written in the web editor (texts YAML
could misread, translations, untitled quizzes, removed items); courses files cannot describe are refused."""

from __future__ import annotations

import dataclasses
import io
import zipfile
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from lms import db
from lms.accounts.models import SiteRole
from lms.catalog import archive, course_authoring, lesson_authoring, module_authoring, quiz_authoring
from lms.catalog import services as catalog
from lms.catalog.models import Course, CourseKind, CourseStatus, ModuleKind, QuestionKind
from lms.catalog.quiz_authoring import OptionData
from lms.catalog.texts import load_texts, set_text, translation_state
from lms.content import read_courses
from lms.content.export import ExportRefused
from lms.content.export_files import verify
from tests.conftest import _empty_tables

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def trainer(make_user):
    return make_user("tina@example.org", name="Tina Trainer", role=SiteRole.TRAINER)


def export(runner, target: Path, *options: str, ok: bool = True):
    result = runner.invoke(args=["lms", "export-courses", str(target), *options])
    assert (result.exit_code == 0) is ok, result.output
    return result


def tree(root: Path) -> dict[str, bytes]:
    return {str(path.relative_to(root)): path.read_bytes() for path in sorted(root.rglob("*")) if path.is_file()}


def specs(root: Path) -> list[dict[str, Any]]:
    """What the importer reads from ``root``, without the file paths."""
    reading = read_courses(root)
    assert not reading.problems, reading.problems
    return [_without_paths(dataclasses.asdict(course)) for course in reading.courses]


def _without_paths(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _without_paths(item) for key, item in value.items() if key != "path"}
    if isinstance(value, list):
        return [_without_paths(item) for item in value]
    return value


def empty_database(app) -> None:
    """Every table emptied, as a fresh site's."""
    db.session.remove()
    _empty_tables(app)
    assert db.session.scalar(select(func.count(Course.id))) == 0


# ---------------------------------------------------------------- the real curriculum


def test_the_real_courses_round_trip_through_an_empty_database(app, runner, run_import, tmp_path):
    run_import(ROOT / "courses")
    first = tmp_path / "first"
    result = export(runner, first)
    assert "Exported 2 courses" in result.output
    assert specs(first) == specs(ROOT / "courses")  # the files say what the hand-written ones say

    empty_database(app)
    run_import(first)
    second = tmp_path / "second"
    export(runner, second)
    assert tree(first) == tree(second) and len(tree(first)) > 100


def test_importing_an_export_into_the_site_it_came_from_changes_nothing(app, runner, run_import, tmp_path):
    run_import(ROOT / "courses")
    export(runner, tmp_path / "out", "--course", "ce-documentation")
    assert [path.name for path in (tmp_path / "out").iterdir()] == ["ce-documentation"]
    assert "already up to date, nothing to change" in run_import(tmp_path / "out").output


# ---------------------------------------------------------------- a course written in the web editor


def tricky_course(trainer, org) -> Course:
    """A draft course with texts YAML could misread, translations of parts only, an untitled quiz, the authoring
    forms' largest numbers, a stale translation, and removed modules, lessons, questions and answers."""
    course = course_authoring.create_course(course_authoring.CourseData(
        slug="tricky", title="Heat: stay “safe” #1", summary="Line one\nline two\n  indented: yes", version="2026.1",
        kind=CourseKind.SPECIALTY, competency_areas=("outreach",), specialties=("heat-illness",),
        certificate_validity_months=240), trainer)
    course_authoring.set_course_issuer(course, org.id, trainer)
    first = module_authoring.add_module(course, module_authoring.ModuleData(slug="yes", title="yes", credited_minutes=10_000,
                                                          summary="- a dash\n- and a # sign"), trainer)
    intro = lesson_authoring.add_lesson(course, first, "intro", "- dash: title", "# Heading\n\n---\n\n`code: here`\n", 15, trainer)
    second = lesson_authoring.add_lesson(course, first, "second", "null", "Body with 'quotes' and \"more\"\ttab", 1, trainer)
    gone = lesson_authoring.add_lesson(course, first, "gone", "Gone", "Removed.", 5, trainer)
    quiz = quiz_authoring.ensure_quiz(course, first, title="", pass_mark=70, max_attempts=None, actor=trainer)
    q1 = quiz_authoring.save_question(course, quiz, None, slug="1", kind=QuestionKind.TRUE_FALSE, prompt="Is it\nhot?",
                                      options=[OptionData("true", "True", True, "Yes: right"),
                                               OptionData("false", "False", False)], actor=trainer)
    q2 = quiz_authoring.save_question(course, quiz, None, slug="pick", kind=QuestionKind.MULTIPLE, prompt="Pick",
                                      options=[OptionData("a", "Water", True), OptionData("b", "Shade", True),
                                               OptionData("c", "Soda", False)], actor=trainer)
    quiz_authoring.save_question(course, quiz, q2, slug="pick", kind=QuestionKind.MULTIPLE, prompt="Pick",
                                 options=[OptionData("a", "Water", True), OptionData("c", "Soda", False)],
                                 actor=trainer)  # answer b removed
    q3 = quiz_authoring.save_question(course, quiz, None, slug="old", kind=QuestionKind.SINGLE, prompt="Old",
                                      options=[OptionData("a", "A", True), OptionData("b", "B")], actor=trainer)
    live = module_authoring.add_module(course, module_authoring.ModuleData(slug="practice", title="Practice", kind=ModuleKind.LIVE,
                                                         credited_minutes=60, is_required=False), trainer)
    dropped = module_authoring.add_module(course, module_authoring.ModuleData(slug="dropped", title="Dropped", kind=ModuleKind.FIELD,
                                                            credited_minutes=30), trainer)
    for obj in (gone, q3, dropped):
        archive.archive(course, obj, trainer)
    for obj, name, value in ((course, "title", "Calor: “seguro” #1"), (first, "summary", "- un guion"),
                             (intro, "body", "# Título\n\nCuerpo"), (second, "title", "Segunda"),
                             (quiz, "title", "Comprobación"), (q1, "prompt", "¿Hace\ncalor?"),
                             (live, "title", "Práctica")):
        set_text(course, obj, name, "es", value, trainer)
    feedback = catalog.load_questions(quiz)[0][1][0]
    set_text(course, feedback, "feedback", "es", "Sí: correcto", trainer)
    lesson_authoring.update_lesson(course, second, "null (renamed)", "Body with 'quotes' and \"more\"\ttab", 1, trainer)
    db.session.commit()
    return course


def test_a_course_from_the_web_editor_round_trips_through_an_empty_database(app, runner, run_import, tmp_path,
                                                                             trainer, make_org):
    course = tricky_course(trainer, make_org("valley"))
    second = catalog.get_lesson(catalog.get_module(course, "yes"), "second")
    assert translation_state(load_texts(course, "es"), "lesson", second.id, "title") == "stale"
    first = tmp_path / "first"
    export(runner, first, "--course", "tricky")
    files = tree(first)
    assert sorted(files) == [
        "tricky/course.yaml", "tricky/practice/module.yaml", "tricky/yes/01-intro.en.md", "tricky/yes/01-intro.es.md",
        "tricky/yes/02-second.en.md", "tricky/yes/02-second.es.md", "tricky/yes/module.yaml", "tricky/yes/quiz.en.yaml",
        "tricky/yes/quiz.es.yaml"]
    source_quiz = files["tricky/yes/quiz.en.yaml"].decode()
    assert "title" not in source_quiz and "Shade" not in source_quiz and "old" not in source_quiz  # removed: left out
    assert "issuer: valley" in files["tricky/course.yaml"].decode()
    assert files["tricky/yes/01-intro.es.md"].decode() == "---\nminutes: 15\n---\n# Título\n\nCuerpo\n"  # no title

    empty_database(app)
    make_org("valley")
    run_import(first)
    imported = catalog.get_course("tricky")
    assert (imported.status, imported.certificate_validity_months) == (CourseStatus.DRAFT, 240)
    assert catalog.get_module(imported, "yes").credited_minutes == 10_000
    module = catalog.get_module(imported, "yes")
    intro, quiz = catalog.get_lesson(module, "intro"), catalog.get_quiz(module)
    spanish = load_texts(imported, "es")
    assert (spanish(imported), spanish(intro, "body"), spanish.get(intro, "title").is_fallback) == (
        "Calor: “seguro” #1", "# Título\n\nCuerpo", True)
    assert (load_texts(imported, "en")(quiz), spanish(quiz)) == ("", "Comprobación")
    (true, _false) = catalog.load_questions(quiz)[0][1]
    assert (spanish(true, "feedback"), spanish(true, "text")) == ("Sí: correcto", "True")
    second_export = tmp_path / "second"
    export(runner, second_export)
    assert tree(second_export) == files


# ---------------------------------------------------------------- the command line


def test_an_existing_course_folder_is_written_over_only_with_replace(app, runner, run_import, tmp_path, trainer,
                                                                     make_org):
    tricky_course(trainer, make_org("valley"))
    out = tmp_path / "out"
    export(runner, out)
    folder = out / "tricky"
    (folder / "yes" / "03-stray.en.md").write_text("---\ntitle: Stray\nminutes: 3\n---\nText\n", encoding="utf-8")
    (folder / "old-module").mkdir()
    (folder / "old-module" / "module.yaml").write_text("kind: field\n", encoding="utf-8")
    (folder / "README.md").write_text("Notes", encoding="utf-8")
    (folder / ".hidden").write_text("x", encoding="utf-8")
    before = tree(out)

    result = export(runner, out, ok=False)
    assert f"{folder} already holds course files: use --replace" in result.output and tree(out) == before

    export(runner, out, "--replace")
    assert not (folder / "yes" / "03-stray.en.md").exists() and not (folder / "old-module").exists()
    assert (folder / "README.md").read_text(encoding="utf-8") == "Notes" and (folder / ".hidden").exists()
    assert not read_courses(out).problems


def test_an_unknown_course_is_refused_and_nothing_is_written(app, runner, tmp_path):
    result = export(runner, tmp_path / "out", "--course", "nope", ok=False)
    assert "No course has the short name 'nope'." in result.output and not (tmp_path / "out").exists()
    assert "nothing to export" in export(runner, tmp_path / "out").output


def test_courses_files_cannot_describe_are_refused_with_the_reason(app, runner, client, u, login, tmp_path, trainer):
    course = course_authoring.create_course(course_authoring.CourseData(slug="empty", title="Empty"), trainer)
    db.session.commit()
    result = export(runner, tmp_path / "out", ok=False)
    assert "empty: This course has no modules: course files need at least one. Nothing was written." in result.output
    assert not (tmp_path / "out").exists()

    module = module_authoring.add_module(course, module_authoring.ModuleData(slug="m", title="Water breaks"), trainer)
    other = module_authoring.add_module(course, module_authoring.ModuleData(slug="n", title="Shade"), trainer)
    lesson_authoring.add_lesson(course, other, "l", "Lesson", "Text", 5, trainer)
    quiz_authoring.ensure_quiz(course, other, title="Check", pass_mark=80, max_attempts=None, actor=trainer)
    db.session.commit()
    login(trainer)
    response = client.get(u("lms.authoring.export", course_slug="empty"))
    page = response.get_data(as_text=True)
    assert response.status_code == 409 and "cannot be downloaded as course files yet" in page
    assert "The self-paced module “Water breaks” has no lesson and no quiz" in page
    assert "The quiz of the module “Shade” has no questions" in page

    lesson_authoring.add_lesson(course, module, "l", "Lesson", "Text", 5, trainer)
    archive.archive(course, quiz_authoring.ensure_quiz(course, other, title="Check", pass_mark=80, max_attempts=None,
                                                       actor=trainer), trainer)
    db.session.commit()
    assert client.get(u("lms.authoring.export", course_slug="empty")).status_code == 200


# ---------------------------------------------------------------- the download


def test_the_download_is_the_exported_folder_as_a_zip_the_same_every_time(app, runner, client, u, login, tmp_path,
                                                                          trainer, make_user, make_org):
    tricky_course(trainer, make_org("valley"))
    export(runner, tmp_path / "out")
    login(trainer)
    url = u("lms.authoring.export", course_slug="tricky")
    course_page = client.get(u("lms.authoring.course", course_slug="tricky")).get_data(as_text=True)
    assert f'href="{url}"' in course_page and "Download as course files" in course_page
    response = client.get(url)
    assert response.status_code == 200 and response.mimetype == "application/zip"
    assert response.headers["Content-Disposition"] == 'attachment; filename="tricky.zip"'
    with zipfile.ZipFile(io.BytesIO(response.data)) as archive_file:
        assert {name: archive_file.read(name) for name in archive_file.namelist()} == tree(tmp_path / "out")
    assert client.get(url).data == response.data

    login(make_user(name="Tere Trainee"))
    assert client.get(url).status_code == 403


def test_files_the_importer_would_refuse_are_never_handed_out(app):
    """The last check before files leave (a fault of the exporter, were it ever to happen): the importer's reader."""
    with pytest.raises(ExportRefused, match="please report this") as refused:
        verify({"x/course.yaml": "slug: x\nversion: '1'\nkind: core\nsource_language: en\ntitle:\n  en: X\nmodules: []\n"})
    assert "x/course.yaml:7: list at least one module" in refused.value.message
    assert "lms-export-" not in refused.value.message  # paths inside the export, not the scratch folder
