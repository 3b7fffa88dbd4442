"""An author's removal that leaves trainees nothing more to do completes them at once, in the same transaction
(lms.enrollment.recheck): a module left with nothing in it to do is no longer needed (lms.catalog.visibility), a removed
module neither, a module whose quiz is removed needs only its lessons. Completion, certificate and audit rows are those
of the trainee's own last step; the work does not grow per trainee beyond a fixed number of statements."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from lms import db
from lms.audit import AuditEvent
from lms.catalog import course_authoring, quiz_authoring
from lms.catalog import removal as catalog_removal
from lms.catalog import services as catalog
from lms.catalog.models import CourseStatus
from lms.certificates.models import Certificate
from lms.db import utcnow
from lms.enrollment import recheck, visits
from lms.enrollment import services as enrollment
from lms.enrollment.models import EnrollmentStatus, ModuleCompletion
from tests.test_learning import build_course


def _course(trainer, slug: str = "core"):
    """m1 and m2, one lesson each (l1), published; m2 also has a quiz with no question yet, added after publishing
    (so removing m2's lesson is allowed: a quiz stays, and then m2 has nothing in it to do)."""
    course = build_course(trainer, slug, quiz=False, es_title=None, modules=2, lessons=1)
    quiz_authoring.ensure_quiz(course, catalog.get_module(course, "m2"), title="Check", pass_mark=80,
                               max_attempts=None, actor=trainer)
    db.session.commit()
    return course


def _done_with(make_user, course, email: str, *modules: str):
    """A trainee enrolled in ``course`` who completed the lesson l1 of each of ``modules``."""
    user = make_user(email)
    record = enrollment.enroll(user, course)
    for slug in modules:
        lesson = catalog.get_lesson(catalog.get_module(course, slug), "l1")
        visits.complete_lesson(record, lesson, utcnow(), timedelta(minutes=30))
    db.session.commit()
    return user


def _status(user, course) -> EnrollmentStatus:
    return enrollment.get_enrollment(user, course).status


def _remove_lesson(client, u, course_slug: str = "core"):
    return client.submit(u("lms.authoring.remove_lesson", course_slug=course_slug, module_slug="m2", lesson_slug="l1"))


def _rows(action: str, object_type: str, object_id: int) -> list[AuditEvent]:
    return list(db.session.execute(select(AuditEvent).where(
        AuditEvent.action == action, AuditEvent.object_type == object_type, AuditEvent.object_id == object_id
    )).scalars())


def test_removing_the_last_lesson_of_the_remaining_module_completes_who_did_the_rest(client, u, trainer, make_user,
                                                                                     login):
    course = _course(trainer)
    rosa = _done_with(make_user, course, "rosa@example.org", "m1")  # every real step but m2's lesson
    ana = _done_with(make_user, course, "ana@example.org")  # nothing done
    login(trainer)
    assert _remove_lesson(client, u).status_code == 302
    assert not catalog.get_module(course, "m2").is_archived  # its quiz stays: hidden, not removed

    assert _status(rosa, course) is EnrollmentStatus.COMPLETED and _status(ana, course) is EnrollmentStatus.ACTIVE
    record = enrollment.get_enrollment(rosa, course)
    certificates = list(db.session.execute(select(Certificate).where(Certificate.user_id == rosa.id)).scalars())
    assert len(certificates) == 1 and certificates[0].enrollment_id == record.id
    changed = _rows("enrollment.status_changed", "Enrollment", record.id)
    assert [(row.data["old"], row.data["new"]) for row in changed] == [("active", "completed")]
    assert len(_rows("certificate.issued", "Certificate", certificates[0].id)) == 1

    # Her next step, or another removal, changes nothing: one completion, one certificate.
    login(rosa)
    client.submit(u("lms.courses.complete", course_slug="core", module_slug="m1", lesson_slug="l1"))
    login(trainer)
    client.submit(u("lms.authoring.remove_quiz", course_slug="core", module_slug="m2"))
    assert db.session.execute(select(func.count(Certificate.id))).scalar_one() == 1
    assert len(_rows("enrollment.status_changed", "Enrollment", record.id)) == 1
    assert _status(ana, course) is EnrollmentStatus.ACTIVE


def test_removing_a_module_completes_who_did_the_others(client, u, trainer, make_user, login):
    course = build_course(trainer, quiz=False, es_title=None, modules=2, lessons=1)
    rosa = _done_with(make_user, course, "rosa@example.org", "m1")
    login(trainer)
    assert client.submit(u("lms.authoring.remove_module", course_slug="core", module_slug="m2")).status_code == 302
    assert _status(rosa, course) is EnrollmentStatus.COMPLETED
    assert db.session.execute(select(func.count(Certificate.id))).scalar_one() == 1


def test_removing_a_quiz_completes_the_module_of_who_read_its_lessons(client, u, trainer, make_user, login):
    course = build_course(trainer, es_title=None, modules=2, lessons=1)  # each module: l1 and a quiz
    rosa = _done_with(make_user, course, "rosa@example.org", "m1", "m2")  # no quiz passed
    login(trainer)
    client.submit(u("lms.authoring.remove_quiz", course_slug="core", module_slug="m1"))
    m1 = catalog.get_module(course, "m1")
    completions = db.session.execute(select(ModuleCompletion.module_id, ModuleCompletion.credited_minutes)).all()
    assert completions == [(m1.id, 60)]  # recorded and credited (hours listen) as on her own step
    assert _status(rosa, course) is EnrollmentStatus.ACTIVE  # m2's quiz is still to pass
    client.submit(u("lms.authoring.remove_quiz", course_slug="core", module_slug="m2"))
    assert _status(rosa, course) is EnrollmentStatus.COMPLETED


def test_a_removal_that_leaves_something_to_do_completes_nobody_and_drafts_are_alike(client, u, trainer, make_user,
                                                                                     login):
    course = _course(trainer)
    rosa = _done_with(make_user, course, "rosa@example.org", "m1")
    login(trainer)
    assert client.submit(u("lms.authoring.remove_quiz", course_slug="core", module_slug="m2")).status_code == 302
    assert _status(rosa, course) is EnrollmentStatus.ACTIVE  # m2's lesson is still to read
    client.submit(u("lms.authoring.restore_quiz", course_slug="core", module_slug="m2"))
    course_authoring.set_course_status(course, CourseStatus.DRAFT, trainer)
    db.session.commit()
    # a draft's module may lose everything; she is completed there too, as on her own next step
    assert _remove_lesson(client, u).status_code == 302
    assert _status(rosa, course) is EnrollmentStatus.COMPLETED


def _statements(count_queries, client, u, course_slug: str) -> int:
    with count_queries() as counted:
        assert _remove_lesson(client, u, course_slug).status_code == 302
    return counted.count


def test_the_statements_do_not_grow_with_the_trainees_it_does_not_complete(client, u, trainer, make_user, login,
                                                                           count_queries):
    small, large = _course(trainer, "small"), _course(trainer, "large")
    for n in range(2):
        _done_with(make_user, small, f"s{n}@example.org")
    for n in range(12):
        _done_with(make_user, large, f"l{n}@example.org")
    login(trainer)
    assert _statements(count_queries, client, u, "small") == _statements(count_queries, client, u, "large")


def test_each_trainee_completed_costs_the_same_few_statements(client, u, trainer, make_user, login, count_queries):
    courses = [_course(trainer, f"c{n}") for n in (1, 2, 4)]
    for course, done in zip(courses, (1, 2, 4), strict=True):
        for n in range(done):
            _done_with(make_user, course, f"{course.slug}-{n}@example.org", "m1")
        _done_with(make_user, course, f"{course.slug}-idle@example.org")
    login(trainer)
    one, two, four = (_statements(count_queries, client, u, course.slug) for course in courses)
    assert four - two == 2 * (two - one) and two - one < 60  # a fixed cost per trainee completed
    completed = db.session.execute(select(func.count(Certificate.id))).scalar_one()
    assert completed == 7


def test_batches_cover_every_trainee(app, trainer, make_user, monkeypatch):
    course = _course(trainer)
    people = [_done_with(make_user, course, f"p{n}@example.org", "m1") for n in range(5)]
    monkeypatch.setattr(recheck, "BATCH", 2)  # three batches of progress for five trainees
    lesson = catalog.get_lesson(catalog.get_module(course, "m2"), "l1")
    catalog_removal.remove(course, lesson, trainer)
    assert recheck.complete_finished(course) == 5
    db.session.commit()
    assert all(_status(person, course) is EnrollmentStatus.COMPLETED for person in people)
    assert recheck.complete_finished(course) == 0  # nobody left in progress: nothing more


def test_a_module_made_self_paced_with_nothing_in_it_is_not_needed_any_more(client, u, trainer, make_user, login):
    course = build_course(trainer, quiz=False, es_title=None, lessons=1, live=True)  # m1, then a required live one
    rosa = _done_with(make_user, course, "rosa@example.org", "m1")
    assert _status(rosa, course) is EnrollmentStatus.ACTIVE  # waiting for a live session
    course_authoring.set_course_status(course, CourseStatus.DRAFT, trainer)  # a published course refuses this change
    db.session.commit()
    login(trainer)
    live = catalog.get_module(course, "live")
    form = {"title": "Live practice", "summary": "", "kind": "self_paced", "credited_minutes": "120",
            "is_required": "y", "specialties": ""}
    assert client.submit(u("lms.authoring.edit_module", course_slug="core", module_slug=live.slug),
                         form).status_code == 302
    assert catalog.get_module(course, "live").kind.value == "self_paced"
    assert _status(rosa, course) is EnrollmentStatus.COMPLETED
