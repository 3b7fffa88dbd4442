"""The OpenAPI document states the limits the API enforces: ``limit`` 1 to 500, a non-empty ``title``, ``lang``
one of the site's languages, and the paging cursor (``offset`` deprecated)."""

from __future__ import annotations

import pytest


@pytest.fixture
def app_config():
    """A third language, so the enum is seen to follow LMS_LOCALES (per app, not fixed at import)."""
    return {"LMS_LOCALES": ["en", "es", "vi"]}


@pytest.fixture
def document(client, u):
    return client.get(u("lms.api.openapi")).json


def _parameters(document, path: str, method: str = "get") -> dict[str, dict]:
    return {p["name"]: p for p in document["paths"][path][method].get("parameters", [])}


@pytest.mark.parametrize("path", ["/me/hours", "/orgs/{org_slug}/hours"])
def test_paged_lists_document_limit_cursor_and_deprecated_offset(document, path):
    parameters = _parameters(document, path)
    assert parameters["limit"]["schema"]["minimum"] == 1 and parameters["limit"]["schema"]["maximum"] == 500
    assert parameters["cursor"]["schema"]["type"] == "string" and parameters["offset"]["deprecated"] is True
    listing = document["components"]["schemas"]["HoursEntryList"]
    assert {"next_cursor", "next_offset"} <= set(listing["required"])


def test_the_title_of_external_training_may_not_be_empty(document):
    assert document["components"]["schemas"]["ExternalTraining"]["properties"]["title"]["minLength"] == 1


@pytest.mark.parametrize("path,method", [("/courses", "get"), ("/courses/{course_slug}", "get"),
                                         ("/courses/{course_slug}/enrollment", "post"), ("/me/enrollments", "get"),
                                         ("/sessions", "get")])
def test_lang_is_one_of_the_site_languages(document, path, method):
    assert _parameters(document, path, method)["lang"]["schema"]["enum"] == ["en", "es", "vi"]


def test_the_status_filter_lists_all(document):
    assert "all" in _parameters(document, "/orgs/{org_slug}/hours")["status"]["schema"]["enum"]

