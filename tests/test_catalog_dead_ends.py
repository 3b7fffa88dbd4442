"""Three more ways a published course could leave trainees stuck, closed (docs/learning.md, "Keeping a course
finishable"; rules in ``lms.catalog.module_kind``):

1. restoring a removed required module that trainees could not complete (no lesson and no quiz, a quiz with no
   question, or a live module with no upcoming session) brings it back optional, as a new module is added;
2. a course import refuses to add, bring back, make required or make live a required module of a published course
   that trainees could not complete yet (the files keep the last word, so it is not made optional behind them);
3. a required live module with no upcoming session (all cancelled) is flagged on the trainer's authoring page, told
   plainly to trainees on the course page, and warned about when its last session is cancelled; it stays required.
"""

from __future__ import annotations

import shutil
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from lms import db
from lms.audit import AuditEvent
from lms.catalog import course_authoring, lesson_authoring, module_authoring, module_kind, quiz_authoring, removal
from lms.catalog import services as catalog
from lms.catalog.models import CourseStatus, Module, ModuleKind
from lms.content import ImportFailure, import_courses, read_courses
from lms.db import utcnow
from lms.enrollment import services as enrollment
from lms.enrollment import visits
from lms.enrollment.models import EnrollmentStatus
from lms.live import scheduling
from tests.live_support import live_course, schedule, soon

FIXTURE = Path(__file__).parent / "fixtures" / "courses"
RESTORED = "is restored. Trainees see it again."
RESTORED_OPTIONAL = "is restored as an optional module"
IMPORT_LIVE = "In a published course, a live module can be required only once it has an upcoming live session"
TRAINEE_NOTE = "No live session is scheduled for this module for now, so it cannot be completed yet."
TRAINER_FLAG = "Required live module with no upcoming session."
CANCEL_WARNING = "has no upcoming live session left: trainees cannot complete the course until one is scheduled."


@pytest.fixture
def trainer(trainer, login):
    """The trainer of tests/conftest.py, signed in on ``client``."""
    login(trainer)
    return trainer


def _module(course, slug) -> Module:
    db.session.expire_all()
    return catalog.get_module(course, slug)


def _restore(client, u, course, slug):
    return client.submit(u("lms.authoring.restore_module", course_slug=course.slug, module_slug=slug),
                         follow_redirects=True)


def _restored_event(module) -> AuditEvent:
    return db.session.execute(select(AuditEvent).where(AuditEvent.action == "module.restored",
                                                       AuditEvent.object_id == module.id)).scalar_one()


# ---------------------------------------------------------------- 1. restoring a module


def _course_with_removed(author, *, lessons_left: bool, quiz: bool = False):
    """A published course: ``reading`` (a lesson) and the removed required module ``water``, removed while the course
    was a draft, with its lesson removed first unless ``lessons_left`` (and, with ``quiz``, a quiz of no question)."""
    course = course_authoring.create_course(course_authoring.CourseData(slug="heat", title="Heat safety"), author)
    reading = module_authoring.add_module(course, module_authoring.ModuleData(slug="reading", title="Reading"), author)
    lesson_authoring.add_lesson(course, reading, "signs", "Signs", "Hot, dry skin.", 5, author)
    water = module_authoring.add_module(course, module_authoring.ModuleData(slug="water", title="Water breaks"), author)
    drink = lesson_authoring.add_lesson(course, water, "drink", "Drink", "Drink every 20 minutes.", 5, author)
    if quiz:
        quiz_authoring.ensure_quiz(course, water, title="Check", pass_mark=80, max_attempts=None, actor=author)
    if not lessons_left:
        removal.remove(course, drink, author)
    removal.remove(course, water, author)
    course_authoring.set_course_status(course, CourseStatus.PUBLISHED, author)  # a removed module does not stop publishing
    db.session.commit()
    return course


def test_a_required_module_with_nothing_to_complete_is_restored_optional_and_no_one_is_stuck(
        client, u, trainer, make_user):
    course = _course_with_removed(trainer, lessons_left=False)
    trainee = make_user("rosa@example.org")
    record = enrollment.enroll(trainee, course)
    db.session.commit()

    response = _restore(client, u, course, "water")
    assert ("“Water breaks” is restored as an optional module: it has no lesson or quiz trainees could complete yet "
            "(a quiz needs a question).") in response.text
    water = _module(course, "water")
    assert not water.is_archived and not water.is_required
    assert _restored_event(water).data["made_optional"] is True

    # The trainee is not held back by it: reading the one lesson of the required module completes the course.
    visits.complete_lesson(record, catalog.get_lesson(_module(course, "reading"), "signs"), utcnow(),
                               timedelta(minutes=30))
    db.session.commit()
    assert enrollment.get_enrollment(trainee, course).status is EnrollmentStatus.COMPLETED

    # Its removed lesson is now listed to restore; with it back, the module can be made required again.
    page = client.get(u("lms.authoring.course", course_slug=course.slug)).text
    lesson_url = u("lms.authoring.restore_lesson", course_slug=course.slug, module_slug="water", lesson_slug="drink")
    assert lesson_url in page.split('id="removed"')[1]
    assert client.submit(lesson_url).status_code == 302
    data = {"title": "Water breaks", "summary": "", "kind": "self_paced", "credited_minutes": "60",
            "specialties": "", "is_required": "y", "confirm": "60:1"}  # asked about first: trainees are enrolled
    assert client.submit(u("lms.authoring.edit_module", course_slug=course.slug, module_slug="water"),
                         data).status_code == 302
    assert _module(course, "water").is_required


def test_a_required_module_whose_only_quiz_has_no_question_is_restored_optional(client, u, trainer):
    course = _course_with_removed(trainer, lessons_left=False, quiz=True)
    assert RESTORED_OPTIONAL in _restore(client, u, course, "water").text
    assert not _module(course, "water").is_required


def test_a_module_trainees_can_complete_is_restored_as_it_was(client, u, trainer):
    course = _course_with_removed(trainer, lessons_left=True)
    response = _restore(client, u, course, "water")
    assert f"“Water breaks” {RESTORED}" in response.text and RESTORED_OPTIONAL not in response.text
    water = _module(course, "water")
    assert not water.is_archived and water.is_required
    assert "made_optional" not in _restored_event(water).data


def test_a_required_live_module_comes_back_optional_until_a_session_is_scheduled(client, u, trainer):
    course, live = live_course(trainer, publish=False)
    reading = module_authoring.add_module(course, module_authoring.ModuleData(slug="reading", title="Reading"), trainer)
    lesson_authoring.add_lesson(course, reading, "signs", "Signs", "Hot, dry skin.", 5, trainer)
    removal.remove(course, live, trainer)
    course_authoring.set_course_status(course, CourseStatus.PUBLISHED, trainer)
    db.session.commit()

    response = _restore(client, u, course, "live")
    assert ("“Role-play practice” is restored as an optional module: it has no upcoming live session, so trainees "
            "could not complete it yet. Schedule a session for it, then make it required in its settings.") in response.text
    assert not _module(course, "live").is_required


def test_a_draft_course_gets_its_module_back_as_it_was(client, u, trainer):
    course = _course_with_removed(trainer, lessons_left=False)
    course_authoring.set_course_status(course, CourseStatus.DRAFT, trainer)
    db.session.commit()
    assert RESTORED in _restore(client, u, course, "water").text
    assert _module(course, "water").is_required


# ---------------------------------------------------------------- 2. course imports


def _add_live_module(root: Path, *, required: str) -> Path:
    """A live module folder ``practice`` in listening-basics, listed last in course.yaml; its module.yaml."""
    course_yaml = root / "listening-basics" / "course.yaml"
    if "  - practice" not in course_yaml.read_text(encoding="utf-8"):
        course_yaml.write_text(course_yaml.read_text(encoding="utf-8") + "  - practice\n", encoding="utf-8")
    folder = root / "listening-basics" / "practice"
    folder.mkdir(exist_ok=True)
    (folder / "module.yaml").write_text(
        f"kind: live\nrequired: {required}\ncredited_minutes: 90\ntitle:\n  en: Role-play practice\n", encoding="utf-8")
    return folder / "module.yaml"


def test_an_import_adds_no_required_live_module_to_a_published_course_before_it_has_a_session(
        courses, run_import, trainer):
    run_import(courses)
    course = catalog.get_course("listening-basics")
    assert course.status is CourseStatus.PUBLISHED

    path = _add_live_module(courses, required="true")
    result = run_import(courses, ok=False)
    assert f"{path}:1: {IMPORT_LIVE}" in result.output
    assert "Import it with “required: false”, schedule a session for it" in result.output
    assert "nothing was imported" in result.output
    assert "practice" not in {m.slug for m in catalog.load_outline(course, include_archived=True).modules}

    _add_live_module(courses, required="false")  # what the message says to do
    run_import(courses)
    practice = _module(course, "practice")
    assert practice.kind is ModuleKind.LIVE and not practice.is_required

    _add_live_module(courses, required="true")  # made required in the files before any session: refused again
    assert IMPORT_LIVE in run_import(courses, ok=False).output
    assert not _module(course, "practice").is_required

    schedule(practice, trainer)
    run_import(courses)
    assert _module(course, "practice").is_required
    run_import(courses)  # importing the same files again changes nothing and is not refused


def test_an_import_may_bring_a_required_live_module_with_a_new_course_or_one_it_takes_out_of_publication(
        courses, run_import):
    _add_live_module(courses, required="true")
    run_import(courses)  # a new course published by the import: publishing only warns about live modules
    course = catalog.get_course("listening-basics")
    assert course.status is CourseStatus.PUBLISHED and _module(course, "practice").is_required
    run_import(courses)  # its sessions are not the import's business: the same files import again

    course_yaml, folder = courses / "listening-basics" / "course.yaml", courses / "listening-basics" / "practice"
    course_yaml.write_text(course_yaml.read_text(encoding="utf-8").replace("  - practice\n", ""), encoding="utf-8")
    shutil.move(folder, courses.parent / "practice")
    run_import(courses)
    assert _module(course, "practice").is_archived

    shutil.move(courses.parent / "practice", folder)
    course_yaml.write_text(course_yaml.read_text(encoding="utf-8") + "  - practice\n", encoding="utf-8")
    assert IMPORT_LIVE in run_import(courses, ok=False).output  # back in a published course: as a new module
    course_yaml.write_text(course_yaml.read_text(encoding="utf-8").replace("status: published", "status: draft"),
                           encoding="utf-8")
    run_import(courses)  # it comes back as the course goes back to draft: nobody is held to it there
    assert not _module(course, "practice").is_archived and catalog.get_course("listening-basics").status is CourseStatus.DRAFT


def test_an_import_refuses_a_required_self_paced_module_with_nothing_to_complete(courses, run_import):
    """The files cannot describe one (validation asks for a lesson or a quiz with a question), but the importer's
    check stands on its own, with the rule publishing uses."""
    run_import(courses)
    reading = read_courses(courses)
    spec = reading.courses[0]
    extra = next(m for m in spec.modules if m.slug == "follow-up")
    spec.modules.append(type(extra)(path=extra.path, slug="extra", kind=ModuleKind.SELF_PACED, is_required=True,
                                    credited_minutes=10, texts={"title": {"en": "Extra"}}))
    with pytest.raises(ImportFailure, match="a required self-paced module needs a lesson or a quiz"):
        import_courses(reading.courses)
    db.session.rollback()


# ---------------------------------------------------------------- 3. a required live module with no session left


def _cancel(client, u, session, reason="Trainer ill"):
    return client.submit(u("lms.sessions.cancel", session_id=session.id), {"reason": reason}, follow_redirects=True)


def test_cancelling_the_last_session_warns_the_trainer_flags_the_module_and_tells_trainees(
        client, u, trainer, make_user, client_as):
    course, live = live_course(trainer)
    first, second = schedule(live, trainer, repeat=2)
    trainee = make_user("rosa@example.org")
    enrollment.enroll(trainee, course)
    db.session.commit()
    learner = client_as(trainee)
    course_page = u("lms.courses.course", course_slug=course.slug)
    authoring_page = u("lms.authoring.course", course_slug=course.slug)
    assert TRAINEE_NOTE not in learner.get(course_page).text
    assert TRAINER_FLAG not in client.get(authoring_page).text

    assert CANCEL_WARNING not in _cancel(client, u, first).text  # another session is still ahead
    response = _cancel(client, u, second)
    assert ("“Role-play practice” is a required module of “Practice course” and has no upcoming live session left: "
            "trainees cannot complete the course until one is scheduled.") in response.text

    page = client.get(authoring_page).text
    card = page.split('id="module-live"')[1].split("</li>")[0]
    assert TRAINER_FLAG in card and u("lms.sessions.create", module=live.id) in card
    page = learner.get(course_page).text
    assert TRAINEE_NOTE in page.split('id="module-live"')[1]
    assert "ask your trainer or your organisation's training coordinator" in page
    assert ("No live session is scheduled for now for the required module “Role-play practice”, so you cannot "
            "complete this course yet.") in page
    assert _module(course, "live").is_required  # left as the trainer set it

    schedule(_module(course, "live"), trainer)  # a new session clears every sign
    assert TRAINEE_NOTE not in learner.get(course_page).text
    assert TRAINER_FLAG not in client.get(authoring_page).text


def test_a_started_session_is_not_one_a_trainee_could_still_attend(client, u, trainer):
    course, live = live_course(trainer)
    soon(live, trainer, minutes_ahead=-30)
    assert TRAINER_FLAG in client.get(u("lms.authoring.course", course_slug=course.slug)).text
    assert TRAINEE_NOTE in client.get(u("lms.courses.course", course_slug=course.slug)).text


def test_an_optional_live_module_needs_no_warning(client, u, trainer):
    course, live = live_course(trainer)
    data = {"title": "Role-play practice", "summary": "", "kind": "live", "credited_minutes": "120", "specialties": ""}
    assert client.submit(u("lms.authoring.edit_module", course_slug=course.slug, module_slug="live"),
                         data).status_code == 302
    session = schedule(_module(course, "live"), trainer)[0]
    assert CANCEL_WARNING not in _cancel(client, u, session).text
    assert TRAINER_FLAG not in client.get(u("lms.authoring.course", course_slug=course.slug)).text
    assert TRAINEE_NOTE not in client.get(u("lms.courses.course", course_slug=course.slug)).text
    assert scheduling.get_session(session.id).status.value == "cancelled"


def test_the_pages_ask_the_one_rule(trainer):
    """The flag, the note and the warning all come from ``list_live_without_sessions``, which ignores what the outline
    already excludes and counts only upcoming sessions."""
    course, live = live_course(trainer)
    assert module_kind.list_live_without_sessions(course) == [live]
    assert module_kind.list_live_without_sessions(course, modules=[live]) == [live]
    schedule(live, trainer)
    assert module_kind.list_live_without_sessions(course, modules=[live]) == []
    assert module_kind.can_be_completed(live)
