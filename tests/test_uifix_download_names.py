"""Downloaded files are named in the reader's language: a Spanish trainee's transcript is not
"training-transcript.pdf", a certificate in Spanish not "certificate-...-es.pdf". The words are translated (a
translator's accents and spaces folded to an ASCII name safe in a header); the certificate keeps its number."""

from __future__ import annotations

import pytest

from lms.web.file_names import download_name
from tests.certificates_support import issued_world


@pytest.mark.parametrize(("parts", "name"), [
    (("Constancia de capacitación",), "Constancia-de-capacitacion.pdf"),
    (("certificado", "CHW-2026-0001", "es"), "certificado-CHW-2026-0001-es.pdf"),
    (('a"b\r\nc/d', ""), "a-b-c-d.pdf"),  # nothing that breaks a header or a path
    (("日本語",), "download.pdf"),
])
def test_names_are_ascii_and_header_safe(parts, name):
    assert download_name(*parts, extension="pdf") == name


def test_a_spanish_trainees_transcript(client, u, make_user, login):
    login(make_user(locale="es"))
    response = client.get(u("lms.hours.my_transcript"))
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == 'attachment; filename="historial-de-capacitacion.pdf"'


def test_an_english_trainees_transcript_keeps_its_name(client, u, make_user, login):
    login(make_user(locale="en"))
    response = client.get(u("lms.hours.my_transcript"))
    assert response.headers["Content-Disposition"] == 'attachment; filename="training-transcript.pdf"'


def test_a_certificate_is_named_in_its_language_with_its_number(client, u, make_user, make_org, add_member, login):
    world = issued_world(make_user, make_org, add_member)
    login(world["trainee"])
    number = world["cert"].number
    spanish = client.get(u("lms.certificates.pdf", code=world["code"], lang="es"))
    assert spanish.status_code == 200
    assert spanish.headers["Content-Disposition"] == f'attachment; filename="certificado-{number}-es.pdf"'
    english = client.get(u("lms.certificates.pdf", code=world["code"], lang="en"))
    assert english.headers["Content-Disposition"] == f'attachment; filename="certificate-{number}-en.pdf"'
