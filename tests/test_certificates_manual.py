"""Issuing a certificate by hand states the hours the issuer confirms: pre-filled with what the trainee completed in the
LMS, checked (quarter hours, bounds, never 0 in all), frozen in the snapshot the PDF, the verification page and the
signed credential read, and kept beside the LMS-credited minutes in the audit log."""

from __future__ import annotations

import re
import subprocess
from datetime import timedelta
from html import unescape

import pytest
from joserfc.jwk import KeySet, RSAKey
from sqlalchemy import func, select

from lms import db
from lms.accounts.models import SiteRole
from lms.audit import AuditEvent
from lms.catalog import course_authoring, lesson_authoring, module_authoring
from lms.catalog import services as catalog
from lms.catalog.models import CourseStatus, ModuleKind
from lms.certificates import codes, credential, issuance, keys, training
from lms.certificates.models import Certificate
from lms.db import utcnow
from lms.enrollment import quiz_attempts, visits
from lms.enrollment import services as learning
from lms.enrollment.models import Enrollment, EnrollmentStatus
from lms.errors import DomainError
from tests.certificates_support import one_question_quiz
from tests.test_certificates_core import _schema_validator

IDLE = timedelta(minutes=30)
ZERO = {"live_hours": "0", "self_paced_hours": "0", "field_hours": "0"}


def _course(trainer, slug: str, self_paced_minutes: int):
    """A published course of three required modules: self-paced (a lesson and a quiz), live 120 min, field 600 min."""
    course = course_authoring.create_course(
        course_authoring.CourseData(slug=slug, title="CHW Core", version="2026.1", competency_areas=("communication",)), trainer
    )
    notes = module_authoring.add_module(course, module_authoring.ModuleData(slug="notes", title="Notes",
                                                                            credited_minutes=self_paced_minutes), trainer)
    module_authoring.add_module(
        course, module_authoring.ModuleData(slug="session", title="Session", kind=ModuleKind.LIVE, credited_minutes=120), trainer
    )
    module_authoring.add_module(
        course, module_authoring.ModuleData(slug="practice", title="Practice", kind=ModuleKind.FIELD, credited_minutes=600), trainer
    )
    lesson_authoring.add_lesson(course, notes, "one", "One", "Text", 10, trainer)
    quiz, _question = one_question_quiz(course, notes, trainer)
    course_authoring.set_course_status(course, CourseStatus.PUBLISHED, trainer)
    return course


def _complete_self_paced(user, course) -> None:
    """The trainee reads the self-paced module's lesson and passes its quiz (the course stays incomplete)."""
    module = catalog.get_module(course, "notes")
    quiz = catalog.get_quiz(module)
    enrollment = learning.enroll(user, course)
    visits.complete_lesson(enrollment, catalog.get_lesson(module, "one"), utcnow(), IDLE)
    [(question, options)] = catalog.load_questions(quiz)
    quiz_attempts.submit_quiz(enrollment, quiz, {question.id: {next(o.id for o in options if o.is_correct)}})
    db.session.commit()
    assert enrollment.status is EnrollmentStatus.ACTIVE and issuance.get_certificate(user, course) is None


@pytest.fixture
def world(app, make_user):
    """Rosa completed only the self-paced module (90 min) of the course in the LMS; Nadia did nothing in it."""
    trainer = make_user("teacher@example.org", role=SiteRole.TRAINER)
    course = _course(trainer, "core", 90)
    rosa = make_user("rosa@example.org", name="Rosa Díaz")
    _complete_self_paced(rosa, course)
    return {
        "trainer": trainer,
        "course": course,
        "rosa": rosa,
        "nadia": make_user("nadia@example.org", name="Nadia New"),
        "admin": make_user("root@example.org", role=SiteRole.ADMIN),
    }


def _hours_page(client, u, user, course="core"):
    """Step 1 (email and course) redirects to step 2, the hours form."""
    chosen = client.submit(u("lms.certificates.issue"), {"email": user.email, "course": course})
    assert chosen.status_code == 302, chosen.get_data(as_text=True)[:2000]
    path = u("lms.certificates.issue_hours", course_slug=course, user_id=user.id)
    assert chosen.headers["Location"].endswith(path)
    return path


def _value(page: str, name: str) -> str:
    return unescape(re.search(rf'<input[^>]*name="{name}"[^>]*value="([^"]*)"', page).group(1))


def _certificate(user) -> Certificate | None:
    return db.session.execute(select(Certificate).where(Certificate.user_id == user.id)).scalar_one_or_none()


def _pdf_text(client, u, code: str) -> str:
    """The PDF's text as laid out (a label and its value on one line), runs of spaces made one."""
    response = client.get(u("lms.certificates.pdf", code=code, lang="en"))
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    printed = subprocess.run(["pdftotext", "-layout", "-", "-"], input=response.data, capture_output=True, check=True)
    return re.sub(r"[ \t]+", " ", printed.stdout.decode())


def _row(text: str, label: str, value: str) -> bool:
    """Whether a line of the PDF starts with ``label`` and shows ``value`` (a long label wraps below its value)."""
    return re.search(rf"^{re.escape(label)}.*? {re.escape(value)}\b", text, re.M) is not None


def _issued_audit(cert: Certificate) -> AuditEvent:
    return db.session.execute(
        select(AuditEvent).where(AuditEvent.action == "certificate.issued", AuditEvent.object_id == cert.id)
    ).scalar_one()


def test_issue_by_hand_for_a_trainee_with_no_completions_states_the_hours_typed(client, u, login, world):
    nadia = world["nadia"]
    login(world["trainer"])
    path = _hours_page(client, u, nadia)
    page = client.get(path).get_data(as_text=True)
    assert "Nadia New" in page and "has not completed any module of this course" in page
    assert [_value(page, n) for n in ("live_hours", "self_paced_hours", "field_hours")] == ["0", "0", "0"]
    done = client.submit(
        path, {"live_hours": "3", "self_paced_hours": "12.5", "field_hours": "0", "reason": "Completed the county's paper course"}
    )
    assert done.status_code == 200, done.get_data(as_text=True)[:3000]
    cert = _certificate(nadia)
    assert codes.display(cert.code) in done.get_data(as_text=True) and "Certificate issued to Nadia New" in done.get_data(as_text=True)
    assert cert.snapshot["minutes"] == {"live": 180, "self_paced": 750, "field": 0, "total": 930}
    event = _issued_audit(cert)
    assert event.reason == "Completed the county's paper course" and event.actor_id == world["trainer"].id
    assert event.data["lms_minutes"] == {"live": 0, "self_paced": 0, "field": 0, "total": 0}
    assert event.data["stated_minutes"] == {"live": 180, "self_paced": 750, "field": 0, "total": 930}
    login(nadia)
    text = _pdf_text(client, u, codes.display(cert.code))
    assert _row(text, "Live (synchronous)", "3 hours") and _row(text, "Self-paced", "12 hours 30 minutes")
    assert _row(text, "Total", "15 hours 30 minutes") and "Nadia New" in text
    assert not re.search(r"(?<!\d)0 minutes", text) and "Supervised field" not in text  # no line for 0 field hours


def test_partial_completions_pre_fill_the_form_and_the_issuer_adds_the_rest(client, u, login, world):
    rosa = world["rosa"]
    login(world["trainer"])
    path = _hours_page(client, u, rosa)
    page = client.get(path).get_data(as_text=True)
    assert "Self-paced: 1 hour 30 minutes" in page and "Total: 1 hour 30 minutes" in page
    assert [_value(page, n) for n in ("live_hours", "self_paced_hours", "field_hours")] == ["0", "1.5", "0"]
    done = client.submit(
        path,
        {"live_hours": "2", "self_paced_hours": "1.5", "field_hours": "10", "reason": "Live and field parts done with the county"},
    )
    assert done.status_code == 200
    cert = _certificate(rosa)
    assert cert.snapshot["minutes"] == {"live": 120, "self_paced": 90, "field": 600, "total": 810}
    assert cert.snapshot["minutes_by_area"] == {}  # the LMS credited no module tagged with an area
    event = _issued_audit(cert)
    assert event.data["lms_minutes"] == {"live": 0, "self_paced": 90, "field": 0, "total": 90}
    assert event.data["stated_minutes"]["total"] == 810
    login(world["admin"])
    text = _pdf_text(client, u, codes.display(cert.code))
    assert _row(text, "Live (synchronous)", "2 hours") and _row(text, "Self-paced", "1 hour 30 minutes")
    assert _row(text, "Supervised field", "10 hours") and _row(text, "Total", "13 hours 30 minutes")
    verify = client.get(u("lms.certificates.verify_page", code=codes.display(cert.code))).get_data(as_text=True)
    assert "Live (synchronous): 2 hours" in verify and "Supervised field experience: 10 hours" in verify
    assert "Total: 13 hours 30 minutes" in verify
    api = client.get(u("lms.api.certificate", code=codes.display(cert.code))).get_json()
    assert api["minutes"] == {"live": 120, "self_paced": 90, "field": 600, "total": 810}


def test_the_signed_credential_of_a_manual_issue_states_the_hours_and_validates(client, u, login, world):
    login(world["trainer"])
    path = _hours_page(client, u, world["nadia"])
    client.submit(path, {**ZERO, "field_hours": "20.25", "reason": "Field practicum on paper"})
    cert = _certificate(world["nadia"])
    token = client.get(u("lms.api.certificate_credential", code=codes.display(cert.code))).get_data(as_text=True)
    claims = credential.verify_jwt(token, KeySet([RSAKey.import_key(k) for k in keys.jwks()["keys"]]))
    assert claims["credentialSubject"]["creditsEarned"] == 20.25
    assert claims["credentialSubject"]["achievement"]["creditsAvailable"] == 20.25
    errors = sorted(_schema_validator().iter_errors(claims), key=str)
    assert errors == [], [e.message for e in errors]


def test_a_total_of_zero_hours_is_refused(client, u, login, world):
    nadia = world["nadia"]
    login(world["trainer"])
    path = _hours_page(client, u, nadia)
    refused = client.submit(path, {**ZERO, "reason": "Paper course"})
    page = refused.get_data(as_text=True)
    assert refused.status_code == 400 and "cannot state 0 hours" in page
    assert _value(page, "self_paced_hours") == "0" and "Paper course" in page
    assert _certificate(nadia) is None
    assert db.session.execute(select(func.count(Enrollment.id)).where(Enrollment.user_id == nadia.id)).scalar() == 0
    with pytest.raises(DomainError):  # the service refuses it too (the command line, other callers)
        issuance.issue_manually(nadia, world["course"], world["trainer"], "Paper", training.TrainingMinutes())


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("-1", "Enter 0 or more hours."),
        ("500.25", "Enter at most 500 hours."),
        ("1e9", "Enter at most 500 hours."),
        ("1.1", "Use quarter-hour steps, for example 1.25 or 1.5."),
        ("1e-400", "Use quarter-hour steps"),
        ("one", "Enter a number of hours, for example 1.5."),
        ("1,5", "Enter a number of hours, for example 1.5."),  # a comma is a grouping separator in English
        ("NaN", "Enter a number of hours"),
        ("snan", "Enter a number of hours"),
        ("", "Enter the hours (0 if none)."),
        ("9" * 400, "Enter at most 500 hours."),
    ],
)
def test_bad_hours_are_refused_and_what_was_typed_is_kept(client, u, login, world, value, message):
    rosa = world["rosa"]
    login(world["trainer"])
    path = _hours_page(client, u, rosa)
    refused = client.submit(
        path, {"live_hours": value, "self_paced_hours": "1.5", "field_hours": "2", "reason": "Session at the clinic"}
    )
    page = refused.get_data(as_text=True)
    assert refused.status_code == 400 and message in unescape(page)
    assert _value(page, "live_hours") == value and _value(page, "field_hours") == "2"
    assert "Session at the clinic" in page and _certificate(rosa) is None


def test_500_hours_is_the_most_and_quarter_hours_are_kept_exactly(client, u, login, world):
    login(world["trainer"])
    path = _hours_page(client, u, world["nadia"])
    done = client.submit(path, {"live_hours": "500", "self_paced_hours": "0.25", "field_hours": "1,000.75", "reason": "Long program"})
    assert "Enter at most 500 hours." in unescape(done.get_data(as_text=True)) and _certificate(world["nadia"]) is None
    done = client.submit(path, {"live_hours": "500", "self_paced_hours": "0.25", "field_hours": "0.75", "reason": "Long program"})
    assert done.status_code == 200
    assert _certificate(world["nadia"]).snapshot["minutes"] == {"live": 30000, "self_paced": 15, "field": 45, "total": 30060}


def test_missing_fields_are_refused_not_pre_filled(client, u, login, world):
    login(world["trainer"])
    path = _hours_page(client, u, world["rosa"])
    refused = client.submit(path, {"reason": "No hours sent"})
    # beside each of the three boxes, and in the error summary's link to each
    assert refused.status_code == 400 and refused.get_data(as_text=True).count("Enter the hours (0 if none).") == 6
    assert _certificate(world["rosa"]) is None


@pytest.mark.parametrize("app_config", [{"LMS_FORMAT_LOCALES": {"en": "en_US", "es": "es"}}])
def test_hours_are_read_and_shown_the_way_the_issuers_language_writes_numbers(client, u, login, make_user, world):
    """With Spain's number formats (decimal comma), 90 minutes shows as 1,5 and 2,25 is read as two and a quarter."""
    trainer = make_user("formadora@example.org", role=SiteRole.TRAINER, locale="es")
    login(trainer)
    path = _hours_page(client, u, world["rosa"])
    page = client.get(path).get_data(as_text=True)
    assert _value(page, "self_paced_hours") == "1,5"
    refused = client.submit(
        path, {"live_hours": "2.25", "self_paced_hours": "1,5", "field_hours": "0", "reason": "Sesión en la clínica"}
    )
    assert refused.status_code == 400 and "1,5" in refused.get_data(as_text=True)
    done = client.submit(path, {"live_hours": "2,25", "self_paced_hours": "1,5", "field_hours": "0", "reason": "Sesión en la clínica"})
    assert done.status_code == 200
    assert _certificate(world["rosa"]).snapshot["minutes"] == {"live": 135, "self_paced": 90, "field": 0, "total": 225}


@pytest.mark.parametrize(("minutes", "shown"), [(50, "0.75"), (53, "1"), (7, "0"), (8, "0.25")])
def test_minutes_are_pre_filled_to_the_nearest_quarter_hour(client, u, login, world, minutes, shown):
    course = _course(world["trainer"], "odd", minutes)
    _complete_self_paced(world["nadia"], course)
    login(world["trainer"])
    page = client.get(_hours_page(client, u, world["nadia"], "odd")).get_data(as_text=True)
    assert _value(page, "self_paced_hours") == shown


def test_an_existing_certificate_is_shown_instead_of_the_form(client, u, login, world):
    nadia = world["nadia"]
    login(world["trainer"])
    path = _hours_page(client, u, nadia)
    client.submit(path, {**ZERO, "live_hours": "4", "reason": "Workshop"})
    cert = _certificate(nadia)
    again = client.get(_hours_page(client, u, nadia)).get_data(as_text=True)
    assert "already had a certificate" in again and codes.display(cert.code) in again and 'name="live_hours"' not in again
    resent = client.submit(path, {**ZERO, "live_hours": "8", "reason": "Again"})
    assert resent.status_code == 200 and "already had a certificate" in resent.get_data(as_text=True)
    assert _certificate(nadia).snapshot["minutes"]["live"] == 240


def test_step_two_is_for_trainers_and_published_courses_only(client, u, login, make_user, world):
    path = u("lms.certificates.issue_hours", course_slug="core", user_id=world["nadia"].id)
    login(world["nadia"])
    assert client.get(path).status_code == 403
    assert client.submit(path, {**ZERO, "live_hours": "4", "reason": "Myself"}).status_code == 403
    login(world["trainer"])
    assert client.get(u("lms.certificates.issue_hours", course_slug="nope", user_id=world["nadia"].id)).status_code == 404
    assert client.get(u("lms.certificates.issue_hours", course_slug="core", user_id=10**6)).status_code == 404
    draft = course_authoring.create_course(course_authoring.CourseData(slug="draft", title="Draft"), world["trainer"])
    db.session.commit()
    assert client.get(u("lms.certificates.issue_hours", course_slug=draft.slug, user_id=world["nadia"].id)).status_code == 404
    assert _certificate(world["nadia"]) is None


def test_automatic_issuance_is_unchanged(world):
    rosa, course = world["rosa"], world["course"]
    enrollment = db.session.execute(select(Enrollment).where(Enrollment.user_id == rosa.id)).scalar_one()
    cert = issuance.issue_for_enrollment(enrollment)
    db.session.commit()
    assert cert.snapshot["minutes"] == {"live": 0, "self_paced": 90, "field": 0, "total": 90}
    event = _issued_audit(cert)
    assert "stated_minutes" not in event.data and "lms_minutes" not in event.data and event.actor_id is None
    assert issuance.get_certificate(rosa, course).id == cert.id
