"""The verification form says what is wrong with a typed code once, under the box (the summary above points
there), and the box is described by it."""

from __future__ import annotations

import re
from html import unescape


def test_a_certificate_number_is_explained_once_on_the_field(client, u):
    response = client.get(u("lms.certificates.verify_form", code="CHW-2026-971590"))
    page = unescape(response.get_data(as_text=True))
    assert response.status_code == 400
    assert page.count("This is the certificate's number") == 1
    error = re.search(r'<p class="error" id="code-error">([^<]+)</p>', page)
    assert error and "This is the certificate's number" in error.group(1)
    assert re.search(r'<input id="code"[^>]*aria-describedby="code-help code-error"[^>]*aria-invalid="true"', page)
    summary = re.search(r'<div class="error-summary" role="alert"[^>]*>(.*?)</div>', page, re.S).group(1)
    assert 'href="#code"' in summary and "Please correct the highlighted fields." in summary


def test_no_error_summary_without_a_code(client, u):
    page = client.get(u("lms.certificates.verify_form")).get_data(as_text=True)
    assert "error-summary" not in page and 'aria-invalid' not in page
