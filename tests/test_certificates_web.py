"""Certificates on the web and in the API: my certificates, PDFs (read back, QR decoded), public verification (single,
bulk, API), revocation, manual issuance, signed credentials, rate limits, access and the CLI."""

from __future__ import annotations

import csv
import io
import json
import subprocess
from datetime import date, timedelta
from zoneinfo import ZoneInfo

import pytest
from flask import current_app
from flask_babel import force_locale, format_date
from joserfc.jwk import KeySet, RSAKey
from pypdf import PdfReader
from sqlalchemy import func, select

from lms import db
from lms.accounts.models import SiteRole
from lms.catalog import course_authoring, lesson_authoring, module_authoring
from lms.catalog import services as catalog
from lms.catalog.areas import area_title
from lms.catalog.models import CourseStatus
from lms.catalog.texts import set_text
from lms.certificates import codes, credential, issuance, keys, render
from lms.certificates.models import Certificate, CertificateStatus, VerificationLog
from lms.db import utcnow
from lms.enrollment import quiz_attempts, visits
from lms.enrollment import services as learning
from tests.certificates_support import one_question_quiz

IDLE = timedelta(minutes=30)
PUBLIC_KEYS = {
    "code",
    "status",
    "number",
    "holder_name",
    "course",
    "minutes",
    "competency_areas",
    "started_on",
    "completed_on",
    "issued_on",
    "expires_on",
    "issuer",
    "revoked_on",
    "revocation_reason",
}


@pytest.fixture
def completed(app, make_user, make_org, add_member):
    """Rosa works for Acme and completes a one-module course (English, with a Spanish title) through the services."""
    trainer = make_user("teacher@example.org", role=SiteRole.TRAINER)
    manager = make_user("boss@example.org", name="Acme Manager")
    acme = make_org("acme", manager=manager)
    trainee = make_user("cert@example.org", name="Rosa Díaz", locale="es")
    add_member(acme, trainee)
    course = course_authoring.create_course(
        course_authoring.CourseData(slug="ce", title="Documentation", version="2026.1",
                                    competency_areas=("professional-conduct",)), trainer
    )
    set_text(course, course, "title", "es", "Documentación", trainer)
    module = module_authoring.add_module(
        course,
        module_authoring.ModuleData(slug="notes", title="Notes", credited_minutes=90, competency_areas=("professional-conduct",)),
        trainer,
    )
    lesson = lesson_authoring.add_lesson(course, module, "one", "One", "Text", 10, trainer)
    quiz, question = one_question_quiz(course, module, trainer)
    course.certificate_validity_months = 12
    course_authoring.set_course_status(course, CourseStatus.PUBLISHED, trainer)
    enrollment = learning.enroll(trainee, course)
    visits.complete_lesson(enrollment, lesson, utcnow(), IDLE)
    right = next(o for _q, opts in catalog.load_questions(quiz) for o in opts if o.is_correct)
    quiz_attempts.submit_quiz(enrollment, quiz, {question.id: {right.id}})
    db.session.commit()
    cert = issuance.get_certificate(trainee, course)
    return {
        "trainee": trainee,
        "course": course,
        "cert": cert,
        "code": codes.display(cert.code),
        "manager": manager,
        "org": acme,
        "trainer": trainer,
    }


def _pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def _squash(text: str) -> str:
    return "".join(text.split())


# ---------------------------------------------------------------- my certificates and the PDF


def test_completing_a_course_lists_it_in_my_certificates(client, u, login, completed):
    login(completed["trainee"])
    page = client.get(u("lms.certificates.mine")).get_data(as_text=True)
    assert "Documentación" in page and completed["code"] in page and completed["cert"].number in page
    assert u("lms.certificates.pdf", code=completed["code"], bilingual=1).replace("&", "&amp;") in page
    assert u("lms.api.certificate_credential", code=completed["code"]) in page


def test_the_pdf_reads_back_name_course_hours_and_code(client, u, login, completed):
    login(completed["trainee"])
    response = client.get(u("lms.certificates.pdf", code=completed["code"], lang="en"))
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    text = _pdf_text(response.data)
    assert "Rosa Díaz" in text and "Documentation" in text and "1 hour 30 minutes" in text
    assert completed["code"] in _squash(text) and completed["cert"].number in text
    assert "Professional skills and conduct" in text


def test_names_in_californias_other_scripts_print_with_real_glyphs(app, completed):
    """Medi-Cal threshold languages include Chinese, Korean, Armenian and Punjabi: a holder's name in those scripts
    is drawn with fonts that have its glyphs (no empty boxes), and reads back from the PDF."""
    name = "陈美玲 김민지 Անի ਸਿਮਰਨ"
    issued = completed["cert"]
    cert = Certificate(
        code=issued.code,
        number=issued.number,
        status=issued.status,
        issued_at=issued.issued_at,
        expires_at=issued.expires_at,
        snapshot={**issued.snapshot, "holder_name": name},
        recipient_salt=issued.recipient_salt,
    )  # not added to the session: certificates are immutable
    with app.test_request_context():
        data = render.render_pdf(cert, "en", "https://learn.example.org/verify/" + completed["code"])
    fonts = {
        str(font.get_object()["/BaseFont"]).split("+", 1)[-1]
        for page in PdfReader(io.BytesIO(data)).pages
        for font in page["/Resources"]["/Font"].values()
    }
    assert any(font.startswith("Noto-Sans-CJK") for font in fonts), fonts
    assert any("Gurmukhi" in font for font in fonts), fonts
    printed = subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True, check=True).stdout.decode()
    assert name in printed


def test_each_page_names_languages_in_its_own_language_and_lists_areas_in_the_laws_order(app, completed):
    issued = completed["cert"]
    cert = Certificate(
        code=issued.code,
        number=issued.number,
        status=issued.status,
        issued_at=issued.issued_at,
        expires_at=issued.expires_at,
        recipient_salt=issued.recipient_salt,
        snapshot={
            **issued.snapshot,
            "delivery_languages": ["es", "en"],
            "competency_areas": ["advocacy", "outreach", "communication"],
        },
    )
    with app.test_request_context():
        english, spanish = render.document_data(cert, ["en", "es"], "https://learn.example.org/verify/x")["pages"]
    assert english["languages"] == "Spanish and English" and spanish["languages"] == "español y inglés"
    assert english["areas"] == ["Communication", "Advocacy", "Outreach"]  # as WIC 18998 lists them, not A-Z
    with force_locale("es"):
        assert spanish["areas"] == [str(area_title(code)) for code in ("communication", "advocacy", "outreach")]


def test_spanish_and_bilingual_pdfs_use_spanish(app, client, u, login, completed):
    login(completed["trainee"])
    spanish = _pdf_text(client.get(u("lms.certificates.pdf", code=completed["code"], lang="es")).data)
    with force_locale("es"):
        labels = [str(render.LABELS[key]) for key in ("heading", "certifies", "code", "hours")]
        issued = format_date(date.fromisoformat(completed["cert"].snapshot["issued_on"]), "long")
    assert "Documentación" in spanish and issued in spanish and " de " in issued
    assert all(_squash(label) in _squash(spanish) for label in labels)
    bilingual = client.get(u("lms.certificates.pdf", code=completed["code"], bilingual=1)).data
    assert len(PdfReader(io.BytesIO(bilingual)).pages) == 2
    text = _pdf_text(bilingual)
    assert "Documentation" in text and "Documentación" in text and issued in text
    assert "Certificate of completion" in text


def test_the_qr_code_encodes_the_verification_url(app, client, u, login, completed, tmp_path):
    zxingcpp = pytest.importorskip("zxingcpp")
    from PIL import Image

    login(completed["trainee"])
    (tmp_path / "c.pdf").write_bytes(client.get(u("lms.certificates.pdf", code=completed["code"])).data)
    subprocess.run(["pdftoppm", "-r", "150", "-png", "-f", "1", "-l", "1", str(tmp_path / "c.pdf"), str(tmp_path / "p")], check=True)
    [png] = tmp_path.glob("p*.png")
    found = [barcode.text for barcode in zxingcpp.read_barcodes(Image.open(png))]
    with app.test_request_context():
        from flask import url_for

        expected = url_for("lms.certificates.verify_page", code=completed["code"], _external=True)
    assert found == [expected] and expected.endswith("/verify/" + completed["code"])


def test_the_certificate_fetcher_serves_qr_codes_and_static_files_only():
    zxingcpp = pytest.importorskip("zxingcpp")
    from urllib.parse import quote

    from PIL import Image

    url = "https://learn.example.org/verify/ABCD-EFGH?x=1&y=é"
    fetcher = render.CertificateFetcher()
    answer = fetcher.fetch(render.QR_SCHEME + quote(url, safe=""))
    assert answer.content_type == "image/png"
    qr = Image.open(io.BytesIO(answer.read())).convert("L")
    assert qr.size[0] == qr.size[1] < 60  # one pixel per module, no quiet zone: scaled without smoothing by the CSS
    framed = Image.new("L", (qr.size[0] * 8 + 64, qr.size[1] * 8 + 64), 255)
    framed.paste(qr.resize((qr.size[0] * 8, qr.size[1] * 8), Image.NEAREST), (32, 32))
    assert [barcode.text for barcode in zxingcpp.read_barcodes(framed)] == [url]
    assert b"@page" in fetcher.fetch((render.STATIC / "pdf" / "certificate.css").resolve().as_uri()).read()
    for refused in ("file:///etc/passwd", "https://example.org/x.png", "data:image/png;base64,AAAA"):
        with pytest.raises(ValueError):
            fetcher.fetch(refused)


def test_a_revoked_certificate_has_no_pdf(client, u, login, completed):
    _revoke(completed)
    login(completed["trainee"])
    assert client.get(u("lms.certificates.pdf", code=completed["code"])).status_code == 410


def test_only_the_holder_the_employers_managers_and_admins_get_the_pdf(client, u, login, make_user, make_org, completed):
    path = u("lms.certificates.pdf", code=completed["code"])
    assert client.get(path).status_code == 302  # sign in first
    other_manager = make_user("other-boss@example.org")
    make_org("other", manager=other_manager)
    for person in (make_user("someone@example.org"), other_manager, completed["trainer"]):
        login(person)
        assert client.get(path).status_code == 404, person.email
    for person in (completed["manager"], make_user("root@example.org", role=SiteRole.ADMIN), completed["trainee"]):
        login(person)
        assert client.get(path).status_code == 200, person.email
    assert client.get(u("lms.certificates.pdf", code=codes.display(codes.new_code()))).status_code == 404


# ---------------------------------------------------------------- public verification


def test_verification_page_works_without_sign_in_in_any_case_and_spacing(client, u, completed):
    code = completed["code"]
    for typed in (code, code.lower(), code.replace("-", ""), code.replace("-", " ")):
        response = client.get(u("lms.certificates.verify_page", code=typed))
        page = response.get_data(as_text=True)
        assert response.status_code == 200, typed
        assert "Valid certificate" in page and "Rosa Díaz" in page and "Documentation" in page
        assert "1 hour 30 minutes" in page and "Professional skills and conduct" in page
        assert response.headers["Cache-Control"] == "no-store"
    form = client.get(u("lms.certificates.verify_form", code=code.lower()))
    assert form.status_code == 302 and form.headers["Location"].endswith(u("lms.certificates.verify_page", code=code))
    assert client.get(u("lms.certificates.verify_form", code="nope")).status_code == 400
    assert db.session.execute(select(func.count(VerificationLog.id))).scalar_one() == 4


def test_revoked_shows_at_once_with_reason_and_unknown_is_told_apart(client, u, login, completed):
    login(completed["manager"])
    path = u("lms.certificates.revoke", code=completed["code"])
    assert client.get(path).status_code == 200
    blank = client.submit(path, {"reason": "  "})
    assert blank.status_code == 400 and "Write the reason" in blank.get_data(as_text=True)
    assert db.session.get(Certificate, completed["cert"].id).status is CertificateStatus.VALID
    done = client.submit(path, {"reason": "Issued to the wrong person"})
    assert done.status_code == 302
    client.post(u("lms.accounts.logout"), data={"csrf_token": client.csrf_token()})
    page = client.get(u("lms.certificates.verify_page", code=completed["code"])).get_data(as_text=True)
    assert "Revoked certificate" in page and "Issued to the wrong person" in page
    api = client.get(u("lms.api.certificate", code=completed["code"]))
    assert api.status_code == 200 and api.json["status"] == "revoked"
    # The day on the holder's calendar (the site's default zone here), not the server's UTC day.
    today_there = utcnow().astimezone(ZoneInfo(current_app.config["LMS_DEFAULT_TIMEZONE"])).date()
    assert api.json["revocation_reason"] == "Issued to the wrong person" and api.json["revoked_on"] == today_there.isoformat()
    unknown = codes.display(codes.new_code())
    response = client.get(u("lms.certificates.verify_page", code=unknown))
    assert response.status_code == 404 and "No certificate found" in response.get_data(as_text=True)
    assert "Revoked" not in response.get_data(as_text=True)
    api_unknown = client.get(u("lms.api.certificate", code=unknown))
    assert api_unknown.status_code == 404 and api_unknown.json["status"] == "not_found"
    assert api_unknown.json["error"]["code"] == "not_found"
    malformed = client.get(u("lms.api.certificate", code="hello"))
    assert malformed.status_code == 400 and malformed.json["status"] == "invalid"
    assert client.get(u("lms.certificates.verify_page", code="hello")).status_code == 400


def test_verification_shows_nothing_beyond_the_public_fields(client, u, completed):
    trainee = completed["trainee"]
    body = client.get(u("lms.api.certificate", code=completed["code"])).json
    assert set(body) == PUBLIC_KEYS
    page = client.get(u("lms.certificates.verify_page", code=completed["code"])).get_data(as_text=True)
    bulk = client.post(u("lms.api.verify_certificates"), json={"codes": [completed["code"]]}).json
    assert set(bulk["results"][0]) == PUBLIC_KEYS | {"query", "index"}
    for text in (json.dumps(body), page, json.dumps(bulk)):
        assert trainee.email not in text and "user_id" not in text and completed["cert"].recipient_salt not in text


def test_expired_certificates_say_so(client, u, completed):
    cert = db.session.get(Certificate, completed["cert"].id)
    cert.expires_at = utcnow() - timedelta(days=2)
    db.session.commit()
    page = client.get(u("lms.certificates.verify_page", code=completed["code"])).get_data(as_text=True)
    assert "Expired certificate" in page
    assert client.get(u("lms.api.certificate", code=completed["code"])).json["status"] == "expired"


# ---------------------------------------------------------------- bulk verification


def _population(completed, valid=200, revoked=100, unknown=150, malformed=50) -> tuple[list[str], dict[str, str]]:
    """``valid + revoked`` certificate rows cloned from the real one (distinct course versions), then codes to ask."""
    base = completed["cert"]
    now = utcnow()
    expected: dict[str, str] = {}
    for i in range(valid + revoked):
        clone = Certificate(
            code=codes.new_code(),
            number=f"CHW-T-{i:06d}",
            user_id=base.user_id,
            course_id=base.course_id,
            course_version=f"clone-{i}",
            org_id=base.org_id,
            issued_at=now,
            snapshot=base.snapshot,
            recipient_salt="0" * 32,
        )
        if i >= valid:
            clone.status, clone.revoked_at, clone.revocation_reason = CertificateStatus.REVOKED, now, f"reason {i}"
        db.session.add(clone)
        expected[codes.display(clone.code).lower() if i % 2 else clone.code] = "revoked" if i >= valid else "valid"
    for _ in range(unknown):
        expected[codes.new_code()] = "not_found"
    for i in range(malformed):
        expected[f'=HYPERLINK("x{i}")' if i == 0 else f"bad-{i}"] = "invalid"
    db.session.commit()
    return list(expected), expected


def test_bulk_api_verifies_500_codes_in_a_fixed_number_of_queries(client, u, completed, count_queries):
    queries, expected = _population(completed)
    assert len(queries) == 500
    with count_queries() as small:
        response = client.post(u("lms.api.verify_certificates"), json={"codes": queries[:10]})
    assert response.status_code == 200
    with count_queries() as large:
        response = client.post(u("lms.api.verify_certificates"), json={"codes": queries})
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    results = response.json["results"]
    assert [r["query"] for r in results] == queries
    assert {r["query"]: r["status"] for r in results} == expected
    assert response.json["counts"] == {"valid": 200, "expired": 0, "revoked": 100, "not_found": 150, "invalid": 50,
                                       "number": 0, "empty": 0}
    assert large.count == small.count, (small.statements, large.statements)
    assert db.session.execute(select(func.count(VerificationLog.id))).scalar_one() == 510


def test_bulk_api_refuses_bad_bodies_and_too_many_codes(client, u):
    path = u("lms.api.verify_certificates")
    too_many = client.post(path, json={"codes": [codes.new_code() for _ in range(501)]})
    assert too_many.status_code == 400 and too_many.json["error"]["code"] == "too_many"
    for body in ([], {"codes": "ABC"}, {"codes": [1, 2]}, {"codes": [None]}, {}):  # {"nope": []}: 422, unknown field
        response = client.post(path, json=body)
        assert response.status_code == 400 and response.json["error"]["code"] == "bad_request", body
    assert client.post(path, data="not json", content_type="application/json").status_code == 400
    form_post = client.post(path, data={"codes": "x"})  # a form post (a cross-site one too) is refused: JSON only
    assert form_post.status_code == 415 and form_post.json["error"]["code"] == "unsupported_media_type"
    assert client.post(path, json={"codes": []}).json == {
        "results": [],
        "counts": {"valid": 0, "expired": 0, "revoked": 0, "not_found": 0, "invalid": 0, "number": 0, "empty": 0},
    }


def test_bulk_upload_page_and_csv_download(client, u, completed, count_queries):
    queries, expected = _population(completed)
    upload = "code,note\r\n" + "".join(f"{q},row {i}\r\n" for i, q in enumerate(queries))
    path = u("lms.certificates.verify_bulk")
    token = client.csrf_token(path)
    with count_queries() as large:
        response = client.post(path, data={"csrf_token": token, "codes": "", "file": (io.BytesIO(upload.encode()), "codes.csv")})
    page = response.get_data(as_text=True)
    assert response.status_code == 200, page[:2000]
    assert "Valid: 200" in page and "Revoked: 100" in page and "Not found: 150" in page and "Not a code: 50" in page
    with count_queries() as small:
        client.post(path, data={"csrf_token": token, "codes": "\n".join(queries[:10])})
    assert large.count == small.count, (small.statements, large.statements)
    download = client.post(path, data={"csrf_token": token, "codes": ", ".join(queries), "format": "csv"})
    assert download.status_code == 200 and download.mimetype == "text/csv"
    assert download.headers["Content-Disposition"].startswith("attachment;")
    rows = list(csv.reader(io.StringIO(download.data.decode("utf-8-sig"))))
    assert rows[0][:2] == ["Code", "Result"] and len(rows) == 501  # in words: tests/test_certificates_bulk_csv.py
    words = {"valid": "Valid", "revoked": "Revoked", "not_found": "Not found", "invalid": "Not a certificate code"}
    assert {row[0].lstrip("'"): row[1] for row in rows[1:]} == {query: words[s] for query, s in expected.items()}
    assert any(row[0] == '\'=HYPERLINK("x0")' for row in rows)
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)


def test_bulk_page_refuses_more_than_500_codes_and_empty_input(client, u):
    path = u("lms.certificates.verify_bulk")
    response = client.submit(path, {"codes": "\n".join(codes.new_code() for _ in range(501))})
    assert response.status_code == 400 and "verify at most 500" in response.get_data(as_text=True)
    assert client.submit(path, {"codes": " "}).status_code == 400
    binary = client.post(path, data={"csrf_token": client.csrf_token(path), "file": (io.BytesIO(b"\x00\x01"), "x.txt")})
    assert binary.status_code == 400
    assert client.get(path).status_code == 200


def test_pasted_codes_split_on_lines_commas_and_spaces(client, u, completed):
    code = completed["code"]
    grouped = code.replace("-", " ")
    response = client.submit(u("lms.certificates.verify_bulk"), {"codes": f"{code}, {code.lower()}\n{grouped}\nnope"})
    page = response.get_data(as_text=True)
    assert "Valid: 1" in page and "Repeats of an earlier row: 2" in page and "Not a code: 1" in page


def test_verification_is_rate_limited_per_client(app, client, u, completed):
    app.config["LMS_VERIFY_LIMIT"] = "3 per minute"
    app.config["LMS_VERIFY_BULK_LIMIT"] = "1 per minute"
    for _ in range(2):
        assert client.get(u("lms.certificates.verify_page", code=completed["code"])).status_code == 200
    assert client.get(u("lms.api.certificate", code=completed["code"])).status_code == 200
    assert client.get(u("lms.certificates.verify_page", code=completed["code"])).status_code == 429
    limited = client.get(u("lms.api.certificate", code=completed["code"]))
    assert limited.status_code == 429 and limited.json["error"]["code"]
    other = client.get(u("lms.api.certificate", code=completed["code"]), environ_base={"REMOTE_ADDR": "10.9.8.7"})
    assert other.status_code == 200
    assert client.post(u("lms.api.verify_certificates"), json={"codes": [completed["code"]]}).status_code == 200
    assert client.post(u("lms.api.verify_certificates"), json={"codes": [completed["code"]]}).status_code == 429


# ---------------------------------------------------------------- signed credential


def test_credential_verifies_with_the_published_jwks_in_code_and_on_the_command_line(app, client, u, runner, completed, tmp_path):
    jwks = client.get(u("lms.certificates.jwks"))
    assert jwks.status_code == 200 and keys.current_key() is not None  # made on first use, committed
    response = client.get(u("lms.api.certificate_credential", code=completed["code"].lower()))
    assert response.status_code == 200 and response.mimetype == "application/jwt"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    token = response.get_data(as_text=True)
    claims = credential.verify_jwt(token, KeySet([RSAKey.import_key(k) for k in jwks.json["keys"]]))
    assert claims["credentialSubject"]["creditsEarned"] == 1.5
    assert claims["credentialStatus"]["id"].endswith("/verify/" + completed["code"])
    (tmp_path / "credential.jwt").write_text(token)
    (tmp_path / "jwks.json").write_text(jwks.get_data(as_text=True))
    result = runner.invoke(
        args=["lms", "certificates", "verify-jwt", str(tmp_path / "credential.jwt"), "--jwks", str(tmp_path / "jwks.json")]
    )
    assert result.exit_code == 0 and result.output.startswith("VALID"), result.output
    assert client.get(u("lms.api.certificate_credential", code=codes.new_code())).status_code == 404
    assert client.get(u("lms.api.certificate_credential", code="nope")).status_code == 400


def test_a_revoked_certificates_credential_is_no_longer_served(client, u, completed):
    _revoke(completed)
    gone = client.get(u("lms.api.certificate_credential", code=completed["code"]))
    assert gone.status_code == 410 and gone.json["error"]["code"] == "revoked"


# ---------------------------------------------------------------- managers, revocation, manual issuance


def _revoke(completed, reason="Issued in error"):
    from lms.certificates import revocation

    revocation.revoke(completed["cert"].code, reason, completed["manager"], {completed["org"].id})
    db.session.commit()


def test_staff_certificates_mark_expiring_expired_and_revoked(client, u, login, make_user, add_member, completed, count_queries):
    cert = db.session.get(Certificate, completed["cert"].id)
    cert.expires_at = utcnow() + timedelta(days=30)
    db.session.commit()
    login(completed["manager"])
    path = u("lms.certificates.staff", org_slug="acme")
    page = client.get(path).get_data(as_text=True)
    assert "Rosa Díaz" in page and "Expiring soon" in page
    assert "Rosa Díaz" in client.get(u("lms.certificates.staff", org_slug="acme", show="expiring")).get_data(as_text=True)
    assert "Rosa Díaz" not in client.get(u("lms.certificates.staff", org_slug="acme", show="expired")).get_data(as_text=True)
    with count_queries() as one:
        client.get(path)
    _population(completed, valid=40, revoked=10, unknown=0, malformed=0)
    with count_queries() as many:
        page = client.get(path).get_data(as_text=True)
    assert many.count == one.count and "reason 45" in page and "Revoked" in page


def test_another_orgs_manager_cannot_see_or_revoke(client, u, login, make_user, make_org, completed):
    other = make_user("other-boss@example.org")
    make_org("other", manager=other)
    login(other)
    assert client.get(u("lms.certificates.revoke", code=completed["code"])).status_code == 404
    assert client.submit(u("lms.certificates.revoke", code=completed["code"]), {"reason": "x"}).status_code == 404
    assert client.get(u("lms.certificates.staff", org_slug="acme")).status_code == 403
    login(completed["trainee"])
    assert client.get(u("lms.certificates.revoke", code=completed["code"])).status_code == 404
    assert db.session.get(Certificate, completed["cert"].id).status is CertificateStatus.VALID


def test_manual_issue_needs_a_reason_and_prints_the_code(client, u, login, make_user, completed):
    newcomer = make_user("new@example.org", name="Nadia New")
    login(completed["trainer"])
    path = u("lms.certificates.issue")
    assert "Documentation" in client.get(path).get_data(as_text=True)
    unknown = client.submit(path, {"email": "ghost@example.org", "course": "ce"})
    assert unknown.status_code == 400 and "No account has this email address" in unknown.get_data(as_text=True)
    assert client.submit(path, {"email": newcomer.email, "course": "nope"}).status_code == 400
    chosen = client.submit(path, {"email": newcomer.email, "course": "ce"})
    hours = u("lms.certificates.issue_hours", course_slug="ce", user_id=newcomer.id)
    assert chosen.status_code == 302 and chosen.headers["Location"].endswith(hours)
    typed = {"live_hours": "0", "self_paced_hours": "1.5", "field_hours": "0"}
    missing = client.submit(hours, {**typed, "reason": ""})
    assert missing.status_code == 400 and "Write the reason" in missing.get_data(as_text=True)
    done = client.submit(hours, {**typed, "reason": "Completed on paper"})
    cert = db.session.execute(select(Certificate).where(Certificate.user_id == newcomer.id)).scalar_one()
    assert done.status_code == 200 and codes.display(cert.code) in done.get_data(as_text=True)
    assert cert.issue_reason == "Completed on paper" and cert.issued_by_id == completed["trainer"].id
    again = client.get(client.submit(path, {"email": newcomer.email, "course": "ce"}).headers["Location"])
    assert "already had" in again.get_data(as_text=True) and codes.display(cert.code) in again.get_data(as_text=True)
    login(completed["manager"])
    assert client.get(path).status_code == 403 and client.get(hours).status_code == 403


# ---------------------------------------------------------------- CLI, demo, mounted


def test_cli_renders_a_pdf(runner, completed, tmp_path):
    out = tmp_path / "c.pdf"
    result = runner.invoke(
        args=["lms", "certificates", "pdf", completed["code"].lower(), "-o", str(out), "--lang", "es", "--bilingual"]
    )
    assert result.exit_code == 0, result.output
    assert result.output.strip() == str(out) and out.read_bytes().startswith(b"%PDF")
    assert "Documentación" in _pdf_text(out.read_bytes())
    missing = runner.invoke(args=["lms", "certificates", "pdf", codes.new_code(), "-o", str(out)])
    assert missing.exit_code != 0 and "No certificate" in missing.output
    bad_lang = runner.invoke(args=["lms", "certificates", "pdf", completed["code"], "-o", str(out), "--lang", "xx"])
    assert bad_lang.exit_code != 0 and "Unknown language" in bad_lang.output


def test_cli_issues_by_hand_prints_the_code_and_says_when_one_existed(runner, completed, make_user):
    newcomer = make_user("paper@example.org", name="Pablo Paper")
    make_user("root@example.org", role=SiteRole.ADMIN)
    paper = ["--reason", "Completed on paper", "--self-paced-hours", "1.5"]  # nothing done in the LMS: hours are needed
    result = runner.invoke(args=["lms", "certificates", "issue", "--email", newcomer.email, "--course", "ce", *paper])
    assert result.exit_code == 0, result.output
    cert = db.session.execute(select(Certificate).where(Certificate.user_id == newcomer.id)).scalar_one()
    assert result.output.startswith(codes.display(cert.code)) and "already" not in result.output
    again = runner.invoke(args=["lms", "certificates", "issue", "--email", newcomer.email, "--course", "ce", "--reason", "Twice"])
    assert again.exit_code == 0 and codes.display(cert.code) in again.output and "already issued" in again.output
    assert db.session.execute(select(func.count(Certificate.id)).where(Certificate.user_id == newcomer.id)).scalar() == 1
    missing = runner.invoke(args=["lms", "certificates", "issue", "--email", "ghost@example.org", "--course", "ce", "--reason", "x"])
    assert missing.exit_code != 0 and "No account" in missing.output


@pytest.mark.parametrize("app_mode", ["mounted"])
def test_mounted_under_a_prefix(app, client, u, completed, login):
    assert u("lms.certificates.verify_page", code=completed["code"]).startswith("/training/verify/")
    assert client.get(u("lms.certificates.verify_page", code=completed["code"])).status_code == 200
    assert client.get("/training/.well-known/jwks.json").json["keys"]
    token = client.get(u("lms.api.certificate_credential", code=completed["code"])).get_data(as_text=True)
    claims = credential.verify_jwt(token, KeySet([RSAKey.import_key(k) for k in keys.jwks()["keys"]]))
    assert "/training/verify/" in claims["credentialStatus"]["id"]
    login(completed["trainee"])
    assert client.get(u("lms.certificates.mine")).status_code == 200


def test_openapi_documents_the_certificate_paths(client, u):
    document = client.get(u("lms.api.openapi")).get_json()
    assert {"/certificates/{code}", "/certificates/verify", "/certificates/{code}/credential.jwt"} <= set(document["paths"])
    assert {"CertificateVerdict", "BulkVerification"} <= set(document["components"]["schemas"])
