"""Importing course files (docs/course-format.md) with ``lms import-courses``: validation with file:line problems,
all-or-nothing, idempotent upserts that keep trainees' records, stale translations, and safe content."""

from __future__ import annotations

import shutil
from datetime import timedelta
from pathlib import Path

from sqlalchemy import func, select

from lms import db
from lms.audit import AuditEvent
from lms.catalog import course_authoring
from lms.catalog import services as catalog
from lms.catalog.models import Course, CourseStatus, Lesson, Module, Option, Question, QuestionKind, Quiz, Text
from lms.catalog.texts import load_texts, translation_state
from lms.db import utcnow
from lms.enrollment import quiz_attempts, visits
from lms.enrollment import services as enrollment
from lms.enrollment.models import Enrollment, LessonProgress, QuizAttempt
from tests.test_catalog_texts import XSS, active_content

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = Path(__file__).parent / "fixtures" / "courses"
CATALOG_MODELS = (Course, Module, Lesson, Quiz, Question, Option, Text, AuditEvent)


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def line_of(path: Path, fragment: str) -> int:
    return next(n for n, line in enumerate(path.read_text(encoding="utf-8").split("\n"), 1) if fragment in line)


def row_counts() -> dict[str, int]:
    return {model.__name__: db.session.scalar(select(func.count()).select_from(model)) for model in CATALOG_MODELS}


def snapshot() -> dict[str, set]:
    """Every catalog row's id and key fields, and every text with its source version."""
    return {
        "modules": set(db.session.execute(select(Module.id, Module.slug, Module.position, Module.is_archived)).all()),
        "lessons": set(db.session.execute(select(Lesson.id, Lesson.slug, Lesson.position, Lesson.is_archived)).all()),
        "questions": set(db.session.execute(select(Question.id, Question.slug, Question.kind, Question.position)).all()),
        "options": set(db.session.execute(select(Option.id, Option.slug, Option.is_correct, Option.position)).all()),
        "texts": set(db.session.execute(select(Text.id, Text.locale, Text.value, Text.source_hash)).all()),
    }


def lesson(course: Course, module_slug: str, slug: str) -> Lesson:
    return catalog.get_lesson(catalog.get_module(course, module_slug), slug)


# ---------------------------------------------------------------- a valid import

def test_fixture_course_imports_with_structure_and_both_languages(app, courses, run_import):
    result = run_import(courses)
    assert "1 created" in result.output and "Dry run" not in result.output
    course = catalog.get_course("listening-basics")
    assert (course.kind.value, course.version, course.status) == ("continuing", "1.0", CourseStatus.PUBLISHED)
    assert course.competency_areas == ["communication", "interpersonal"] and course.certificate_validity_months == 12
    outline = catalog.load_outline(course)
    assert [(m.slug, m.position, m.credited_minutes) for m in outline.modules] == [("listening", 1, 45), ("follow-up", 2, 20)]
    assert [(x.slug, x.position, x.estimated_minutes) for x in outline.lessons[outline.modules[0].id]] == [
        ("why-listen", 1, 10), ("reflecting", 2, 15)]
    quiz = outline.quizzes[outline.modules[0].id]
    assert (quiz.pass_mark, quiz.max_attempts) == (60, 3) and outline.modules[1].id not in outline.quizzes
    questions = catalog.load_questions(quiz)
    assert [(q.slug, q.kind) for q, _ in questions] == [
        ("best-reflection", QuestionKind.SINGLE), ("good-signs", QuestionKind.MULTIPLE),
        ("listening-is-a-skill", QuestionKind.TRUE_FALSE)]
    assert [(o.slug, o.is_correct) for o in questions[2][1]] == [("true", True), ("false", False)]
    spanish = load_texts(course, "es")
    first = outline.lessons[outline.modules[0].id][0]
    assert spanish(course) == "Conceptos básicos de la escucha" and spanish(first) == "Por qué escuchar"
    assert "<strong>práctica</strong>" in spanish.get(first, "body").html
    assert spanish(questions[2][1][0], "text") == "Verdadero" and not spanish.used_fallback
    english = load_texts(course, "en")
    assert english(questions[0][1][1], "feedback") == "That is advice, not a reflection."
    assert translation_state(spanish, "lesson", first.id, "body") == "complete"


def test_the_real_curriculum_imports_cleanly(app, run_import):
    result = run_import(ROOT / "courses")
    assert "problem" not in result.output
    core = catalog.get_course("chw-core")
    outline = catalog.load_outline(core)
    assert len(outline.modules) == 13 and core.status is CourseStatus.PUBLISHED
    assert set(core.competency_areas) == set(catalog_areas())
    quizzes = catalog.load_quiz_questions(list(outline.quizzes.values()))
    assert quizzes and all(len(questions) >= 5 for questions in quizzes.values())
    for course in (core, catalog.get_course("ce-documentation")):
        outline = catalog.load_outline(course)
        lessons = outline.all_lessons()
        assert lessons
        for locale in ("en", "es"):
            texts = load_texts(course, locale)
            for item in lessons:
                assert texts.get(item, "title").locale == locale, (course.slug, item.slug, locale)
                assert texts.get(item, "body").locale == locale and texts.get(item, "body").html
            assert not texts.used_fallback


def catalog_areas() -> list[str]:
    from lms.catalog.areas import AREAS

    return list(AREAS)


def test_a_single_course_folder_can_be_given(app, courses, run_import):
    run_import(courses / "listening-basics")
    assert catalog.find_course("listening-basics") is not None


# ---------------------------------------------------------------- problems

def break_files(root: Path) -> list[tuple[Path, int, str]]:
    """Break the copy in many different ways; returns (file, line, part of the message) for every problem."""
    course = root / "listening-basics"
    listening = course / "listening"
    edit(course / "course.yaml", "kind: continuing", "kind: core-ish\ncolour: blue")
    edit(course / "course.yaml", "[communication, interpersonal]", "[communication, listening]")
    edit(course / "course.yaml", "  - follow-up", "  - follow-up\n  - missing-module")
    edit(listening / "module.yaml", "credited_minutes: 45", "credited_minutes: -5")
    edit(listening / "02-reflecting.en.md", "title: Reflecting back\n", "")
    edit(listening / "01-why-listen.es.md", "minutes: 10", "minutes: ten")
    edit(course / "follow-up" / "01-closing-the-loop.en.md", "Call back to check that the referral worked.", "")
    edit(listening / "quiz.en.yaml", "        text: You really need to go.\n",
         "        text: You really need to go.\n        correct: true\n")
    edit(listening / "quiz.en.yaml", '      - id: "false"\n        text: "False"',
         '      - id: "false"\n        text: "False"\n      - id: maybe\n        text: Maybe')
    edit(listening / "quiz.en.yaml", "    kind: multiple", "    kind: several")
    edit(listening / "quiz.es.yaml", "  - id: good-signs", "  - id: no-such-question")
    edit(listening / "quiz.es.yaml", '      - id: "true"\n        text: Verdadero', "      - id: true\n        text: Verdadero")
    (listening / "notes.txt").write_text("scratch", encoding="utf-8")
    (course / "follow-up" / "3-Bad_Name.en.md").write_text("---\ntitle: x\n---\nbody\n", encoding="utf-8")
    (course / "follow-up" / "02-orphan.es.md").write_text("---\ntitle: Huérfana\n---\nTexto\n", encoding="utf-8")
    (course / "follow-up" / "09-quiz.en.md").write_text("---\ntitle: Quiz\n---\nText\n", encoding="utf-8")
    (course / "drafts").mkdir()
    broken_yaml = course / "follow-up" / "module.yaml"
    edit(broken_yaml, "title:\n", "title: [unclosed\n")
    return [
        (course / "course.yaml", 3, "'kind' must be one of core, continuing, specialty"),
        (course / "course.yaml", 4, "unknown key 'colour'"),
        (course / "course.yaml", line_of(course / "course.yaml", "competency_areas"), "unknown competency area 'listening'"),
        (course / "course.yaml", line_of(course / "course.yaml", "- missing-module"), "has no folder missing-module/"),
        (course / "course.yaml", line_of(course / "course.yaml", "- listening"), "folder drafts/ is not listed"),
        (listening / "module.yaml", 3, "'credited_minutes' must be a whole number"),
        (listening / "02-reflecting.en.md", 2, "needs 'title'"),
        (listening / "01-why-listen.es.md", 3, "'minutes' must be a whole number from 1 to 600"),
        (course / "follow-up" / "01-closing-the-loop.en.md", 5, "no text after the front matter"),
        (listening / "quiz.en.yaml", line_of(listening / "quiz.en.yaml", "id: best-reflection"), "exactly one option"),
        (listening / "quiz.en.yaml", line_of(listening / "quiz.en.yaml", "id: listening-is-a-skill"), "exactly two options"),
        (listening / "quiz.en.yaml", line_of(listening / "quiz.en.yaml", "kind: several"), "'kind' must be one of"),
        (listening / "quiz.es.yaml", line_of(listening / "quiz.es.yaml", "no-such-question"), "no question 'no-such-question'"),
        (listening / "quiz.es.yaml", line_of(listening / "quiz.es.yaml", "id: true"), 'put it in quotes (id: "true")'),
        (listening / "notes.txt", 1, "unexpected file"),
        (course / "follow-up" / "3-Bad_Name.en.md", 1, "NN-slug.locale.md"),
        (course / "follow-up" / "09-quiz.en.md", 1, "the lesson slug 'quiz' is reserved"),
        (course / "follow-up" / "02-orphan.es.md", 1, "no file in en, the source language"),
        (broken_yaml, line_of(broken_yaml, "title: [unclosed") + 1, "YAML syntax error"),
    ]


def test_dry_run_lists_every_problem_with_file_and_line_and_changes_nothing(app, courses, tmp_path, run_import):
    run_import(courses)
    broken = tmp_path / "broken"
    shutil.copytree(courses, broken)
    expected = break_files(broken)
    before = row_counts()
    result = run_import(broken, "--dry-run", ok=False)
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if line.startswith(str(broken))]
    for path, line, message in expected:
        prefix = f"{path}:{line}: "
        assert any(out.startswith(prefix) and message in out for out in lines), (prefix, message, result.output)
    assert len(lines) == len(expected), result.output
    assert f"{len(expected)} problems" in result.output and "nothing was imported" in result.output
    assert row_counts() == before
    again = run_import(broken, ok=False)  # without --dry-run: still nothing
    assert again.exit_code == 1 and row_counts() == before


def test_a_missing_course_yaml_and_an_empty_folder_are_reported(app, tmp_path, run_import):
    (tmp_path / "empty").mkdir()
    result = run_import(tmp_path / "empty", ok=False)
    assert result.exit_code == 1 and "no course folders" in result.output
    (tmp_path / "empty" / "stray").mkdir()
    result = run_import(tmp_path / "empty", ok=False)
    assert f"{tmp_path / 'empty' / 'stray' / 'course.yaml'}:1: course.yaml is missing" in result.output


# ---------------------------------------------------------------- idempotency and updates

def test_importing_twice_changes_nothing_and_keeps_ids(app, courses, run_import):
    first = run_import(courses)
    assert "texts changed" in first.output
    before, counts = snapshot(), row_counts()
    second = run_import(courses)
    assert "already up to date" in second.output
    assert snapshot() == before and row_counts() == counts
    dry = run_import(courses, "--dry-run")
    assert "already up to date" in dry.output


def test_dry_run_lists_changes_and_writes_nothing(app, courses, run_import):
    run_import(courses)
    edit(courses / "listening-basics" / "listening" / "02-reflecting.en.md", "minutes: 15", "minutes: 20")
    before, counts = snapshot(), row_counts()
    result = run_import(courses, "--dry-run")
    assert "updated lesson listening-basics/listening/reflecting" in result.output
    assert "Dry run: nothing was changed." in result.output
    assert snapshot() == before and row_counts() == counts


def test_reimport_keeps_trainee_records_archives_removed_lessons_and_marks_translations_stale(
        app, courses, run_import, make_user):
    run_import(courses)
    course = catalog.get_course("listening-basics")
    first, second = lesson(course, "listening", "why-listen"), lesson(course, "listening", "reflecting")
    quiz = catalog.get_quiz(catalog.get_module(course, "listening"))
    trainee = make_user()
    record = enrollment.enroll(trainee, course)
    now = utcnow()
    for item in (first, second):
        visits.visit_lesson(record, item, now, timedelta(minutes=30))
        visits.complete_lesson(record, item, now + timedelta(minutes=5), timedelta(minutes=30))
    questions = catalog.load_questions(quiz)
    wrong = {q.id: {next(o.id for o in options if not o.is_correct)} for q, options in questions}
    quiz_attempts.submit_quiz(record, quiz, wrong)
    db.session.commit()
    kept = {model: set(db.session.execute(select(model.id)).scalars()) for model in (Enrollment, LessonProgress, QuizAttempt)}
    assert len(kept[LessonProgress]) == 2 and len(kept[QuizAttempt]) == 1

    listening = courses / "listening-basics" / "listening"
    edit(listening / "01-why-listen.en.md", "It gets better with **practice**.", "It gets better with **daily practice**.")
    (listening / "02-reflecting.en.md").unlink()
    (listening / "02-reflecting.es.md").unlink()
    result = run_import(courses)
    assert "1 archived" in result.output

    assert {model: set(db.session.execute(select(model.id)).scalars()) for model in kept} == kept
    assert lesson(course, "listening", "why-listen").id == first.id
    assert db.session.get(Lesson, second.id).is_archived
    assert [x.slug for x in catalog.load_outline(course).all_lessons()] == ["why-listen", "closing-the-loop"]
    spanish = load_texts(course, "es")
    assert translation_state(spanish, "lesson", first.id, "body") == "stale"
    assert translation_state(spanish, "lesson", first.id, "title") == "complete"
    assert "daily practice" in load_texts(course, "en").get(first, "body").html
    assert quiz_attempts.attempts_of(record, quiz)[0].id in kept[QuizAttempt]

    run_import(courses)  # and an unchanged re-import leaves the translation stale
    assert translation_state(load_texts(course, "es"), "lesson", first.id, "body") == "stale"


def test_removed_questions_and_options_are_archived_and_come_back(app, courses, run_import):
    run_import(courses)
    quiz_file = courses / "listening-basics" / "listening" / "quiz.en.yaml"
    original = quiz_file.read_text(encoding="utf-8")
    edit(quiz_file, "      - id: b\n        text: Checking your phone\n", "")
    spanish_file = quiz_file.with_name("quiz.es.yaml")
    spanish = spanish_file.read_text(encoding="utf-8")
    edit(spanish_file, "      - id: b\n        text: Mirar el celular\n", "")
    run_import(courses)
    course = catalog.get_course("listening-basics")
    quiz = catalog.get_quiz(catalog.get_module(course, "listening"))
    questions = dict((q.slug, [o.slug for o in options]) for q, options in catalog.load_questions(quiz))
    assert questions["good-signs"] == ["a", "c"]
    ids = snapshot()["options"]
    quiz_file.write_text(original, encoding="utf-8")
    spanish_file.write_text(spanish, encoding="utf-8")
    run_import(courses)
    questions = dict((q.slug, [o.slug for o in options]) for q, options in catalog.load_questions(quiz))
    assert questions["good-signs"] == ["a", "b", "c"]
    assert {row[0] for row in ids} == {row[0] for row in snapshot()["options"]}


def test_the_issuer_can_be_named_in_course_yaml(app, courses, run_import, make_org):
    yaml_path = courses / "listening-basics" / "course.yaml"
    edit(yaml_path, "status: published", "status: published\nissuer: valley-health")
    counts = row_counts()
    missing = run_import(courses, ok=False)  # no such organisation yet: nothing is written
    assert missing.exit_code == 1 and f"{yaml_path}:1:" in missing.output and "'valley-health'" in missing.output
    assert row_counts() == counts
    org = make_org("valley-health", name="Valley Community Health")
    run_import(courses)
    course = catalog.get_course("listening-basics")
    assert course.issuer_org_id == org.id
    events = db.session.execute(select(AuditEvent).where(AuditEvent.action == "course.issuer_changed")).scalars().all()
    assert [event.data["issuer_org_id"] for event in events] == [org.id]
    assert "already up to date" in run_import(courses).output  # the same files again change nothing
    course_authoring.set_course_issuer(course, None, None)  # changed on the site, then the files are imported again
    db.session.commit()
    assert "updated course listening-basics (issued by valley-health)" in run_import(courses, "--dry-run").output
    assert "courses: 1 updated" in run_import(courses).output
    assert catalog.get_course("listening-basics").issuer_org_id == org.id
    edit(yaml_path, "issuer: valley-health", "issuer: Valley Health")
    bad = run_import(courses, ok=False)
    assert f"{yaml_path}:{line_of(yaml_path, 'issuer:')}:" in bad.output and "issuer" in bad.output


def test_a_quiz_whose_files_left_is_archived_with_its_attempts_and_comes_back(app, courses, run_import, make_user):
    run_import(courses)
    course = catalog.get_course("listening-basics")
    module = catalog.get_module(course, "listening")
    quiz = catalog.get_quiz(module)
    questions = catalog.load_questions(quiz)
    record = enrollment.enroll(make_user(), course)
    quiz_attempts.submit_quiz(record, quiz, {q.id: {next(o.id for o in options if not o.is_correct)}
                                          for q, options in questions})
    db.session.commit()
    listening = courses / "listening-basics" / "listening"
    files = {path: path.read_text(encoding="utf-8") for path in listening.glob("quiz.*.yaml")}
    for path in files:
        path.unlink()

    dry = run_import(courses, "--dry-run")
    assert "archived quiz listening-basics/listening/quiz" in dry.output and "quizzes: 1 archived" in dry.output
    assert catalog.get_quiz(module) is not None  # a dry run changes nothing
    assert "quizzes: 1 archived" in run_import(courses).output
    assert catalog.get_quiz(module) is None and module.id not in catalog.load_outline(course).quizzes
    stored = catalog.get_quiz(module, include_archived=True)
    assert stored.id == quiz.id and stored.is_archived
    assert [a.score_percent for a in quiz_attempts.attempts_of(record, stored)] == [0]  # the attempt is kept
    assert "already up to date" in run_import(courses).output

    for path, text in files.items():
        path.write_text(text, encoding="utf-8")
    assert "updated quiz listening-basics/listening/quiz" in run_import(courses, "--dry-run").output
    assert "quizzes: 1 updated" in run_import(courses).output
    back = catalog.get_quiz(module)
    assert back.id == quiz.id and [q.id for q, _ in catalog.load_questions(back)] == [q.id for q, _ in questions]
    assert module.id in catalog.load_outline(course).quizzes
    assert "already up to date" in run_import(courses).output


# ---------------------------------------------------------------- nothing an author imports can run

def test_imported_script_handlers_and_styles_end_up_harmless(app, client, u, courses, run_import):
    listening = courses / "listening-basics" / "listening"
    body = "\n\n".join(["Before", *XSS, "After"])
    (listening / "01-why-listen.en.md").write_text(
        f"---\ntitle: \"<script>alert(1)</script><img src=x onerror=alert(2)>\"\nminutes: 10\n---\n{body}\n",
        encoding="utf-8")
    edit(courses / "listening-basics" / "course.yaml", "  en: Listening basics",
         "  en: \"Listening <svg onload=alert(3)> <a href='javascript:alert(4)' style='position:fixed'>x</a>\"")
    edit(listening / "quiz.en.yaml", "prompt: Which answer reflects back?",
         "prompt: \"<iframe src=https://evil.example></iframe> Which answer reflects back?\"")
    run_import(courses)
    course = catalog.get_course("listening-basics")
    item = lesson(course, "listening", "why-listen")
    text = db.session.execute(select(Text).where(Text.owner_type == "lesson", Text.owner_id == item.id,
                                                 Text.field == "body", Text.locale == "en")).scalar_one()
    assert active_content(text.html) == [], text.html
    assert "Before" in text.html and "After" in text.html
    titles = db.session.execute(select(Text).where(Text.course_id == course.id, Text.field != "body")).scalars()
    assert all(row.html is None for row in titles)  # plain text, escaped wherever it is shown
    page = client.get(u("lms.courses.course", course_slug=course.slug))
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "&lt;script&gt;alert(1)" in html or "&lt;svg onload" in html
    assert active_content(html.split("<main", 1)[-1]) == []
