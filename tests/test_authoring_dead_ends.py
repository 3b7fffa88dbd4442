"""Course authoring must not leave trainees a course they can never finish (docs/learning.md, "Keeping a course
finishable"): in a published course a new self-paced or live module cannot be required before it has something to
complete; publishing refuses required self-paced modules with nothing to complete (naming them); a module with
live sessions still scheduled cannot be removed; the catalog counts live sessions only through ``lms.live.queries``;
and the publish confirmation counts, per language, the lessons and texts not translated or out of date."""

from __future__ import annotations

import ast
import re
from datetime import timedelta
from pathlib import Path

import pytest

import lms.catalog
from lms import db
from lms.accounts.models import SiteRole
from lms.catalog import course_authoring, lesson_authoring, module_authoring, quiz_authoring
from lms.catalog import services as catalog
from lms.catalog.models import CourseStatus, Module, ModuleKind, QuestionKind
from lms.catalog.texts import set_text
from lms.db import utcnow
from lms.enrollment import services as enrollment
from lms.enrollment import visits
from lms.enrollment.models import EnrollmentStatus
from lms.errors import DomainError
from lms.live import queries as live_queries
from lms.live import scheduling
from tests.live_support import live_course, schedule, soon

NEW_SELF_PACED = "a new self-paced module cannot be required yet"
NEW_LIVE = "a new live module cannot be required yet"
LIVE_REQUIRED = "a live module can be required only once it has an upcoming live session"


@pytest.fixture
def trainer(make_user, login):
    user = make_user("trainer@example.org", name="Tina Trainer", role=SiteRole.TRAINER, locale="en")
    login(user)
    return user


def _reading_course(author, *, publish=True):
    """A course with one required self-paced module, ``reading``, holding one lesson."""
    course = course_authoring.create_course(course_authoring.CourseData(slug="heat", title="Heat safety"), author)
    reading = module_authoring.add_module(course, module_authoring.ModuleData(slug="reading", title="Reading"), author)
    lesson_authoring.add_lesson(course, reading, "signs", "Signs", "Hot, dry skin.", 5, author)
    if publish:
        course_authoring.set_course_status(course, CourseStatus.PUBLISHED, author)
    db.session.commit()
    return course


def _add(client, u, course, slug, kind, required=True):
    data = {"slug": slug, "title": f"Module {slug}", "summary": "", "kind": kind, "credited_minutes": "30",
            "specialties": ""}
    if required:
        data["is_required"] = "y"
    return client.submit(u("lms.authoring.new_module", course_slug=course.slug), data)


def _edit(client, u, course, module, *, kind=None, required=True, confirm=""):
    data = {"title": f"Module {module.slug}", "summary": "", "kind": (kind or module.kind).value,
            "credited_minutes": str(module.credited_minutes), "specialties": "", "confirm": confirm}
    if required:
        data["is_required"] = "y"
    return client.submit(u("lms.authoring.edit_module", course_slug=course.slug, module_slug=module.slug), data)


def _module(course, slug) -> Module | None:
    db.session.expire_all()
    return next((m for m in catalog.load_outline(course).modules if m.slug == slug), None)


# ---------------------------------------------------------------- 1. adding a module to a published course


def test_a_published_course_gets_no_required_self_paced_module_with_nothing_in_it(client, u, trainer, make_user):
    course = _reading_course(trainer)
    trainee = make_user("rosa@example.org")
    record = enrollment.enroll(trainee, course)
    db.session.commit()

    page = client.get(u("lms.authoring.new_module", course_slug=course.slug)).text
    assert re.search(r'<input[^>]*name="is_required"[^>]*>', page).group(0).find("checked") == -1  # starts optional
    assert "This course is published. A new self-paced or live module starts optional" in page

    response = _add(client, u, course, "extra", "self_paced")
    assert response.status_code == 400 and NEW_SELF_PACED in response.text
    assert 'id="is_required-error"' in response.text  # shown at the checkbox
    assert _module(course, "extra") is None

    assert _add(client, u, course, "extra", "self_paced", required=False).status_code == 302
    extra = _module(course, "extra")
    assert extra is not None and not extra.is_required
    # The trainee is not stuck: the optional empty module does not hold the course back.
    visits.complete_lesson(record, catalog.get_lesson(_module(course, "reading"), "signs"), utcnow(),
                               timedelta(minutes=30))
    db.session.commit()
    assert enrollment.get_enrollment(trainee, course).status is EnrollmentStatus.COMPLETED

    # Required only once it has something to complete.
    assert "a self-paced module needs a lesson or a quiz" in _edit(client, u, course, extra).text
    lesson_authoring.add_lesson(course, extra, "more", "More", "Shade and water.", 5, trainer)
    db.session.commit()
    asked = _edit(client, u, course, extra)  # enrolments: the credit change is asked about first
    assert asked.status_code == 200 and "The course will credit" in asked.text
    assert _edit(client, u, course, extra, confirm="30:1").status_code == 302 and _module(course, "extra").is_required


def test_a_published_course_gets_no_required_live_module_without_an_upcoming_session(client, u, trainer):
    course = _reading_course(trainer)
    response = _add(client, u, course, "practice", "live")
    assert response.status_code == 400 and NEW_LIVE in response.text and 'id="is_required-error"' in response.text
    assert _module(course, "practice") is None

    assert _add(client, u, course, "practice", "live", required=False).status_code == 302
    practice = _module(course, "practice")
    response = _edit(client, u, course, practice)
    assert response.status_code == 400 and LIVE_REQUIRED in response.text and 'id="is_required-error"' in response.text
    assert not _module(course, "practice").is_required

    soon(practice, trainer, minutes_ahead=-30)  # started, attendance not taken: no one new can attend it
    assert LIVE_REQUIRED in _edit(client, u, course, _module(course, "practice")).text
    schedule(_module(course, "practice"), trainer)
    assert _edit(client, u, course, _module(course, "practice")).status_code == 302
    assert _module(course, "practice").is_required


def test_a_required_module_of_a_published_course_becomes_live_only_with_an_upcoming_session(client, u, trainer):
    course = _reading_course(trainer)
    assert _add(client, u, course, "field", "field").status_code == 302  # field hours can be logged at once
    field = _module(course, "field")
    assert field.is_required
    response = _edit(client, u, course, field, kind=ModuleKind.LIVE)
    assert response.status_code == 400 and LIVE_REQUIRED in response.text and 'id="kind-error"' in response.text
    assert _module(course, "field").kind is ModuleKind.FIELD
    assert _edit(client, u, course, field, kind=ModuleKind.LIVE, required=False).status_code == 302


def test_a_draft_course_takes_any_new_module(client, u, trainer):
    course = _reading_course(trainer, publish=False)
    assert "starts optional" not in client.get(u("lms.authoring.new_module", course_slug=course.slug)).text
    assert _add(client, u, course, "extra", "self_paced").status_code == 302
    assert _add(client, u, course, "practice", "live").status_code == 302
    assert _module(course, "extra").is_required and _module(course, "practice").is_required


# ---------------------------------------------------------------- 2. publishing


def test_publishing_refuses_required_self_paced_modules_with_nothing_to_complete(client, u, trainer):
    course = _reading_course(trainer, publish=False)
    empty = module_authoring.add_module(course, module_authoring.ModuleData(slug="empty", title="Water breaks"), trainer)
    module_authoring.add_module(course, module_authoring.ModuleData(slug="later", title="Later", is_required=False), trainer)
    quizzed = module_authoring.add_module(course, module_authoring.ModuleData(slug="quizzed", title="Shade"), trainer)
    lesson_authoring.add_lesson(course, quizzed, "shade", "Shade", "Find shade.", 5, trainer)
    quiz = quiz_authoring.ensure_quiz(course, quizzed, title="Check", pass_mark=80, max_attempts=None, actor=trainer)
    db.session.commit()
    url = u("lms.authoring.set_status", course_slug=course.slug)

    page = client.get(url, query_string={"status": "published"}).text
    assert ("Trainees could never complete the required self-paced module “Water breaks”: it has no lesson and no "
            "quiz.") in page
    assert "Trainees could never pass the quiz of the required module “Shade”: it has no questions." in page
    assert "“Later”" not in page  # an optional module holds no one back
    assert 'name="confirm"' not in page
    response = client.submit(url, {"status": "published", "confirm": "yes"}, follow_redirects=True)
    assert "“Water breaks”" in response.text and catalog.get_course("heat").status is CourseStatus.DRAFT
    with pytest.raises(DomainError):
        course_authoring.set_course_status(course, CourseStatus.PUBLISHED, trainer)
    db.session.rollback()

    quiz_authoring.ensure_quiz(course, empty, title="Check", pass_mark=80, max_attempts=None, actor=trainer)
    db.session.commit()
    page = client.get(url, query_string={"status": "published"}).text
    assert "the required self-paced modules" not in page
    assert "Trainees could never pass the quizzes of the required modules “Water breaks”, “Shade”" in page

    for made in (catalog.get_quiz(empty), quiz):
        quiz_authoring.save_question(course, made, None, slug="q1", kind=QuestionKind.SINGLE, prompt="Shade helps?",
                              options=[quiz_authoring.OptionData("yes", "Yes", True), quiz_authoring.OptionData("no", "No")],
                              actor=trainer)
    db.session.commit()
    assert "Yes, publish it</button>" in client.get(url, query_string={"status": "published"}).text
    assert client.submit(url, {"status": "published", "confirm": "yes"}).status_code == 302
    assert catalog.get_course("heat").status is CourseStatus.PUBLISHED


# ---------------------------------------------------------------- 3. removing a live module


def test_a_module_with_scheduled_live_sessions_cannot_be_removed(client, u, trainer):
    course, module = live_course(trainer, publish=False)
    first, second = schedule(module, trainer, repeat=2)
    url = u("lms.authoring.remove_module", course_slug=course.slug, module_slug=module.slug)

    page = client.get(url).text
    assert "This module cannot be removed while it has live sessions: it has 2 scheduled live sessions." in page
    assert "Yes, remove it" not in page and u("lms.sessions.teach", all=1) in page
    response = client.submit(url, follow_redirects=True)
    assert "it has 2 scheduled live sessions. Cancel them on the Live sessions page first" in response.text
    assert _module(course, module.slug) is not None

    scheduling.cancel_session(scheduling.get_session(first.id), "Room flooded", trainer, utcnow())
    db.session.commit()
    assert "it has 1 scheduled live session. Cancel it" in client.submit(url, follow_redirects=True).text
    scheduling.cancel_session(scheduling.get_session(second.id), "Trainer ill", trainer, utcnow())
    db.session.commit()
    assert "Yes, remove it" in client.get(url).text
    assert client.submit(url).status_code == 302 and _module(course, module.slug) is None


# ---------------------------------------------------------------- 4. the catalog reads live sessions through lms.live


def test_the_catalog_reads_live_sessions_only_through_live_queries():
    for path in Path(lms.catalog.__file__).parent.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("lms.live"):
                names = {alias.name for alias in node.names}
                assert node.module == "lms.live.queries" or (node.module == "lms.live" and names == {"queries"}), path
            if isinstance(node, ast.Import):
                assert not any(alias.name.startswith("lms.live") for alias in node.names), path


def test_live_queries_count_a_modules_sessions_by_what_they_allow(trainer):
    course, module = live_course(trainer)
    *_upcoming, cancelled = schedule(module, trainer, repeat=4)
    scheduling.cancel_session(cancelled, "No room", trainer, utcnow())
    soon(module, trainer, minutes_ahead=-30)
    held = soon(module, trainer, minutes_ahead=-300)
    scheduling.complete_session(held, trainer, utcnow())
    db.session.commit()
    counts = live_queries.count_module_sessions([module.id, 0])
    assert counts[module.id] == live_queries.ModuleSessions(upcoming=3, started=1, held=1)
    assert counts[module.id].scheduled == 4 and counts[0] == live_queries.ModuleSessions()
    assert live_queries.count_module_sessions([]) == {}


# ---------------------------------------------------------------- 5. translations on the publish confirmation


def test_publish_confirmation_counts_translations_missing_or_out_of_date_per_language(client, u, trainer):
    course = _reading_course(trainer, publish=False)
    reading = catalog.get_module(course, "reading")
    first = catalog.get_lesson(reading, "signs")
    second = lesson_authoring.add_lesson(course, reading, "water", "Water", "Drink water.", 5, trainer)
    lesson_authoring.add_lesson(course, reading, "shade", "Shade", "Find shade.", 5, trainer)
    for lesson, title, body in ((first, "Señales", "Piel caliente y seca."), (second, "Agua", "Beba agua.")):
        set_text(course, lesson, "title", "es", title, trainer)
        set_text(course, lesson, "body", "es", body, trainer)
    set_text(course, course, "title", "es", "Seguridad ante el calor", trainer)
    lesson_authoring.update_lesson(course, second, "Water", "Drink water often.", 5, trainer)  # its translation is stale
    course_authoring.update_course(course, course_authoring.CourseData(slug="heat", title="Heat and safety"), trainer)
    db.session.commit()

    page = client.get(u("lms.authoring.set_status", course_slug=course.slug), query_string={"status": "published"}).text
    table = page.split('id="translation-gaps"')[1].split("</table>")[0]
    row = table.split('<th scope="row">Spanish</th>')[1].split("</tr>")[0]
    # Lessons: "shade" not translated, "water" out of date; other texts: the module title not translated, the
    # course title out of date.
    assert re.findall(r"<td>(\d+)</td>", row) == ["1", "1", "1", "1"]
    assert "Lessons not translated" in table and "Other texts out of date" in table
    assert "Yes, publish it</button>" in page  # counting is a warning, not a refusal

    page = client.get(u("lms.authoring.set_status", course_slug=course.slug), query_string={"status": "archived"}).text
    assert 'id="translation-gaps"' not in page  # only publishing shows it


def test_publish_confirmation_warns_about_required_live_modules_with_no_upcoming_session(client, u, trainer):
    course, module = live_course(trainer, publish=False)
    url = u("lms.authoring.set_status", course_slug=course.slug)
    page = client.get(url, query_string={"status": "published"}).text
    assert ("The required live module “Role-play practice” has no upcoming session: trainees cannot complete it, "
            "nor the course, until one is scheduled.") in page
    assert "Yes, publish it</button>" in page
    schedule(module, trainer)
    assert 'id="live-without-sessions"' not in client.get(url, query_string={"status": "published"}).text
