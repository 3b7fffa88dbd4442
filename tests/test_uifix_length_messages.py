"""Every form says a text is too long in the LMS's own words, the services' ("Use at most 254 characters."), never
WTForms' stock "Field cannot be longer than 254 characters."; a check-in code too long says what its help says: six
letters and digits."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from wtforms import Form, StringField

from lms.web.validators import Length
from tests.conftest import html_text

ROOT = Path(__file__).resolve().parents[1]


class _Probe(Form):
    most = StringField(validators=[Length(max=5)])
    least = StringField(validators=[Length(min=3)])
    both = StringField(validators=[Length(min=2, max=4)])
    own = StringField(validators=[Length(max=2, message="No more than %(max)d, not %(length)d.")])


@pytest.mark.parametrize(("field", "value", "message"), [
    ("most", "abcdef", "Use at most 5 characters."),
    ("least", "ab", "Use at least 3 characters."),
    ("both", "abcde", "Use between 2 and 4 characters."),
    ("own", "abc", "No more than 2, not 3."),
])
def test_the_messages(app, field, value, message):
    with app.test_request_context():
        form = _Probe(data={field: value})
        form.validate()
        assert form.errors[field] == [message]


def test_within_the_limits_passes(app):
    with app.test_request_context():
        assert _Probe(data={"most": "abc", "least": "abcd", "both": "abc", "own": ""}).validate()


def test_no_form_uses_wtforms_own_length():
    """``Length`` comes from lms.web.validators in every module (WTForms' would bring its own words back)."""
    stock = []
    for path in (ROOT / "lms").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.ImportFrom) and node.module == "wtforms.validators"
                    and any(alias.name == "Length" for alias in node.names)
                    and path.name != "validators.py"):
                stock.append(str(path.relative_to(ROOT)))
    assert stock == []


def test_an_email_too_long_on_a_form(client, u, make_user, login):
    login(make_user())
    response = client.submit(u("lms.accounts.request_email_change"), {"new_email": "a" * 250 + "@example.org",
                                                                      "password": "x"})
    text = html_text(response.get_data(as_text=True))
    assert "Use at most 254 characters." in text and "cannot be longer" not in text


def test_a_check_in_code_too_long_says_six_letters_and_digits(client, u, make_user, login):
    login(make_user())
    response = client.submit(u("lms.sessions.checkin"), {"code": "ABC123" * 5})
    text = html_text(response.get_data(as_text=True))
    assert "A check-in code has 6 letters and digits." in text
    assert "20 characters" not in text and "cannot be longer" not in text
