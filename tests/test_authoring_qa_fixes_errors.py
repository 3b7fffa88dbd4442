"""The "Form expired" page says what keeps typed text: the browser's Back button (reloading, or the link, opens the
form empty, and the page Back shows still holds the expired token), so: copy, open the form again, paste, send."""

from __future__ import annotations

import html
import re
from pathlib import Path


def test_the_form_expired_page_says_back_keeps_the_text_and_the_link_opens_it_empty(app, client, u, make_user,
                                                                                    login):
    login(make_user())
    path = u("lms.accounts.profile")
    response = client.post(path, data={"csrf_token": "forged", "name": "X"},
                           headers={"Referer": f"http://{app.config['SERVER_NAME']}{path}"})
    page = html.unescape(re.sub(r"\s+", " ", response.get_data(as_text=True)))
    assert response.status_code == 400 and "Form expired" in page
    assert "use your browser's Back button: the form usually still shows it there" in page
    assert "reload" not in page.lower()  # reloading empties the text box
    assert "open the form again with the link below (it opens empty)" in page
    assert f'<a href="{path}">Open the form again (empty)</a>' in page


def test_the_form_expired_words_are_translatable():
    from babel.messages.extract import extract_from_file

    found = {message for _line, message, _comments, _context in
             extract_from_file("python", Path(__file__).resolve().parent.parent / "lms" / "errors" / "pages.py", keywords={"_": None})}
    assert "Open the form again (empty)" in found
    assert any("use your browser's Back button" in message for message in found if isinstance(message, str))
