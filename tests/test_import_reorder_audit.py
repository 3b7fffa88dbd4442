"""A course import that changes the order of a course's modules, a module's lessons or a quiz's questions writes the
audit row a move on the authoring pages writes (lms.catalog.ordering), with no one as actor, and the course History
reads it the same; an import that changes no order (the same files again, or items only added or removed around the
others) writes none."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from lms import db
from lms.accounts.models import SiteRole
from lms.audit import AuditEvent
from lms.catalog import services as catalog
from tests.test_course_history import history_page, rows

ACTIONS = ("course.modules_reordered", "module.lessons_reordered", "quiz.questions_reordered")
SLUG = "listening-basics"


def _reorder_rows() -> list[AuditEvent]:
    return list(db.session.execute(select(AuditEvent).where(AuditEvent.action.in_(ACTIONS))
                                   .order_by(AuditEvent.id)).scalars())


def _names(order: list[dict]) -> list[str]:
    return [item["name"] for item in order]


def _rename(folder: Path, old: str, new: str) -> None:
    for path in folder.glob(f"{old}.*.md"):
        path.rename(folder / path.name.replace(old, new))


def _swap_lines(path: Path, first: str, second: str) -> None:
    """Swap two blocks of a YAML list: the lines from ``first`` up to ``second``, and from ``second`` to the end of
    its own block (the next item at the same indent, or the end)."""
    lines = path.read_text(encoding="utf-8").split("\n")
    a, b = lines.index(first), lines.index(second)
    end = next((n for n in range(b + 1, len(lines)) if lines[n].startswith(first[:first.index("-") + 1])), len(lines))
    path.write_text("\n".join(lines[:a] + lines[b:end] + lines[a:b] + lines[end:]), encoding="utf-8")


@pytest.fixture
def imported(app, courses, run_import):
    run_import(courses)
    assert _reorder_rows() == []  # a new course has no order to change
    run_import(courses)
    assert _reorder_rows() == []  # the same files again: nothing
    return courses / SLUG


def test_reordered_modules_lessons_and_questions_get_a_row_each(imported, run_import, client, u, login, make_user):
    course_file = imported / "course.yaml"
    course_file.write_text(course_file.read_text(encoding="utf-8").replace(
        "  - listening\n  - follow-up", "  - follow-up\n  - listening"), encoding="utf-8")
    _rename(imported / "listening", "01-why-listen", "03-why-listen")
    for locale in ("en", "es"):
        quiz = imported / "listening" / f"quiz.{locale}.yaml"
        _swap_lines(quiz, "  - id: best-reflection", "  - id: good-signs")
    run_import(imported.parent)

    course = catalog.get_course(SLUG)
    listening = catalog.get_module(course, "listening")
    found = {row.action: row for row in _reorder_rows()}
    assert len(found) == len(_reorder_rows()) == 3  # one row per list
    modules, lessons, questions = (found[action] for action in ACTIONS)
    assert (modules.object_type, modules.object_id) == ("Course", course.id)
    assert _names(modules.data["was"]["order"]) == ["Listening", "Following up"]
    assert _names(modules.data["order"]) == ["Following up", "Listening"]
    assert (lessons.object_type, lessons.object_id) == ("Module", listening.id)
    assert _names(lessons.data["was"]["order"]) == ["Why listen", "Reflecting back"]
    assert _names(lessons.data["order"]) == ["Reflecting back", "Why listen"]
    quiz = catalog.get_quiz(listening)
    assert (questions.object_type, questions.object_id, questions.data["module_id"]) == ("Quiz", quiz.id, listening.id)
    assert _names(questions.data["order"])[:2] == ["Which show you are listening?", "Which answer reflects back?"]
    assert all(row.actor_id is None and row.data["course_id"] == course.id for row in (modules, lessons, questions))

    run_import(imported.parent)
    assert len(_reorder_rows()) == 3  # imported again unchanged: no more rows

    login(make_user("tina@example.org", role=SiteRole.TRAINER))
    history = rows(history_page(client, u, SLUG))
    row = next(text for text in history if "Modules reordered" in text)
    assert "Order of the modules: 1. Listening; 2. Following up → 1. Following up; 2. Listening" in row


def test_items_added_or_removed_around_the_others_change_no_order(imported, run_import):
    follow_up = imported / "follow-up"
    for locale in ("en", "es"):  # a new lesson after the one there
        (follow_up / f"02-next-visit.{locale}.md").write_text(
            f"---\ntitle: Next visit {locale}\nminutes: 5\n---\nPlan the next visit.\n", encoding="utf-8")
    for path in (imported / "listening").glob("01-why-listen.*.md"):  # the first lesson of the other module leaves
        path.unlink()
    run_import(imported.parent)
    course = catalog.get_course(SLUG)
    assert [lesson.slug for lesson in catalog.load_outline(course).lessons[catalog.get_module(course, "follow-up").id]
            ] == ["closing-the-loop", "next-visit"]
    assert _reorder_rows() == []
