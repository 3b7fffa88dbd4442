"""Finding one certificate from what an operator typed: its verification code (in any case, with or without
hyphens, or its verification link) or its number (CHW-2026-000123), which is printed beside it. Public verification
(``/verify``) takes codes only, as the number is not a secret; this is for staff tools such as the command line."""

from __future__ import annotations

import re

from sqlalchemy import select

from lms import db
from lms.certificates import queries
from lms.certificates.codes import looks_like_number
from lms.certificates.models import Certificate

_DIGITS = re.compile(r"\d+")


def number_of(raw: str) -> str | None:
    """The stored form of a typed certificate number (``chw 2026 000123`` → ``CHW-2026-000123``), or None."""
    if not looks_like_number(raw):
        return None
    year, serial = _DIGITS.findall(raw)
    return f"CHW-{year}-{serial}"


def find_by_code_or_number(raw: str) -> Certificate | None:
    """The certificate whose verification code or number this is, or None."""
    number = number_of(raw or "")
    if number is None:
        return queries.get_by_code(raw or "")
    return db.session.execute(select(Certificate).where(Certificate.number == number)).scalar_one_or_none()
