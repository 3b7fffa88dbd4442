"""Pay arithmetic of the hours ledger: integer minutes and cents, never floats (docs/payroll-export.md, "Money").

A line's amount is ``minutes * rate_cents / 60`` rounded half-up to a whole cent, per line; a negative adjustment
rounds the same way away from zero, so a correction cancels the line it corrects to the cent. Decimal texts (hours,
dollars) are rounded half-up from integers too. :func:`amount_sql` is the same rule in SQL, for totals summed by the
database (``lms.hours.timesheets``).
"""

from __future__ import annotations

from sqlalchemy import BigInteger, case, cast, func

from lms.hours.models import HoursEntry


def amount_cents(minutes: int, rate_cents: int) -> int:
    """Pay for ``minutes`` at ``rate_cents`` an hour, rounded half-up (away from zero) to a whole cent."""
    size = (abs(minutes) * rate_cents + 30) // 60
    return -size if minutes < 0 else size


def hundredths(numerator: int, denominator: int) -> str:
    """``numerator / denominator`` as a decimal with two places, rounded half-up (away from zero), no floats."""
    scaled = (abs(numerator) * 100 * 2 + denominator) // (2 * denominator)
    sign = "-" if numerator < 0 and scaled else ""
    return f"{sign}{scaled // 100}.{scaled % 100:02d}"


def hours_text(minutes: int) -> str:
    """Minutes as decimal hours with two places: ``90`` → ``"1.50"``, ``50`` → ``"0.83"``."""
    return hundredths(minutes, 60)


def dollars_text(cents: int) -> str:
    """Cents as dollars with two places: ``1250`` → ``"12.50"``, ``-5`` → ``"-0.05"``."""
    return hundredths(cents, 100)


def amount_sql():
    """:func:`amount_cents` in SQL (integer division on both PostgreSQL and SQLite; operands are non-negative)."""
    minutes = cast(HoursEntry.minutes, BigInteger)
    rate = cast(func.coalesce(HoursEntry.rate_cents, 0), BigInteger)
    return case(
        (minutes >= 0, (minutes * rate + 30) // 60),
        else_=-(((-minutes) * rate + 30) // 60),
    )
