"""Certificates: exactly-once issuance, codes, signed Open Badges 3.0 credentials, verification, key rotation."""

from __future__ import annotations

import base64
import json
import math
import os
import threading
from datetime import timedelta
from pathlib import Path

import jsonschema
import pytest
from joserfc import jwt
from joserfc.jwk import KeySet, RSAKey
from sqlalchemy import func, select

from lms import db
from lms.accounts.models import SiteRole
from lms.catalog import course_authoring, lesson_authoring, module_authoring, quiz_authoring
from lms.catalog import services as catalog
from lms.catalog.models import CourseStatus, QuestionKind
from lms.certificates import codes, credential, issuance, keys, verification
from lms.certificates.models import Certificate, CertificateStatus
from lms.db import utcnow
from lms.enrollment import quiz_attempts, visits
from lms.enrollment import services as learning
from lms.enrollment.models import EnrollmentStatus

SCHEMA = Path(__file__).resolve().parent / "fixtures/openbadges/achievementcredential.schema.json"  # 1EdTech, unchanged
IDLE = timedelta(minutes=30)


def test_codes_have_at_least_128_bits_and_no_ambiguous_characters():
    assert codes.LENGTH * math.log2(len(codes.ALPHABET)) >= 128
    assert not set("01ILOU") & set(codes.ALPHABET)
    sample = {codes.new_code() for _ in range(5000)}
    assert len(sample) == 5000
    code = next(iter(sample))
    shown = codes.display(code)
    assert shown.count("-") == 6 and shown.replace("-", "") == code
    assert codes.normalize(shown.lower()) == code and codes.normalize(" " + code.lower() + " ") == code
    assert codes.normalize("not-a-code") is None and codes.normalize(code[:-1] + "0") is None


@pytest.fixture
def completed(app, make_user):
    """A trainee who completes a one-module course by reading its lesson and passing its quiz."""
    trainer = make_user(role=SiteRole.TRAINER)
    trainee = make_user("cert@example.org", name="Rosa Díaz", locale="es")
    course = course_authoring.create_course(course_authoring.CourseData(slug="ce", title="Documentation", version="2026.1",
                                                      competency_areas=("professional-conduct",)), trainer)
    module = module_authoring.add_module(course, module_authoring.ModuleData(slug="notes", title="Notes", credited_minutes=90,
                                                           competency_areas=("professional-conduct",)), trainer)
    lesson = lesson_authoring.add_lesson(course, module, "one", "One", "Text", 10, trainer)
    quiz = quiz_authoring.ensure_quiz(course, module, title="Quiz", pass_mark=100, max_attempts=None, actor=trainer)
    question = quiz_authoring.save_question(course, quiz, None, slug="q", kind=QuestionKind.TRUE_FALSE, prompt="Ok?",
                                     options=[quiz_authoring.OptionData("true", "True", True),
                                              quiz_authoring.OptionData("false", "False", False)], actor=trainer)
    course.certificate_validity_months = 12
    course_authoring.set_course_status(course, CourseStatus.PUBLISHED, trainer)
    enrollment = learning.enroll(trainee, course)
    visits.complete_lesson(enrollment, lesson, utcnow(), IDLE)
    right = next(o for _q, opts in catalog.load_questions(quiz) for o in opts if o.is_correct)
    quiz_attempts.submit_quiz(enrollment, quiz, {question.id: {right.id}})
    db.session.commit()
    return trainee, course, enrollment


def test_completing_a_course_issues_one_certificate_with_a_snapshot(completed):
    trainee, course, enrollment = completed
    assert enrollment.status is EnrollmentStatus.COMPLETED
    cert = issuance.get_certificate(trainee, course)
    snap = cert.snapshot
    assert snap["holder_name"] == "Rosa Díaz" and snap["course_version"] == "2026.1"
    assert snap["minutes"] == {"live": 0, "self_paced": 90, "field": 0, "total": 90}
    assert snap["minutes_by_area"] == {"professional-conduct": 90}
    assert cert.expires_at is not None and cert.expires_at > cert.issued_at
    assert issuance.issue_for_enrollment(enrollment).id == cert.id
    assert db.session.execute(select(func.count(Certificate.id))).scalar_one() == 1


@pytest.mark.skipif(not os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql"), reason="PostgreSQL only")
def test_simultaneous_issuance_gives_one_certificate(app, completed):
    trainee, course, enrollment = completed
    db.session.execute(Certificate.__table__.delete())
    db.session.commit()
    enrollment_id = enrollment.id  # read here: the threads must not touch this thread's session
    results, barrier = [], threading.Barrier(8)

    def worker():
        with app.app_context():
            from lms.enrollment.models import Enrollment

            barrier.wait()
            cert = issuance.issue_for_enrollment(db.session.get(Enrollment, enrollment_id))
            db.session.commit()
            results.append(cert.code)

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(set(results)) == 1 and len(results) == 8
    assert db.session.execute(select(func.count(Certificate.id))).scalar_one() == 1


def _schema_validator():
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    return jsonschema.Draft201909Validator(schema, format_checker=jsonschema.FormatChecker())


def test_signed_credential_validates_against_the_ob3_schema(app, completed):
    trainee, course, _enrollment = completed
    cert = issuance.get_certificate(trainee, course)
    token = credential.sign_credential(cert, trainee, "https://learn.example.org")
    db.session.commit()
    claims = credential.verify_jwt(token, KeySet([RSAKey.import_key(k) for k in keys.jwks()["keys"]]))
    errors = sorted(_schema_validator().iter_errors(claims), key=str)
    assert errors == [], [e.message for e in errors]
    header = json.loads(base64.urlsafe_b64decode(token.split(".")[0] + "=="))
    assert header["alg"] == "RS256" and header["kid"] == keys.current_key().kid
    subject = claims["credentialSubject"]
    assert subject["identifier"][0]["hashed"] is True and "cert@example.org" not in json.dumps(claims)
    assert subject["creditsEarned"] == 1.5
    assert [a["targetCode"] for a in subject["achievement"]["alignment"]] == ["professional-conduct"]
    assert claims["iss"] == claims["issuer"]["id"] and claims["jti"] == claims["id"] and "exp" in claims


def test_tampered_foreign_and_unsigned_credentials_fail(app, completed):
    trainee, course, _enrollment = completed
    cert = issuance.get_certificate(trainee, course)
    token = credential.sign_credential(cert, trainee, "https://learn.example.org")
    ours = KeySet([RSAKey.import_key(k) for k in keys.jwks()["keys"]])
    header, payload, signature = token.split(".")
    body = json.loads(base64.urlsafe_b64decode(payload + "=="))
    body["name"] = "Forged"
    forged = base64.urlsafe_b64encode(json.dumps(body).encode()).rstrip(b"=").decode()
    with pytest.raises(credential.CredentialInvalid):
        credential.verify_jwt(f"{header}.{forged}.{signature}", ours)
    stranger = RSAKey.generate_key(2048)
    foreign = jwt.encode({"alg": "RS256", "kid": keys.current_key().kid}, body, stranger)
    with pytest.raises(credential.CredentialInvalid):
        credential.verify_jwt(foreign, ours)
    none_header = base64.urlsafe_b64encode(b'{"alg":"none","kid":"x"}').rstrip(b"=").decode()
    with pytest.raises(credential.CredentialInvalid):
        credential.verify_jwt(f"{none_header}.{payload}.", ours)


def test_rotation_keeps_old_credentials_verifiable_and_never_publishes_private_parts(app, completed):
    trainee, course, _enrollment = completed
    cert = issuance.get_certificate(trainee, course)
    old_token = credential.sign_credential(cert, trainee, "https://x.example")
    old_kid = keys.current_key().kid
    keys.generate_key()
    db.session.commit()
    published = keys.jwks()
    assert {k["kid"] for k in published["keys"]} >= {old_kid, keys.current_key().kid}
    assert all(not {"d", "p", "q", "dp", "dq", "qi"} & set(k) for k in published["keys"])
    key_set = KeySet([RSAKey.import_key(k) for k in published["keys"]])
    assert credential.verify_jwt(old_token, key_set)["jti"]
    new_token = credential.sign_credential(cert, trainee, "https://x.example")
    assert json.loads(base64.urlsafe_b64decode(new_token.split(".")[0] + "=="))["kid"] != old_kid


def test_verification_statuses_and_what_is_shown(app, completed):
    trainee, course, _enrollment = completed
    cert = issuance.get_certificate(trainee, course)
    shown = codes.display(cert.code)
    [valid, unknown, junk] = verification.verify_codes([shown.lower(), codes.new_code(), "hello"], "1.2.3.4", "s")
    assert (valid.status, unknown.status, junk.status) == ("valid", "not_found", "invalid")
    public = valid.public("es")
    assert set(public) == {"code", "status", "number", "holder_name", "course", "minutes", "competency_areas",
                           "started_on", "completed_on", "issued_on", "expires_on", "issuer", "revoked_on",
                           "revocation_reason"}
    assert "cert@example.org" not in json.dumps(public)
    cert.status, cert.revoked_at, cert.revocation_reason = CertificateStatus.REVOKED, utcnow(), "Issued in error"
    [revoked] = verification.verify_codes([cert.code], "1.2.3.4", "s")
    assert revoked.status == "revoked" and revoked.public()["revocation_reason"] == "Issued in error"
    cert.status, cert.expires_at = CertificateStatus.VALID, utcnow() - timedelta(days=1)
    assert verification.verify_codes([cert.code], "1.2.3.4", "s")[0].status == "expired"
