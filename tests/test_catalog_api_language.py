"""The course list's language filter is ``language``, as on the web catalog; ``lang`` only chooses the language of
the texts (as on the session list and every other address). Until December 2026 ``lang`` also filtered the courses,
so a client asking for Spanish titles lost every course not translated into Spanish."""

from __future__ import annotations

import re

import pytest

from lms.accounts.models import SiteRole
from lms.catalog.models import CourseKind
from tests.api_support import schema_checker
from tests.test_learning import build_course


@pytest.fixture
def check(client, u):
    return schema_checker(client.get(u("lms.api.openapi")).get_json())


@pytest.fixture
def courses(make_user):
    """``core`` in English and Spanish, ``asthma`` in English only."""
    trainer = make_user("trainer@example.org", role=SiteRole.TRAINER)
    build_course(trainer)
    build_course(trainer, "asthma", title="Asthma", es_title=None, kind=CourseKind.SPECIALTY, areas=("advocacy",))


def _listed(client, u, **args) -> list[tuple[str, str, bool]]:
    response = client.get(u("lms.api.list_courses", **args))
    assert response.status_code == 200, response.get_json()
    return [(c["slug"], c["title"], c["is_fallback"]) for c in response.get_json()["courses"]]


def test_lang_chooses_the_titles_and_keeps_every_course(client, u, courses, check):
    body = client.get(u("lms.api.list_courses", lang="es")).get_json()
    check(body, "CourseList")
    assert [(c["slug"], c["title"], c["is_fallback"], c["locale"]) for c in body["courses"]] == [
        ("core", "Formación básica", False, "es"), ("asthma", "Asthma", True, "en")]


def test_language_filters_and_leaves_the_titles_in_the_request_language(client, u, courses):
    assert _listed(client, u, language="es") == [("core", "Core training", False)]
    assert _listed(client, u, language="en") == [("core", "Core training", False), ("asthma", "Asthma", False)]
    assert _listed(client, u, language="es", lang="es") == [("core", "Formación básica", False)]
    assert _listed(client, u, language="es", kind="specialty") == []


@pytest.mark.parametrize("language", ["en", "es"])
def test_the_api_filter_lists_what_the_web_catalog_lists(client, u, courses, language):
    html = client.get(u("lms.courses.catalog", language=language)).get_data(as_text=True)
    web = re.findall(r'<h2[^>]*><a href="[^"]*/courses/([\w-]+)">', html)
    assert [slug for slug, _title, _fallback in _listed(client, u, language=language)] == web


@pytest.mark.parametrize("name", ["language", "lang"])
@pytest.mark.parametrize("value", ["vi", "ES", "es-MX"])
def test_a_language_the_site_does_not_have_is_refused_naming_the_parameter(client, u, courses, check, name, value):
    response = client.get(u("lms.api.list_courses", **{name: value}))
    assert response.status_code == 400
    check(response.get_json(), "Error")
    error = response.get_json()["error"]
    assert error["code"] == "invalid_parameter" and error["parameter"] == name and name in error["message"]


def test_the_document_tells_the_filter_from_the_display_language(client, u):
    document = client.get(u("lms.api.openapi")).get_json()
    operation = document["paths"]["/courses"]["get"]
    parameters = {p["name"]: p for p in operation["parameters"]}
    assert parameters["language"]["schema"]["enum"] == parameters["lang"]["schema"]["enum"] == ["en", "es"]
    assert "Not a filter" in parameters["lang"]["description"]
    assert "language filters" in operation["description"] and "invalid_parameter" in operation["description"]
