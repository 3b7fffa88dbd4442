"""The catalog and enrolment API: public course list and outline, the trainee's enrolments, self-enrolment; every
response checked against the schemas of the OpenAPI document."""

from __future__ import annotations

import pytest
from jsonschema import Draft202012Validator
from sqlalchemy import func, select

from lms import db
from lms.accounts import api_tokens
from lms.accounts.models import SiteRole
from lms.catalog.models import CourseKind
from lms.enrollment import services as enrollment
from lms.enrollment.models import Enrollment, EnrollmentStatus
from tests.api_support import schema_checker
from tests.test_learning import _finish_self_paced, build_course


@pytest.fixture
def document(client, u) -> dict:
    return client.get(u("lms.api.openapi")).get_json()


@pytest.fixture
def check(document):
    """``check(body, "CourseList")`` validates against the document's own component schema."""
    return schema_checker(document)


@pytest.fixture
def courses(make_user):
    trainer = make_user("trainer@example.org", role=SiteRole.TRAINER)
    core = build_course(trainer, modules=2, live=True, areas=("communication", "outreach"))
    build_course(trainer, "asthma", title="Asthma", es_title=None, kind=CourseKind.SPECIALTY, areas=("advocacy",))
    build_course(trainer, "draft", title="Draft", publish=False)
    return core


@pytest.fixture
def bearer(make_user):
    user = make_user(locale="es")
    _token, raw = api_tokens.create_api_token(user, "phone app")
    db.session.commit()
    return user, {"Authorization": f"Bearer {raw}"}


def test_the_document_describes_the_catalog_api(document):
    paths = document["paths"]
    assert {"/courses", "/courses/{course_slug}", "/courses/{course_slug}/enrollment", "/me/enrollments"} <= set(paths)
    assert paths["/courses"]["get"]["security"] == [] and {"lang", "language"} <= {
        p["name"] for p in paths["/courses"]["get"]["parameters"]}
    Draft202012Validator.check_schema({"components": document["components"]})


def test_list_courses_with_language_kind_and_area(client, u, courses, check):
    body = client.get(u("lms.api.list_courses")).get_json()
    check(body, "CourseList")
    assert [c["slug"] for c in body["courses"]] == ["core", "asthma"]
    core = body["courses"][0]
    assert core["title"] == "Core training" and core["languages"] == ["en", "es"] and core["kind"] == "core"
    assert core["credited_minutes"] == 2 * 60 + 120 and core["competency_areas"] == ["communication", "outreach"]

    spanish = client.get(u("lms.api.list_courses", language="es")).get_json()
    check(spanish, "CourseList")
    assert [(c["slug"], c["title"], c["is_fallback"]) for c in spanish["courses"]] == [
        ("core", "Core training", False)]  # filtered by language; the titles stay in the request's language
    assert [c["slug"] for c in client.get(u("lms.api.list_courses", kind="specialty")).get_json()["courses"]] == [
        "asthma"]
    assert [c["slug"] for c in client.get(u("lms.api.list_courses", area="outreach")).get_json()["courses"]] == [
        "core"]


@pytest.mark.parametrize("args", [{"kind": "nonsense"}, {"area": "x"}, {"lang": "zz"}, {"language": "zz"}])
def test_unknown_filters_are_a_json_400(client, u, courses, check, args):
    response = client.get(u("lms.api.list_courses", **args))
    assert response.status_code == 400
    check(response.get_json(), "Error")


def test_course_outline_with_fallback(client, u, courses, check):
    body = client.get(u("lms.api.course_outline", course_slug="core", lang="es")).get_json()
    check(body, "CourseOutline")
    assert body["title"] == "Formación básica" and body["is_fallback"] is True  # the live module has no Spanish
    first, _second, live = body["modules"]
    assert first["title"] == "Módulo 1" and first["has_quiz"] and first["quiz"] == {"pass_mark": 100,
                                                                                    "max_attempts": None}
    assert [lesson["title"] for lesson in first["lessons"]] == ["Lección 1.1", "Lección 1.2"]
    assert live == {**live, "kind": "live", "title": "Live practice", "lessons": [], "has_quiz": False, "quiz": None}
    english = client.get(u("lms.api.course_outline", course_slug="core", lang="en")).get_json()
    assert english["is_fallback"] is False and english["modules"][0]["title"] == "Module 1"
    for slug in ("draft", "nope"):
        response = client.get(u("lms.api.course_outline", course_slug=slug))
        assert response.status_code == 404
        check(response.get_json(), "Error")


def test_my_enrollments_need_sign_in(client, u, check):
    response = client.get(u("lms.api.my_enrollments"))
    assert response.status_code == 401
    check(response.get_json(), "Error")
    assert client.get(u("lms.api.my_enrollments"), headers={"Authorization": "Bearer nope"}).status_code == 401


def test_enrol_with_a_token_then_see_progress(client, u, courses, bearer, check):
    user, headers = bearer
    path = u("lms.api.enroll_in_course", course_slug="core")
    created = client.post(path, headers=headers)  # bearer tokens need no CSRF token
    assert created.status_code == 201
    check(created.get_json(), "Enrollment")
    again = client.post(path, headers=headers)
    assert again.status_code == 200 and again.get_json()["enrolled_at"] == created.get_json()["enrolled_at"]
    assert db.session.execute(select(func.count(Enrollment.id))).scalar_one() == 1

    _finish_self_paced(courses, enrollment.get_enrollment(user, courses))
    body = client.get(u("lms.api.my_enrollments"), headers=headers).get_json()
    check(body, "EnrollmentList")
    [mine] = body["enrollments"]
    assert mine["course"] == {"slug": "core", "title": "Formación básica", "version": "1"}
    assert mine["status"] == "active" and mine["completed_at"] is None
    assert (mine["percent"], mine["modules_completed"], mine["required_modules"]) == (33, 1, 3)


def test_enrolment_from_a_browser_session_needs_the_csrf_token(client, u, courses, make_user, login, check):
    user = make_user()
    login(user)
    path = u("lms.api.enroll_in_course", course_slug="core")
    refused = client.post(path)
    assert refused.status_code == 400 and refused.get_json()["error"]["code"] == "csrf"
    response = client.post(path, headers={"X-CSRFToken": client.csrf_token(u("lms.courses.catalog"))})
    assert response.status_code == 201
    check(response.get_json(), "Enrollment")
    assert enrollment.get_enrollment(user, courses).status is EnrollmentStatus.ACTIVE


def test_enrolling_in_a_draft_or_missing_course_is_404(client, u, courses, bearer, check):
    _user, headers = bearer
    for slug in ("draft", "nope"):
        response = client.post(u("lms.api.enroll_in_course", course_slug=slug), headers=headers)
        assert response.status_code == 404
        check(response.get_json(), "Error")


def test_withdrawn_then_enrolled_again_is_201(client, u, courses, bearer):
    user, headers = bearer
    enrollment.withdraw(enrollment.enroll(user, courses), user)
    db.session.commit()
    assert client.get(u("lms.api.my_enrollments"), headers=headers).get_json() == {"enrollments": []}
    assert client.post(u("lms.api.enroll_in_course", course_slug="core"), headers=headers).status_code == 201


def test_catalog_api_queries_do_not_grow_with_courses(client, u, make_user, count_queries, bearer):
    trainer = make_user("trainer@example.org", role=SiteRole.TRAINER)
    user, headers = bearer

    def measure(path):
        client.get(path, headers=headers)
        with count_queries() as queries:
            client.get(path, headers=headers)
        return queries.count

    for i in range(2):
        enrollment.enroll(user, build_course(trainer, f"c{i}", quiz=False))
    db.session.commit()
    before = [measure(u("lms.api.list_courses")), measure(u("lms.api.my_enrollments"))]
    for i in range(2, 8):
        enrollment.enroll(user, build_course(trainer, f"c{i}", quiz=False, modules=2))
    db.session.commit()
    assert [measure(u("lms.api.list_courses")), measure(u("lms.api.my_enrollments"))] == before
