"""Changing a module's kind from the authoring page once people rely on it: refused while the module has live
sessions that are not cancelled (their registrations would dangle), and in a published course when it would leave a
module trainees could never complete (the rule that refuses removing the last lesson); allowed otherwise."""

from __future__ import annotations

from datetime import timedelta

import pytest

from lms import db
from lms.accounts.models import SiteRole
from lms.catalog import course_authoring, lesson_authoring, module_authoring
from lms.catalog.models import CourseStatus, ModuleKind
from lms.db import utcnow
from lms.enrollment import services as enrollment
from lms.live import registration, scheduling
from lms.live.models import RegistrationStatus, SessionStatus
from tests.live_support import live_course, schedule

SCHEDULED = "cannot change while it has live sessions"
HELD = "Live sessions of this module were held"
EMPTY = "a self-paced module needs a lesson or a quiz"


@pytest.fixture
def trainer(make_user, login):
    user = make_user("coach@example.org", name="Carmen Coach", role=SiteRole.TRAINER)
    login(user)
    return user


def _edit(client, u, course, module, **changes):
    data = {"title": "Role-play practice", "summary": "", "kind": module.kind.value,
            "credited_minutes": str(module.credited_minutes), "is_required": "y", "specialties": "", **changes}
    if not data["is_required"]:
        del data["is_required"]
    return client.submit(u("lms.authoring.edit_module", course_slug=course.slug, module_slug=module.slug), data)


def _kind(module) -> ModuleKind:
    db.session.expire_all()
    return db.session.get(type(module), module.id).kind


def test_a_live_module_with_a_scheduled_session_keeps_its_kind(client, u, trainer, make_user):
    course, module = live_course(trainer)
    session = schedule(module, trainer)[0]
    trainee = make_user("rosa@example.org", name="Rosa")
    registration.register(session, trainee, trainee, utcnow())
    db.session.commit()

    response = _edit(client, u, course, module, kind="field")
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert SCHEDULED in page and "Cancel it on the Live sessions page first" in page
    assert 'id="kind-error"' in page and 'aria-invalid="true"' in page  # shown at the field
    assert _kind(module) is ModuleKind.LIVE
    session = scheduling.get_session(session.id)
    assert session.status is SessionStatus.SCHEDULED
    assert registration.get_registration(session, trainee).status is RegistrationStatus.REGISTERED

    # Other changes to the same module are still saved.
    assert _edit(client, u, course, module, credited_minutes="90", confirm="90:1").status_code == 302
    assert db.session.get(type(module), module.id).credited_minutes == 90


def test_once_its_sessions_are_cancelled_the_kind_can_change(client, u, trainer):
    course, module = live_course(trainer)
    sessions = schedule(module, trainer, repeat=2)
    scheduling.cancel_session(sessions[0], "Room flooded", trainer, utcnow())
    db.session.commit()
    response = _edit(client, u, course, module, kind="field")
    assert response.status_code == 400 and "it has 1 scheduled live session." in response.get_data(as_text=True)

    scheduling.cancel_session(scheduling.get_session(sessions[1].id), "Trainer ill", trainer, utcnow())
    db.session.commit()
    assert _edit(client, u, course, module, kind="field").status_code == 302
    assert _kind(module) is ModuleKind.FIELD


def test_a_live_module_whose_sessions_were_held_keeps_its_kind(client, u, trainer):
    course, module = live_course(trainer)
    session = schedule(module, trainer, allow_past=True, day=(utcnow() - timedelta(days=3)).date())[0]
    scheduling.complete_session(session, trainer, utcnow())
    db.session.commit()
    response = _edit(client, u, course, module, kind="self_paced")
    assert response.status_code == 400 and HELD in response.get_data(as_text=True)
    assert _kind(module) is ModuleKind.LIVE


def _published_with_empty_live_module(trainer):
    """A published course: a self-paced module with a lesson, and a live module with no lesson and no quiz."""
    course = course_authoring.create_course(course_authoring.CourseData(slug="heat", title="Heat safety"), trainer)
    reading = module_authoring.add_module(course, module_authoring.ModuleData(slug="reading", title="Reading"), trainer)
    lesson_authoring.add_lesson(course, reading, "signs", "Signs", "Hot, dry skin.", 5, trainer)
    live = module_authoring.add_module(course, module_authoring.ModuleData(slug="practice", title="Role-play practice",
                                                         kind=ModuleKind.LIVE), trainer)
    course_authoring.set_course_status(course, CourseStatus.PUBLISHED, trainer)
    db.session.commit()
    return course, live


def test_an_empty_module_of_a_published_course_cannot_become_self_paced(client, u, trainer, make_user):
    course, live = _published_with_empty_live_module(trainer)
    trainee = make_user()
    enrollment.enroll(trainee, course)
    db.session.commit()

    response = _edit(client, u, course, live, kind="self_paced")
    assert response.status_code == 400 and EMPTY in response.get_data(as_text=True)
    assert _kind(live) is ModuleKind.LIVE

    # With a lesson first, it can.
    lesson_authoring.add_lesson(course, live, "script", "Script", "Practise the greeting.", 5, trainer)
    db.session.commit()
    assert _edit(client, u, course, live, kind="self_paced").status_code == 302
    assert _kind(live) is ModuleKind.SELF_PACED


def test_an_empty_optional_self_paced_module_cannot_become_required(client, u, trainer):
    course, _live = _published_with_empty_live_module(trainer)
    extra = module_authoring.add_module(course, module_authoring.ModuleData(slug="extra", title="Extra", is_required=False), trainer)
    db.session.commit()
    response = _edit(client, u, course, extra, title="Extra", is_required="y")
    assert response.status_code == 400 and EMPTY in response.get_data(as_text=True)
    assert db.session.get(type(extra), extra.id).is_required is False
    # Saving it unchanged (still optional) is not refused.
    assert _edit(client, u, course, extra, title="Extra reading", is_required="").status_code == 302


def test_in_a_draft_course_an_empty_module_may_become_self_paced(client, u, trainer):
    course, live = _published_with_empty_live_module(trainer)
    course_authoring.set_course_status(course, CourseStatus.DRAFT, trainer)
    db.session.commit()
    assert _edit(client, u, course, live, kind="self_paced").status_code == 302
    assert _kind(live) is ModuleKind.SELF_PACED
