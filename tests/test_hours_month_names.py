"""Months with their year in each language's own form: "noviembre de 2026" in Spanish, not "noviembre 2026" (the
fixed pattern ``LLLL y`` is English word order); the summary's by-month table uses Babel's ``yMMMM`` skeleton."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from flask_babel import force_locale

from lms import db
from lms.i18n import format_month_year
from lms.orgs.models import PayPeriod
from tests.hours_reports_helpers import add_entry

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize(("locale", "expected"), [
    ("en_US", "November 2026"), ("es_US", "noviembre de 2026"), ("es", "noviembre de 2026"), ("vi", "tháng 11 năm 2026"),
    ("zh_Hant", "2026年11月"),
])
def test_month_and_year_in_each_languages_form(app, locale, expected):
    with app.test_request_context(), force_locale(locale):
        assert format_month_year(date(2026, 11, 23)) == expected


@pytest.mark.parametrize(("locale", "months"), [("es", ("noviembre de 2026", "octubre de 2026")),
                                                ("en", ("November 2026", "October 2026"))])
def test_summary_by_month(app, client, u, login, make_org, make_user, add_member, locale, months):
    org = make_org("acme", pay_period=PayPeriod.MONTHLY, training_pay_rate_cents=2000)
    rosa = make_user(name="Rosa", locale=locale)
    add_member(org, rosa)
    for day in (date(2026, 11, 2), date(2026, 10, 5)):
        add_entry(rosa, org, day, 60, paid=day.replace(day=1))
    db.session.commit()
    login(rosa)
    html = client.get(u("lms.hours.my_summary")).get_data(as_text=True)
    assert all(month in html for month in months)
    assert "noviembre 2026" not in html and "octubre 2026" not in html


def test_no_fixed_month_year_pattern_is_left():
    """Every month-and-year goes through format_month_year: a fixed pattern is right in one language only."""
    found = [
        f"{path.relative_to(ROOT)}:{n}"
        for folder in ("templates", "lms")
        for path in (ROOT / folder).rglob("*")
        if path.suffix in {".html", ".py", ".txt"}
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if any(pattern in line for pattern in ("'LLLL y'", '"LLLL y"', "'MMMM y'", '"MMMM y"', "'MMMM yyyy'", '"LLLL yyyy"'))
    ]
    assert found == []
