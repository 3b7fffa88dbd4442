"""A self-paced module with nothing in it to do yet (no live lesson, no quiz with a question) is neither shown to
trainees nor needed to complete the course, as a quiz with no question is not; live modules always show."""

from __future__ import annotations

from lms import db
from lms.catalog import lesson_authoring, module_authoring
from lms.enrollment import services as enrollment
from lms.enrollment.models import EnrollmentStatus
from tests.test_learning import build_course, complete_url, lesson_url


def _add_empty(course, trainer, slug="later", title="Coming later"):
    module = module_authoring.add_module(course, module_authoring.ModuleData(slug=slug, title=title, credited_minutes=45), trainer)
    db.session.commit()
    return module


def test_an_empty_self_paced_module_is_neither_shown_nor_needed(client, u, trainer, make_user, login):
    course = build_course(trainer, quiz=False, es_title=None)
    rosa = make_user("rosa@example.org")
    enrollment.enroll(rosa, course)
    db.session.commit()
    login(rosa)
    client.submit(complete_url(u, lesson="l1"))  # part-way when the empty module is added
    _add_empty(course, trainer)
    course_page = u("lms.courses.course", course_slug="core")
    page = client.get(course_page).get_data(as_text=True)
    assert "Coming later" not in page
    outline = client.get(u("lms.api.course_outline", course_slug="core")).get_json()
    assert [m["slug"] for m in outline["modules"]] == ["m1"] and outline["credited_minutes"] == 60
    listed = client.get(u("lms.api.list_courses")).get_json()["courses"]
    assert [c["credited_minutes"] for c in listed if c["slug"] == "core"] == [60]
    done = client.submit(complete_url(u, lesson="l2"))  # the last real step: nothing left, no link to the empty one
    assert "later" not in done.headers["Location"]
    assert enrollment.get_enrollment(rosa, course).status is EnrollmentStatus.COMPLETED
    assert "Completed" in client.get(course_page).get_data(as_text=True)
    mine = client.get(u("lms.api.my_enrollments")).get_json()["enrollments"]
    assert [(e["required_modules"], e["required_modules_completed"]) for e in mine] == [(1, 1)]


def test_a_lesson_makes_it_show_and_a_completed_course_stays_completed(client, u, trainer, make_user, login):
    course = build_course(trainer, quiz=False, es_title=None)
    later = _add_empty(course, trainer)
    rosa, ana = make_user("rosa@example.org"), make_user("ana@example.org")
    for person in (rosa, ana):
        enrollment.enroll(person, course)
    db.session.commit()
    login(rosa)
    client.submit(complete_url(u, lesson="l1"))
    client.submit(complete_url(u, lesson="l2"))
    assert enrollment.get_enrollment(rosa, course).status is EnrollmentStatus.COMPLETED

    lesson_authoring.add_lesson(course, later, "first", "First of later", "Body.", 10, trainer)
    db.session.commit()  # a lesson is content: the cached outline is loaded again, with the module
    page = client.get(u("lms.courses.course", course_slug="core")).get_data(as_text=True)
    assert "Coming later" in page and lesson_url(u, module="later", lesson="first") in page
    assert enrollment.get_enrollment(rosa, course).status is EnrollmentStatus.COMPLETED  # optional for her now
    login(ana)
    client.submit(complete_url(u, lesson="l1"))
    onward = client.submit(complete_url(u, lesson="l2"))
    assert onward.headers["Location"].endswith(lesson_url(u, module="later", lesson="first"))
    assert enrollment.get_enrollment(ana, course).status is EnrollmentStatus.ACTIVE  # required for her: shown


def test_the_preview_counts_hidden_modules_and_live_modules_always_show(client, u, trainer, make_user, login):
    course = build_course(trainer, quiz=False, es_title=None, live=True)
    _add_empty(course, trainer)
    _add_empty(course, trainer, slug="later2", title="Also later")
    login(trainer)
    preview = client.get(u("lms.authoring.preview", course_slug="core")).get_data(as_text=True)
    assert 'id="hidden-modules"' in preview
    assert "2 self-paced modules have no lessons and no quiz with questions yet" in preview
    assert "Live practice" in preview and "Coming later" not in preview
    page = client.get(u("lms.authoring.course", course_slug="core")).get_data(as_text=True)
    assert "2 self-paced modules have no lessons and no quiz with questions yet" in page and "Coming later" in page
    rosa = make_user("rosa@example.org")
    login(rosa)
    outline = client.get(u("lms.api.course_outline", course_slug="core")).get_json()
    assert [m["slug"] for m in outline["modules"]] == ["m1", "live"]
