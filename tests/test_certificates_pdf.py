"""What the certificate PDF prints and says about itself: no "0 minutes" row for a kind of training not done, and a
Spanish PDF whose document properties and signatory defaults are in Spanish too (an admin's own words as written)."""

from __future__ import annotations

import io
import re
import subprocess

import pytest
from flask_babel import force_locale
from pypdf import PdfReader

from lms import db
from lms.accounts.models import SiteRole
from lms.catalog import course_authoring
from lms.catalog.texts import set_text
from lms.certificates import codes, render
from lms.i18n import _
from tests.test_certificates_manual import ZERO, _certificate, _complete_self_paced, _course, _hours_page


@pytest.fixture
def world(app, make_user):
    """A published course (English, with a Spanish title) and three trainees: Rosa completed its self-paced module
    in the LMS, Nadia and Pablo nothing."""
    trainer = make_user("teacher@example.org", role=SiteRole.TRAINER)
    course = _course(trainer, "core", 90)
    set_text(course, course, "title", "es", "Curso básico de CHW", trainer)
    db.session.commit()
    rosa = make_user("rosa@example.org", name="Rosa Díaz", locale="es")
    _complete_self_paced(rosa, course)
    return {
        "trainer": trainer,
        "course": course,
        "rosa": rosa,
        "nadia": make_user("nadia@example.org", name="Nadia New"),
        "pablo": make_user("pablo@example.org", name="Pablo Paz"),
    }


def _issue(client, u, login, world, who: str, hours: dict[str, str]) -> str:
    """The trainer issues ``who`` a certificate by hand on the web, stating ``hours``; its code, for ``who`` signed in."""
    login(world["trainer"])
    client.submit(_hours_page(client, u, world[who]), {**ZERO, **hours, "reason": "Completed on paper"})
    code = codes.display(_certificate(world[who]).code)
    login(world[who])
    return code


def _pdf(client, u, code: str, **args: str) -> bytes:
    response = client.get(u("lms.certificates.pdf", code=code, **args))
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    return response.data


def _text(pdf: bytes) -> str:
    printed = subprocess.run(["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    return re.sub(r"[ \t]+", " ", printed)


def _es(message: str, **values: str) -> str:
    with force_locale("es"):
        return _(message, **values)


def test_a_kind_of_training_not_done_has_no_row_not_even_self_paced(client, u, login, world):
    code = _issue(client, u, login, world, "nadia", {"live_hours": "2", "field_hours": "1.25"})
    text = _text(_pdf(client, u, code, lang="en"))
    assert "Live (synchronous) 2 hours" in text and "Supervised field 1 hour 15 minutes" in text  # the label wraps
    assert "Self-paced" not in text and not re.search(r"(?<!\d)0 minutes", text)
    only_self_paced = _text(_pdf(client, u, _issue(client, u, login, world, "pablo", {"self_paced_hours": "1.5"}), lang="en"))
    assert "Self-paced (asynchronous)" in only_self_paced and "Live (synchronous)" not in only_self_paced


def test_the_spanish_pdf_describes_itself_in_spanish_with_the_spanish_title(client, u, login, world):
    code = _issue(client, u, login, world, "rosa", {"self_paced_hours": "1.5"})
    number = _certificate(world["rosa"]).number
    spanish = PdfReader(io.BytesIO(_pdf(client, u, code, lang="es"))).metadata
    assert spanish.title == "Rosa Díaz · Curso básico de CHW"
    assert spanish.subject == _es("Certificate %(number)s, verification code %(code)s", number=number, code=code)
    english = PdfReader(io.BytesIO(_pdf(client, u, code, lang="en"))).metadata
    assert english.title == "Rosa Díaz · CHW Core"
    assert english.subject == f"Certificate {number}, verification code {code}"
    both = PdfReader(io.BytesIO(_pdf(client, u, code, bilingual="1"))).metadata
    assert both.title == "Rosa Díaz · CHW Core / Curso básico de CHW" and both.subject.startswith(english.subject)
    assert _es("Certificate %(number)s, verification code %(code)s", number=number, code=code) in both.subject


def test_our_default_signatory_is_translated_on_each_page(app, client, u, login, world):
    code = _issue(client, u, login, world, "rosa", {"self_paced_hours": "1.5"})
    cert = _certificate(world["rosa"])
    assert cert.snapshot["issuer"]["signatory_name"] == app.config["LMS_CERT_SIGNATORY_NAME"] == "Training Director"
    with app.test_request_context():
        english, spanish = render.document_data(cert, ["en", "es"], "https://learn.example.org/verify/x")["pages"]
    assert (english["signatory_name"], english["signatory_title"]) == ("Training Director", "CHW Training Program")
    assert (spanish["signatory_name"], spanish["signatory_title"]) == (
        _es("Training Director"),
        _es("CHW Training Program"),
    )
    text = "".join(_text(_pdf(client, u, code, lang="es")).split())
    assert "".join(_es("Training Director").split()) in text


def test_a_signatory_an_admin_entered_is_printed_as_written(client, u, login, make_org, world):
    valley = make_org("valley", name="Valley Health", signatory_name="Dr. Ana Ruiz", signatory_title="Directora médica")
    course_authoring.set_course_issuer(world["course"], valley.id, world["trainer"])
    db.session.commit()
    code = _issue(client, u, login, world, "nadia", {"live_hours": "2"})
    for lang in ("es", "en"):
        text = _text(_pdf(client, u, code, lang=lang))
        assert "Dr. Ana Ruiz" in text and "Directora médica · Valley Health" in text
        assert "Training Director" not in text
