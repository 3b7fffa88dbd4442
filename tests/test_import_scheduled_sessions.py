"""A course import never archives a module its files leave out while that module has live sessions still scheduled
(started or not), whatever ``--archive-missing`` says, as removing it on the authoring pages is refused
(docs/course-format.md, "What an import changes"): it stops, nothing imported, naming the module and how many
sessions, and says to cancel them first. Cancelled and held sessions do not stop it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from lms import db
from lms.audit import AuditEvent
from lms.catalog import module_authoring
from lms.catalog import services as catalog
from lms.catalog.models import ModuleKind
from lms.db import utcnow
from lms.enrollment import services as enrollment
from lms.live import scheduling
from tests.live_support import held_at, schedule

LINE = "not archived: listening-basics/practice: {}"


def archived(course, slug: str) -> bool:
    db.session.expire_all()
    return catalog.get_module(course, slug).is_archived


def count_events() -> int:
    return db.session.scalar(select(func.count(AuditEvent.id)))


@pytest.fixture
def course(courses, run_import, trainer):
    """listening-basics imported, with a live module ``practice`` added on the site (the files do not have it)."""
    run_import(courses)
    course = catalog.get_course("listening-basics")
    module_authoring.add_module(course, module_authoring.ModuleData(slug="practice", title="Practice", kind=ModuleKind.LIVE,
                                                  credited_minutes=60, is_required=False), trainer)
    db.session.commit()
    return course


def practice(course):
    return catalog.get_module(course, "practice")


@pytest.mark.parametrize("options", [(), ("--archive-missing",), ("--dry-run", "--archive-missing")])
def test_a_module_with_scheduled_sessions_is_not_archived_whatever_the_options(courses, run_import, trainer, course,
                                                                             options):
    schedule(practice(course), trainer, repeat=2)
    events = count_events()
    result = run_import(courses, *options, ok=False)
    assert LINE.format("2 scheduled live sessions") in result.output
    assert "1 module on the site is not in the files but still has scheduled live sessions" in result.output
    assert "even with --archive-missing; nothing was imported" in result.output
    assert "Cancel its sessions first, on the Live sessions page" in result.output
    assert "trainees are taking" not in result.output  # nobody is: only the sessions stop it
    assert not archived(course, "practice") and count_events() == events


def test_a_started_session_counts_and_the_line_says_so(courses, run_import, trainer, course):
    held_at(practice(course), trainer, utcnow() - timedelta(minutes=30), 120)  # running now: scheduled, started
    schedule(practice(course), trainer)
    result = run_import(courses, "--archive-missing", ok=False)
    assert LINE.format("2 scheduled live sessions (1 has started)") in result.output
    assert not archived(course, "practice")


def test_once_its_sessions_are_cancelled_or_held_the_module_is_archived(courses, run_import, trainer, course):
    (ahead,) = schedule(practice(course), trainer)
    past = held_at(practice(course), trainer, utcnow() - timedelta(days=3), 60)
    scheduling.complete_session(past, trainer, utcnow())
    db.session.commit()
    run_import(courses, ok=False)
    scheduling.cancel_session(ahead, "Moved online", trainer, utcnow())
    db.session.commit()
    result = run_import(courses)
    assert "modules: 1 archived" in result.output
    assert archived(course, "practice")


def test_sessions_and_trainees_are_both_named_and_nothing_is_imported_once(courses, run_import, trainer, course,
                                                                          make_user):
    schedule(practice(course), trainer)
    enrollment.enroll(make_user(name="Ana"), course)
    module_authoring.add_module(course, module_authoring.ModuleData(slug="extra", title="Extra", is_required=False), trainer)
    db.session.commit()
    result = run_import(courses, ok=False)
    assert LINE.format("1 scheduled live session") in result.output
    assert "not archived: listening-basics/practice: 1 trainee taking the course" in result.output
    assert "not archived: listening-basics/extra: 1 trainee taking the course" in result.output
    assert "1 module on the site is not in the files but still has scheduled live sessions" in result.output
    assert "2 modules on the site are not in the files, and trainees are taking their course or worked on them. " \
           "To keep them" in result.output
    assert result.output.count("nothing was imported") == 1
    assert not archived(course, "practice") and not archived(course, "extra")

    result = run_import(courses, "--archive-missing", ok=False)  # the trainees no longer stop it; the session does
    assert LINE.format("1 scheduled live session") in result.output and "trainees are taking" not in result.output
    assert not archived(course, "extra")  # nothing is imported while one module is refused
