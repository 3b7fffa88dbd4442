"""Module edits that would change what trainees are credited (found by the trainer QA pass):

- a live module's credited minutes cannot rise above the length of a session it already has: attending a 2-hour
  session credited (and printed on the certificate) 3 hours after the module was edited to 180 minutes;
- a module's kind cannot change once trainees have worked on it: a self-paced module made field experience (and
  back) left a trainee who had read every lesson and passed the quiz unable to complete it."""

from __future__ import annotations

from datetime import timedelta

import pytest

from lms import db
from lms.catalog import course_authoring, lesson_authoring, module_authoring
from lms.catalog import services as catalog
from lms.catalog.models import CourseStatus, ModuleKind
from lms.db import utcnow
from lms.enrollment import services as learning
from lms.enrollment import visits
from lms.errors import DomainError
from tests.live_support import schedule


def _data(module, **changes) -> module_authoring.ModuleData:
    values = {"slug": module.slug, "title": "Role-play practice", "kind": module.kind,
              "credited_minutes": module.credited_minutes, "is_required": module.is_required}
    return module_authoring.ModuleData(**{**values, **changes})


def test_a_live_module_cannot_credit_more_than_its_shortest_session(module, trainer):
    course = catalog.get_course("practice")
    schedule(module, trainer, minutes=120)
    with pytest.raises(DomainError) as refused:
        module_authoring.update_module(course, module, _data(module, credited_minutes=180), trainer)
    assert refused.value.details["field"] == "credited_minutes" and "2 hours" in refused.value.message
    db.session.rollback()
    assert module_authoring.update_module(course, module, _data(module, credited_minutes=90), trainer)  # lowering is fine
    assert module_authoring.update_module(course, module, _data(module, credited_minutes=120), trainer)  # up to the length


def test_the_edit_form_shows_the_refusal(client, u, login, module, trainer):
    schedule(module, trainer, minutes=120)
    login(trainer)
    path = u("lms.authoring.edit_module", course_slug="practice", module_slug="live")
    response = client.submit(path, {"title": "Role-play practice", "kind": "live", "credited_minutes": "180",
                                    "is_required": "y"})
    assert response.status_code == 400 and "cannot credit more than that" in response.get_data(as_text=True)
    db.session.expire_all()
    assert catalog.get_module(catalog.get_course("practice"), "live").credited_minutes == 120


def test_a_module_trainees_worked_on_keeps_its_kind(trainer, make_user):
    course = course_authoring.create_course(course_authoring.CourseData(slug="heat", title="Heat safety"), trainer)
    module = module_authoring.add_module(course, module_authoring.ModuleData(slug="signs", title="Warning signs"), trainer)
    lesson = lesson_authoring.add_lesson(course, module, "one", "One", "Text", 10, trainer)
    untouched = module_authoring.add_module(course, module_authoring.ModuleData(slug="more", title="More"), trainer)
    lesson_authoring.add_lesson(course, untouched, "two", "Two", "Text", 10, trainer)
    course_authoring.set_course_status(course, CourseStatus.PUBLISHED, trainer)
    trainee = make_user("rosa@example.org", name="Rosa Díaz")
    enrollment = learning.enroll(trainee, course)
    visits.visit_lesson(enrollment, lesson, utcnow() - timedelta(minutes=5), timedelta(minutes=30))
    db.session.commit()
    field = module_authoring.ModuleData(slug="signs", title="Warning signs", kind=ModuleKind.FIELD)
    with pytest.raises(DomainError) as refused:
        module_authoring.update_module(course, module, field, trainer)
    assert refused.value.details["field"] == "kind" and "already worked on this module" in refused.value.message
    db.session.rollback()
    assert module_authoring.update_module(course, untouched, module_authoring.ModuleData(slug="more", title="More",
                                                                                         kind=ModuleKind.FIELD,
                                                                       is_required=False), trainer)
