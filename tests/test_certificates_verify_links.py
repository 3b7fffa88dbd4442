"""The verification page leads those who may revoke a certificate to its revoke page (and no one else), and a
certificate's number typed where its code belongs is explained as such."""

from __future__ import annotations

from html import unescape

import pytest

from lms.certificates import codes
from tests.certificates_support import issued_world

REVOKE = "Revoke this certificate"
NUMBER_HINT = "This is the certificate's number, which is for quoting."


@pytest.fixture
def world(app, make_user, make_org, add_member):
    return issued_world(make_user, make_org, add_member)


def test_trainers_and_the_employer_that_answers_for_it_get_a_revoke_link(client, u, login, make_user, world):
    page = u("lms.certificates.verify_page", code=world["code"])
    revoke = u("lms.certificates.revoke", code=world["code"])
    assert REVOKE not in client.get(page).get_data(as_text=True)  # no sign-in
    for person, shown in ((world["trainee"], False), (make_user("other@example.org"), False), (world["manager"], True),
                          (world["trainer"], True)):
        login(person)
        html = client.get(page).get_data(as_text=True)
        assert (REVOKE in html and f'href="{revoke}"' in html) is shown, person.email

    client.submit(revoke, {"reason": "Issued to the wrong person"})
    assert "This certificate was revoked on" in (html := client.get(page).get_data(as_text=True)) and REVOKE not in html


def test_a_certificate_number_typed_as_a_code_is_explained(client, u, world):
    number = world["cert"].number
    form = client.get(u("lms.certificates.verify_form", code=number.lower()))
    assert form.status_code == 400 and NUMBER_HINT in unescape(form.get_data(as_text=True))
    page = client.get(u("lms.certificates.verify_page", code=number))
    assert page.status_code == 400 and NUMBER_HINT in unescape(page.get_data(as_text=True))
    typo = client.get(u("lms.certificates.verify_form", code="K7QM-X3HT"))
    assert typo.status_code == 400 and NUMBER_HINT not in unescape(typo.get_data(as_text=True))
    assert codes.looks_like_number("chw 2026 000123") and not codes.looks_like_number(world["code"])
