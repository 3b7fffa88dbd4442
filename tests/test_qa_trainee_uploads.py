"""A new trainee's pass (QA): an evidence file too large keeps the form, and the 413 page keeps what was typed.

With the default request limit (25 MiB), a file a little over the evidence limit (5 MiB: a phone photo, a scan)
reaches the form, which refuses it beside the field and shows the form again with everything typed. Only a truly
huge body gets the 413 page, which says to use the browser's Back button (that copy of the form keeps the text) and
offers a button doing that when JavaScript runs; its link says that it opens the form empty."""

from __future__ import annotations

import io

from tests.conftest import html_text

MB = 1024 * 1024


def _send(client, path: str, size: int):
    data = {"title": "CPR refresher at the fire station", "provider": "County EMS", "activity_date": "2026-01-05",
            "hours": "2", "minutes": "15", "csrf_token": client.csrf_token(path),
            "evidence": (io.BytesIO(b"%PDF-" + b"a" * size), "scan.pdf")}
    return client.post(path, data=data, content_type="multipart/form-data")


def test_a_file_of_twelve_megabytes_reaches_the_form_which_keeps_what_was_typed(app, client, u, make_user, login):
    login(make_user())
    path = u("lms.hours.submit_external")
    response = _send(client, path, 12 * MB)
    page = response.get_data(as_text=True)
    assert response.status_code == 413
    assert 'value="CPR refresher at the fire station"' in page and 'value="County EMS"' in page
    assert "The file is larger than 5 MB." in html_text(page)
    assert "data-lms-history-back" not in page  # the form itself, not the error page


def test_a_huge_body_gets_the_413_page_which_says_to_go_back_in_history(app, client, u, make_user, login):
    login(make_user())
    path = u("lms.hours.submit_external")
    response = _send(client, path, app.config["MAX_CONTENT_LENGTH"] + MB)
    page = response.get_data(as_text=True)
    assert response.status_code == 413 and "File too large" in page
    text = html_text(page)
    assert "use your browser's Back button: the form still shows it there" in text
    assert f'<a href="{path}">Open the form again (empty)</a>' in page
    assert "<p data-lms-history-back hidden><button type=\"button\">Back to the form, as you typed it</button>" in page
    assert "history-back.js" in page


def test_the_history_back_script_is_served_and_calls_history_back(client, u):
    script = client.get(u("lms.main.static", filename="history-back.js"))
    assert script.status_code == 200
    body = script.get_data(as_text=True)
    assert "history.back()" in body and "data-lms-history-back" in body and "hidden = false" in body


def test_other_error_pages_offer_no_history_button(client):
    page = client.get("/no-such-page").get_data(as_text=True)
    assert "data-lms-history-back" not in page
