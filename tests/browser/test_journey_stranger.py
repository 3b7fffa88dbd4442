"""Someone handed a printed certificate scans its QR code with a phone: no account, the page says it is valid."""

from __future__ import annotations

import subprocess

import pytest
import zxingcpp
from PIL import Image

from lms.catalog.services import get_course
from lms.certificates.codes import display
from lms.certificates.issuance import get_certificate
from tests.browser.conftest import check_accessibility, follow, menu, sign_in, switch_language
from tests.browser.helpers import es, user

pytestmark = pytest.mark.browser


@pytest.fixture
def printed_certificate(open_page, live_server, tmp_path):
    """María's continuing-education certificate as she downloads it to print, and its code."""
    with live_server.data():
        code = get_certificate(user("promotora@example.org"), get_course("ce-documentation")).code
    page = open_page()
    sign_in(page, "promotora@example.org")
    response = page.request.get(f"/certificates/{display(code)}/certificate.pdf?lang=en")
    assert response.ok and response.headers["content-type"] == "application/pdf"
    pdf = tmp_path / "certificate.pdf"
    pdf.write_bytes(response.body())
    return pdf, code


def _scan(pdf, tmp_path) -> str:
    """Print the first page at 150 dpi and read its QR code, as a phone camera would."""
    subprocess.run(["pdftoppm", "-r", "150", "-f", "1", "-l", "1", "-png", "-singlefile", str(pdf),
                    str(tmp_path / "printed")], check=True)
    [found] = zxingcpp.read_barcodes(Image.open(tmp_path / "printed.png"), formats=zxingcpp.BarcodeFormat.QRCode)
    return found.text


def test_stranger_scans_the_qr_code(open_page, live_server, printed_certificate, tmp_path):
    pdf, code = printed_certificate
    link = _scan(pdf, tmp_path)
    assert link.startswith(live_server.url + "/verify/")
    assert link.rsplit("/", 1)[1].replace("-", "") == code

    page = open_page(phone=True)
    response = page.goto(link)
    assert response.status == 200
    assert page.get_by_role("heading", level=2, name="Valid certificate").is_visible()
    assert page.locator(".cert-holder").inner_text() == "María Promotora"
    assert menu(page).get_by_role("link", name="Sign in").first.is_visible(), "nobody is signed in"
    check_accessibility(page, "verification from the QR code")

    switch_language(page, "Español")
    assert page.get_by_role("heading", level=2, name=es("Valid certificate")).is_visible()
    check_accessibility(page, "verificación desde el código QR")
    follow(page.get_by_role("link", name=es("Verify another certificate")))
    check_accessibility(page, "formulario de verificación")
