"""A course import archives modules its files no longer list (docs/course-format.md, "What an import changes"), but
one that trainees are taking or worked on (a module made in the web editor, say, and a folder that does not have it)
only with ``--archive-missing``: otherwise it stops, nothing imported, naming each such module with its counts, and
``--dry-run`` says the same. What an import archives or brings back is in the audit log."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from lms import db
from lms.accounts.models import SiteRole
from lms.audit import AuditEvent
from lms.catalog import lesson_authoring, module_authoring
from lms.catalog import services as catalog
from lms.db import utcnow
from lms.enrollment import services as enrollment
from lms.enrollment import visits
from tests.test_content_import import edit

IDLE = timedelta(minutes=30)
HELD = "listening-basics/extra: 2 trainees taking the course, 2 worked on this module (1 completed it)"


@pytest.fixture
def trainer(make_user):
    return make_user("tina@example.org", name="Tina Trainer", role=SiteRole.TRAINER)


def web_module(course, slug: str, trainer):
    """An optional self-paced module added in the web editor (the files do not have it), with one lesson."""
    module = module_authoring.add_module(course, module_authoring.ModuleData(slug=slug, title=slug.title(),
                                                                             is_required=False), trainer)
    lesson = lesson_authoring.add_lesson(course, module, "only", "Only lesson", "Text.", 5, trainer)
    return module, lesson


def archived(course, slug: str) -> bool:
    db.session.expire_all()
    return catalog.get_module(course, slug).is_archived


def rows(action: str) -> list[AuditEvent]:
    return list(db.session.execute(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id))
                .scalars())


@pytest.fixture
def taken(courses, run_import, trainer, make_user):
    """listening-basics imported, with the web-only modules ``extra`` (Ana opened its lesson, Ben completed it; Cora
    enrolled, then withdrew) and ``spare`` (nobody worked on it)."""
    run_import(courses)
    course = catalog.get_course("listening-basics")
    _module, lesson = web_module(course, "extra", trainer)
    web_module(course, "spare", trainer)
    ana, ben, cora = (enrollment.enroll(make_user(name=name), course) for name in ("Ana", "Ben", "Cora"))
    visits.visit_lesson(ana, lesson, utcnow(), IDLE)
    visits.complete_lesson(ben, lesson, utcnow(), IDLE)
    enrollment.withdraw(cora, trainer)
    db.session.commit()
    return course


def test_the_import_stops_before_archiving_modules_trainees_are_taking(courses, run_import, taken):
    events = db.session.scalar(select(func.count(AuditEvent.id)))
    edit(courses / "listening-basics" / "course.yaml", "en: Listening basics", "en: Listening, the basics")
    for options in ((), ("--dry-run",)):
        result = run_import(courses, *options, ok=False)
        assert f"not archived: {HELD}" in result.output
        assert "not archived: listening-basics/spare: 2 trainees taking the course, 0 worked on this module" \
               in result.output
        assert "2 modules on the site are not in the files" in result.output
        assert "nothing was imported" in result.output and "--archive-missing" in result.output
        assert not archived(taken, "extra") and not archived(taken, "spare")
        assert catalog.get_course("listening-basics") is not None
        assert db.session.scalar(select(func.count(AuditEvent.id))) == events  # not even the title's change


def test_archive_missing_archives_them_says_who_it_touched_and_records_it(courses, run_import, taken):
    preview = run_import(courses, "--dry-run", "--archive-missing")
    assert "archived module listening-basics/extra (2 trainees taking the course" in preview.output
    assert f"Would archive {HELD} (their records are kept)." in preview.output and "Dry run" in preview.output
    assert not archived(taken, "extra")

    result = run_import(courses, "--archive-missing")
    assert f"Archived {HELD} (their records are kept)." in result.output
    assert archived(taken, "extra") and archived(taken, "spare")
    extra, spare = rows("module.archived")
    assert extra.actor_id is None and extra.data == {"course_id": taken.id, "slug": "extra", "enrolled": 2,
                                                     "with_progress": 2, "completed": 1, "origin": "cli"}
    assert spare.data["with_progress"] == 0
    again = run_import(courses)  # archived already: nothing to hold, nothing to change
    assert "already up to date" in again.output


def test_a_module_nobody_is_taking_is_archived_as_before_and_comes_back_with_its_files(
        courses, run_import, trainer):
    run_import(courses)
    course = catalog.get_course("listening-basics")
    web_module(course, "extra", trainer)
    db.session.commit()
    result = run_import(courses)
    assert "modules: 1 archived" in result.output and "Archived" not in result.output
    assert archived(course, "extra")
    (row,) = rows("module.archived")
    assert row.data == {"course_id": course.id, "slug": "extra", "origin": "cli"}  # by `lms import-courses`

    listening = courses / "listening-basics" / "listening"
    gone = courses.parent / "kept-aside"
    gone.mkdir()
    for name in ("02-reflecting.en.md", "02-reflecting.es.md", "quiz.en.yaml", "quiz.es.yaml"):
        (listening / name).rename(gone / name)
    run_import(courses)
    for name in ("02-reflecting.en.md", "02-reflecting.es.md", "quiz.en.yaml", "quiz.es.yaml"):
        (gone / name).rename(listening / name)
    run_import(courses)
    assert [(e.action, e.data.get("slug") or e.data.get("module_id")) for e in db.session.execute(
        select(AuditEvent).where(AuditEvent.action.in_(("lesson.archived", "lesson.restored", "quiz.archived",
                                                         "quiz.restored"))).order_by(AuditEvent.id)).scalars()] == [
        ("lesson.archived", "reflecting"), ("quiz.archived", catalog.get_module(course, "listening").id),
        ("lesson.restored", "reflecting"), ("quiz.restored", catalog.get_module(course, "listening").id)]
    assert not catalog.get_lesson(catalog.get_module(course, "listening"), "reflecting").is_archived
