"""Specialties keep letters of any script with their accents (lms/catalog/areas.py: specialty_slug), but accents or
other combining marks with no letter under them are no word: alone they would stack over what is shown before them."""

from __future__ import annotations

import pytest

from lms.catalog.areas import specialty_slug


@pytest.mark.parametrize(("typed", "stored"), [
    ("\u0301" * 70, ""),
    ("\u0301\u0301nutrición", "nutrición"),
    ("salud -\u0308\u0308 niños", "salud-niños"),
    ("nutricio\u0301n", "nutrición"),  # a decomposed accent on its letter: kept, composed
    ("हिन्दी", "हिन्दी"),  # vowel signs and virama are marks on letters
    ("\u202eabc\u200d", "abc"),
])
def test_marks_are_kept_only_on_a_letter(typed, stored):
    assert specialty_slug(typed) == stored
