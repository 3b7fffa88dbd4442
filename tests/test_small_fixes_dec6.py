"""Three small fixes, through the real pages:

- saving an authoring page (course, module, lesson) unchanged records nothing and says "No changes to save.";
- the evidence form states its size limit as the 413 page does, in the reader's number format, and the limit's
  default has one home (``lms.config.DEFAULTS``);
- the bulk verification form declares its own upload limit, so a request too large for the server gets a 413 that
  states the form's limit, not the request-wide one.
"""

from __future__ import annotations

import io

import pytest
from sqlalchemy import func, select

from lms import db
from lms.accounts.models import SiteRole
from lms.audit import AuditEvent
from lms.catalog import services as catalog
from lms.config import DEFAULTS
from tests.conftest import html_text

MB = 1024 * 1024
COURSE = {"slug": "heat-safety", "title": "Heat safety", "summary": "Staying safe in hot weather.",
          "version": "2026.1", "kind": "continuing", "source_locale": "en", "competency_areas": ["outreach"],
          "specialties": "Heat illness, outdoor WORK", "certificate_validity_months": "", "issuer_org": ""}
MODULE = {"slug": "warning-signs", "title": "Warning signs", "summary": "Know the signs.", "kind": "self_paced",
          "credited_minutes": "45", "is_required": "y", "competency_areas": ["outreach"], "specialties": ""}
LESSON = {"slug": "heat-stroke", "title": "Heat stroke", "body": "## Signs\n\nHot, dry skin.", "estimated_minutes": "12",
          "save": "y"}



def _count(action: str) -> int:
    return db.session.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.action == action))


# ---------------------------------------------------------------- authoring pages


@pytest.fixture
def authored(client, u, make_user, login):
    """A course with one module and one lesson, written through the authoring pages by a signed-in trainer."""
    login(make_user("tina@example.org", name="Tina Trainer", role=SiteRole.TRAINER, locale="en"))
    assert client.submit(u("lms.authoring.new_course"), COURSE).status_code == 302
    assert client.submit(u("lms.authoring.new_module", course_slug="heat-safety"), MODULE).status_code == 302
    assert client.submit(u("lms.authoring.new_lesson", course_slug="heat-safety", module_slug="warning-signs"),
                         LESSON).status_code == 302


def _save(client, path: str, data: dict) -> str:
    response = client.submit(path, data, follow_redirects=True)
    assert response.status_code == 200
    return html_text(response.get_data(as_text=True))


def test_saving_a_course_unchanged_records_nothing_and_says_so(client, u, authored, make_org):
    path = u("lms.authoring.edit_course", course_slug="heat-safety")
    page = _save(client, path, COURSE)
    assert "No changes to save." in page and "Saved." not in page
    assert _count("course.updated") == 0 and _count("course.issuer_changed") == 0
    page = _save(client, path, {**COURSE, "summary": "Staying safe when it is hot."})
    assert "Saved." in page and "No changes to save." not in page
    assert _count("course.updated") == 1
    page = _save(client, path, {**COURSE, "summary": "Staying safe when it is hot.", "version": "2026.2"})
    assert "Saved." in page and _count("course.updated") == 2
    org = make_org("acme")  # naming another issuer alone is a change too
    page = _save(client, path, {**COURSE, "summary": "Staying safe when it is hot.", "version": "2026.2",
                                "issuer_org": str(org.id)})
    assert "Saved." in page and "No changes to save." not in page
    assert _count("course.updated") == 2 and _count("course.issuer_changed") == 1


def test_saving_a_module_unchanged_says_so(client, u, authored):
    path = u("lms.authoring.edit_module", course_slug="heat-safety", module_slug="warning-signs")
    page = _save(client, path, MODULE)
    assert "No changes to save." in page and "Saved." not in page
    page = _save(client, path, {**MODULE, "credited_minutes": "50"})
    assert "Saved." in page and "No changes to save." not in page
    page = _save(client, path, {**MODULE, "credited_minutes": "50", "title": "Signs of heat illness"})
    assert "Saved." in page
    module = catalog.get_module(catalog.get_course("heat-safety"), "warning-signs")
    assert module.credited_minutes == 50


def test_saving_a_lesson_unchanged_says_so(client, u, authored):
    path = u("lms.authoring.edit_lesson", course_slug="heat-safety", module_slug="warning-signs",
             lesson_slug="heat-stroke")
    # a browser sends a text area's lines with CRLF; the stored text has LF: still the same text
    page = _save(client, path, {**LESSON, "body": LESSON["body"].replace("\n", "\r\n") + "\r\n"})
    assert "No changes to save." in page and "Lesson saved." not in page
    page = _save(client, path, {**LESSON, "estimated_minutes": "15"})
    assert "Lesson saved." in page and "No changes to save." not in page
    page = _save(client, path, {**LESSON, "estimated_minutes": "15", "body": "Hot, dry or damp skin."})
    assert "Lesson saved." in page


# ---------------------------------------------------------------- evidence size limit


def _send_evidence(client, path: str, size: int, **headers):
    data = {"title": "First aid", "activity_date": "2026-01-05", "hours": "1", "csrf_token": client.csrf_token(path),
            "evidence": (io.BytesIO(b"%PDF-" + b"a" * size), "scan.pdf")}
    return client.post(path, data=data, content_type="multipart/form-data", headers=headers)


@pytest.mark.parametrize("app_config", [{"MAX_CONTENT_LENGTH": 2 * MB, "LMS_EVIDENCE_MAX_BYTES": 3 * MB // 2,
                                         "LMS_FORMAT_LOCALES": {"en": "en_US", "es": "es"}}])
def test_the_evidence_form_states_its_limit_as_the_413_page_does(client, u, login, make_user, app_config):
    path = u("lms.hours.submit_external")
    login(make_user("ana@example.org", locale="es"))
    form = html_text(client.get(path).get_data(as_text=True))
    assert "1,5 MB" in form and "2 MB" not in form
    too_large = _send_evidence(client, path, 2 * MB)  # refused by the server, before the form is read
    assert too_large.status_code == 413 and "1,5 MB" in html_text(too_large.get_data(as_text=True))
    over_form = _send_evidence(client, path, 3 * MB // 2 + 10)  # read by the form, larger than its limit
    assert over_form.status_code == 413 and "1,5 MB" in html_text(over_form.get_data(as_text=True))
    login(make_user("bea@example.org", locale="en"))
    assert "A PDF, PNG or JPEG file of at most 1.5 MB." in html_text(client.get(path).get_data(as_text=True))
    page = html_text(_send_evidence(client, path, 3 * MB // 2 + 10).get_data(as_text=True))
    assert "The file is larger than 1.5 MB." in page


@pytest.mark.parametrize("app_config", [{"LMS_EVIDENCE_MAX_BYTES": None}])
def test_an_empty_evidence_limit_falls_back_to_the_documented_default(client, u, login, make_user, monkeypatch,
                                                                      app_config):
    monkeypatch.setitem(DEFAULTS, "LMS_EVIDENCE_MAX_BYTES", 3 * MB)
    login(make_user())
    assert "at most 3 MB." in html_text(client.get(u("lms.hours.submit_external")).get_data(as_text=True))


# ---------------------------------------------------------------- bulk verification upload


@pytest.mark.parametrize("app_config", [{"MAX_CONTENT_LENGTH": MB}])
def test_a_413_from_the_bulk_verification_form_states_its_own_limit(client, u, app_config):
    path = u("lms.certificates.verify_bulk")
    data = {"codes": "", "csrf_token": client.csrf_token(path),
            "file": (io.BytesIO(b"K7QMX3HT\n" * (MB // 9 + 100)), "codes.txt")}
    response = client.post(path, data=data, content_type="multipart/form-data")
    assert response.status_code == 413
    page = html_text(response.get_data(as_text=True))
    assert "this form takes a file of at most 0.25 MB." in page and "1 MB" not in page
