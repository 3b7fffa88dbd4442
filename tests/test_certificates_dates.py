"""A certificate's days are the trainee's days: a course finished at 17:30 in California (01:30 the next day in UTC)
is completed and issued on the Californian day on the PDF, the verification page, "My certificates" and the course
page alike, while the signed credential keeps the real instants in UTC. Issued certificates keep what they say."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from flask_babel import force_locale, format_date
from joserfc.jwk import KeySet, RSAKey
from pypdf import PdfReader
from sqlalchemy import select

from lms import db
from lms.accounts.models import SiteRole
from lms.certificates import codes, credential, issuance, keys, render
from lms.certificates.models import Certificate
from lms.db import utcnow
from lms.enrollment.models import Enrollment, EnrollmentStatus, LessonProgress, ModuleCompletion, QuizAttempt
from tests.test_certificates_core import _schema_validator
from tests.test_certificates_manual import _complete_self_paced, _course

LA = ZoneInfo("America/Los_Angeles")
YEAR = utcnow().year - 1  # last December: always past, and always Pacific Standard Time (UTC-8)
STARTED = datetime(YEAR, 11, 20, 18, 0, tzinfo=LA)  # 02:00 UTC on the 21st
FINISHED = datetime(YEAR, 12, 5, 17, 30, tzinfo=LA)  # 01:30 UTC on the 6th


def _issue_at(user, course, started: datetime, finished: datetime) -> Certificate:
    """The trainee enrolled and opened the lesson at ``started`` (the start of the training the certificate counts) and
    completed the course at ``finished``, when it was issued: what the automatic issue does the moment a course is
    completed, at a chosen moment instead of now."""
    enrollment = db.session.execute(select(Enrollment).where(Enrollment.user_id == user.id)).scalar_one()
    enrollment.enrolled_at = started.astimezone(UTC)
    _date_training(enrollment, started, finished)
    enrollment.status, enrollment.completed_at = EnrollmentStatus.COMPLETED, finished.astimezone(UTC)
    cert = issuance.issue_for_enrollment(enrollment, now=finished.astimezone(UTC))
    db.session.commit()
    return cert


def _date_training(enrollment: Enrollment, started: datetime, finished: datetime) -> None:
    """Lesson opened and quiz answered at ``started``, modules completed at ``finished``."""
    for row in db.session.execute(select(LessonProgress).where(LessonProgress.enrollment_id == enrollment.id)).scalars():
        row.first_viewed_at = started.astimezone(UTC)
    for attempt in db.session.execute(select(QuizAttempt).where(QuizAttempt.enrollment_id == enrollment.id)).scalars():
        attempt.submitted_at = started.astimezone(UTC)
    for done in db.session.execute(select(ModuleCompletion).where(ModuleCompletion.enrollment_id == enrollment.id)).scalars():
        done.completed_at = finished.astimezone(UTC)


@pytest.fixture
def world(app, make_user):
    """Rosa (no time zone of her own: the site's, California) and Mai (in Manila) finish the self-paced module of a
    course valid for 36 months."""
    trainer = make_user("teacher@example.org", role=SiteRole.TRAINER)
    course = _course(trainer, "core", 90)
    course.certificate_validity_months = 36
    rosa = make_user("rosa@example.org", name="Rosa Díaz")
    mai = make_user("mai@example.org", name="Mai Santos", timezone="Asia/Manila")
    for trainee in (rosa, mai):
        _complete_self_paced(trainee, course)
    return {"course": course, "rosa": rosa, "mai": mai}


def _long(day: date, locale: str = "en") -> str:
    with force_locale(locale):
        return format_date(day, "long")


def test_a_course_finished_at_17_30_pst_is_completed_and_issued_that_day_everywhere(client, u, login, world):
    cert = _issue_at(world["rosa"], world["course"], STARTED, FINISHED)
    assert cert.issued_at == datetime(YEAR, 12, 6, 1, 30, tzinfo=UTC)  # the instant stays UTC
    snap = cert.snapshot
    assert (snap["started_on"], snap["completed_on"], snap["issued_on"]) == (
        f"{YEAR}-11-20",
        f"{YEAR}-12-05",
        f"{YEAR}-12-05",
    )
    assert snap["expires_on"] == f"{YEAR + 3}-12-05"
    assert cert.expires_at == datetime(YEAR + 3, 12, 6, 0, 0, tzinfo=LA)  # valid through all of 5 December
    assert snap["time_zone"] == "America/Los_Angeles"  # the site's: Rosa has not chosen one
    fifth, sixth = _long(date(YEAR, 12, 5)), _long(date(YEAR, 12, 6))

    login(world["rosa"])
    code = codes.display(cert.code)
    pdf = client.get(u("lms.certificates.pdf", code=code, lang="en"))
    text = _squashed(pdf.data)
    assert _squash(fifth) in text and _squash(sixth) not in text
    assert _squash(_long(date(YEAR, 11, 20))) in text and _squash(_long(date(YEAR + 3, 12, 5))) in text
    course_page = client.get(u("lms.courses.course", course_slug="core")).get_data(as_text=True)
    assert f"You completed this course on {fifth}." in course_page
    mine = client.get(u("lms.certificates.mine")).get_data(as_text=True)
    assert fifth in mine and sixth not in mine and _long(date(YEAR + 3, 12, 5)) in mine
    verify = client.get(u("lms.certificates.verify_page", code=code)).get_data(as_text=True)
    assert fifth in verify and sixth not in verify
    assert _long(date(YEAR + 3, 12, 5)) in verify and _long(date(YEAR + 3, 12, 6)) not in verify  # valid until
    api = client.get(u("lms.api.certificate", code=code)).get_json()
    assert (api["issued_on"], api["expires_on"]) == (f"{YEAR}-12-05", f"{YEAR + 3}-12-05")


def test_the_signed_credential_keeps_the_instants_in_utc_and_validates(client, u, world):
    cert = _issue_at(world["rosa"], world["course"], STARTED, FINISHED)
    token = client.get(u("lms.api.certificate_credential", code=codes.display(cert.code))).get_data(as_text=True)
    claims = credential.verify_jwt(token, KeySet([RSAKey.import_key(k) for k in keys.jwks()["keys"]]))
    assert claims["validFrom"] == f"{YEAR}-12-06T01:30:00Z"
    assert claims["validUntil"] == f"{YEAR + 3}-12-06T08:00:00Z"  # the end of 5 December, Pacific
    assert claims["iat"] == int(datetime(YEAR, 12, 6, 1, 30, tzinfo=UTC).timestamp())
    errors = sorted(_schema_validator().iter_errors(claims), key=str)
    assert errors == [], [e.message for e in errors]


def test_a_trainee_with_a_time_zone_of_their_own_gets_their_own_days(client, u, login, world):
    manila = datetime(YEAR, 12, 6, 7, 30, tzinfo=ZoneInfo("Asia/Manila"))  # 23:30 UTC and 15:30 PST on the 5th
    cert = _issue_at(world["mai"], world["course"], STARTED, manila)
    assert (cert.snapshot["completed_on"], cert.snapshot["issued_on"]) == (f"{YEAR}-12-06", f"{YEAR}-12-06")
    assert cert.snapshot["time_zone"] == "Asia/Manila"
    login(world["mai"])
    course_page = client.get(u("lms.courses.course", course_slug="core")).get_data(as_text=True)
    assert f"You completed this course on {_long(date(YEAR, 12, 6))}." in course_page


def test_the_number_carries_the_year_of_the_trainees_issue_day(world):
    new_years_eve = datetime(YEAR, 12, 31, 17, 30, tzinfo=LA)  # already 1 January in UTC
    cert = _issue_at(world["rosa"], world["course"], STARTED, new_years_eve)
    assert cert.number.startswith(f"CHW-{YEAR}-") and cert.snapshot["issued_on"] == f"{YEAR}-12-31"


def test_expiry_is_counted_in_months_on_the_trainees_calendar(world):
    """23:30 on 5 December PST is 07:30 UTC on the 6th; six months of UTC would reach 00:30 PDT on 6 June. On the
    trainee's calendar it expires on 5 June, the same day of the month it was issued."""
    world["course"].certificate_validity_months = 6
    cert = _issue_at(world["rosa"], world["course"], STARTED, datetime(YEAR, 12, 5, 23, 30, tzinfo=LA))
    assert cert.snapshot["expires_on"] == f"{YEAR + 1}-06-05"
    assert cert.expires_at == datetime(YEAR + 1, 6, 6, 0, 0, tzinfo=LA)  # valid through all of 5 June


def test_certificates_issued_before_keep_the_days_they_always_stated(app, world):
    """A snapshot from before local days has UTC days and no ``expires_on``: its PDF still says what it said."""
    cert = _issue_at(world["rosa"], world["course"], STARTED, FINISHED)
    old = {k: v for k, v in cert.snapshot.items() if k != "expires_on"}
    legacy = Certificate(
        code=cert.code,
        number=cert.number,
        status=cert.status,
        issued_at=cert.issued_at,
        expires_at=cert.expires_at,
        recipient_salt=cert.recipient_salt,
        snapshot={**old, "completed_on": f"{YEAR}-12-06", "issued_on": f"{YEAR}-12-06"},
    )  # not added to the session: certificates are immutable
    with app.test_request_context():
        [page] = render.document_data(legacy, ["en"], "https://learn.example.org/verify/x")["pages"]
    assert page["dates"]["issued"] == _long(date(YEAR, 12, 6)) and page["dates"]["expires"] == _long(date(YEAR + 3, 12, 6))


def _squash(text: str) -> str:
    return "".join(text.split())


def _squashed(pdf: bytes) -> str:
    return _squash("\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages))
