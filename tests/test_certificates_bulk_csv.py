"""The bulk-verification results CSV is a spreadsheet for managers: column titles, verdicts and competency areas in
the viewer's language, hours as decimal hours, a byte-order mark; the bulk API's JSON keeps its field names and ids."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest

from lms import db
from lms.accounts.models import SiteRole
from lms.catalog import course_authoring, lesson_authoring, module_authoring
from lms.catalog import services as catalog
from lms.catalog.models import CourseStatus
from lms.certificates import codes, issuance
from lms.db import utcnow
from lms.enrollment import quiz_attempts, visits
from lms.enrollment import services as learning
from tests.certificates_support import one_question_quiz

AREAS = ("professional-conduct", "communication")  # not in the law's order: the CSV puts them in it


@pytest.fixture
def certificate(app, make_user):
    """Rosa completes a one-module course covering two competency areas, so she holds a certificate."""
    trainer = make_user("teacher@example.org", role=SiteRole.TRAINER)
    trainee = make_user("rosa@example.org", name="Rosa Díaz")
    course = course_authoring.create_course(
        course_authoring.CourseData(slug="ce", title="Documentation", version="2026.1", competency_areas=AREAS), trainer
    )
    module = module_authoring.add_module(
        course, module_authoring.ModuleData(slug="notes", title="Notes", credited_minutes=90, competency_areas=AREAS), trainer
    )
    lesson = lesson_authoring.add_lesson(course, module, "one", "One", "Text", 10, trainer)
    quiz, question = one_question_quiz(course, module, trainer)
    course_authoring.set_course_status(course, CourseStatus.PUBLISHED, trainer)
    enrollment = learning.enroll(trainee, course)
    visits.complete_lesson(enrollment, lesson, utcnow(), timedelta(minutes=30))
    right = next(o for _q, opts in catalog.load_questions(quiz) for o in opts if o.is_correct)
    quiz_attempts.submit_quiz(enrollment, quiz, {question.id: {right.id}})
    db.session.commit()
    return issuance.get_certificate(trainee, course)


def _download(client, u, codes_text: str, language: str) -> tuple[bytes, list[list[str]]]:
    path = u("lms.certificates.verify_bulk")
    response = client.post(
        path, data={"csrf_token": client.csrf_token(path), "codes": codes_text, "format": "csv"}, headers={"Accept-Language": language}
    )
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.data.startswith(b"\xef\xbb\xbf")
    return response.data, list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"), newline="")))


def test_results_csv_speaks_english_to_an_english_viewer(client, u, certificate):
    code = codes.display(certificate.code)
    total = certificate.snapshot["minutes"]["total"]
    assert total % 60 == 30, "the hours check below needs half an hour"
    _data, rows = _download(client, u, f"{code}\nNOTACODE\n=1+1", "en")
    assert rows[0] == [
        "Code",
        "Result",
        "Verification code",
        "Certificate number",
        "Name",
        "Course",
        "Version",
        "Total hours",
        "Competency areas covered",
        "Started",
        "Completed",
        "Issued",
        "Valid until",
        "Issued by",
        "Revoked",
        "Reason",
        "Same code as row",
    ]
    found = dict(zip(rows[0], rows[1], strict=True))
    assert found["Result"] == "Valid" and found["Name"] == "Rosa Díaz" and found["Course"] == "Documentation"
    assert found["Total hours"] == f"{total // 60}.50"
    assert found["Competency areas covered"] == "Communication; Professional skills and conduct"
    assert found["Started"] == certificate.snapshot["started_on"]  # ISO dates: a date in any spreadsheet's language
    assert [row[:2] for row in rows[2:]] == [["NOTACODE", "Not a certificate code"], ["'=1+1", "Not a certificate code"]]
    assert all(len(row) == len(rows[0]) for row in rows)


def test_results_csv_speaks_spanish_to_a_spanish_viewer(client, u, certificate):
    data, rows = _download(client, u, codes.display(certificate.code), "es")
    assert rows[0][:3] == ["Código", "Resultado", "Código de verificación"]
    assert "Áreas de competencia cubiertas" in rows[0] and "Total de horas" in rows[0]
    found = dict(zip(rows[0], rows[1], strict=True))
    assert found["Resultado"] == "Válido"
    assert found["Áreas de competencia cubiertas"] == "Comunicación; Habilidades y conducta profesionales"
    assert "Comunicación".encode() in data and b"professional-conduct" not in data


def test_bulk_api_json_keeps_field_names_ids_and_minutes(client, u, certificate):
    result = client.post(u("lms.api.verify_certificates"), json={"codes": [certificate.code]}, headers={"Accept-Language": "es"}).json[
        "results"
    ][0]
    assert result["status"] == "valid" and result["competency_areas"] == list(certificate.snapshot["competency_areas"])
    assert set(result["competency_areas"]) == set(AREAS)
    assert result["minutes"] == certificate.snapshot["minutes"]
