"""A password too easy to guess is refused with the reason that fits it, in our own translatable words (zxcvbn's
feedback is English only): ten sunflowers repeat one character, they are not "too common"."""

from __future__ import annotations

import pytest

from lms.accounts.passwords import WeakPassword, check_password_strength
from tests.conftest import PASSWORD

HARDER = "Choose one that is harder to guess."
REPEAT = f"This password repeats the same character or group of characters. {HARDER}"
SEQUENCE = f"This password is a run of letters or numbers in order, like abcd or 1234. {HARDER}"
KEYBOARD = f"This password is a pattern of keys next to each other on the keyboard, like qwerty. {HARDER}"
DATE = f"This password is mostly a date or a year, which is easy to guess. {HARDER}"
COMMON = f"This password is too common. {HARDER}"
WORD = f"This password is mostly a common word or name. {HARDER}"


@pytest.mark.parametrize(("password", "reason"), [
    ("🌻" * 10, REPEAT),
    ("aaaaaaaaaaaa", REPEAT),
    ("hellohello", REPEAT),
    ("abcdefghijkl", SEQUENCE),
    ("zxcvbnm,./", KEYBOARD),
    ("12/05/1990", DATE),
    ("19901991", DATE),
    ("password12", COMMON),
    ("1234567890", COMMON),
    ("princesa12", WORD),
    ("Tr0ub4dour", WORD),
])
def test_each_weakness_gets_its_own_reason(app, password, reason):
    with pytest.raises(WeakPassword) as refused:
        check_password_strength(password, email="rosa@example.org", name="Rosa Díaz")
    assert refused.value.message == reason


def test_the_reason_shows_on_the_sign_up_form_in_spanish(client, u):
    password = "🌻" * 10
    page = client.submit(u("lms.accounts.signup", lang="es"), {
        "name": "Rosa Díaz", "email": "rosa@example.org", "password": password, "confirm": password, "agree": "y",
    }).get_data(as_text=True)
    assert "too common" not in page and "demasiado común" not in page
    assert "Use between 10 and 128 characters." not in page  # ten characters, however many bytes


def test_a_good_password_still_passes(app):
    check_password_strength(PASSWORD, email="rosa@example.org", name="Rosa Díaz")
