"""One minus sign on pages: a correction's time (1 hour) and its amount ($24.50) both have the true minus sign
(U+2212) in front, in English and Spanish; the payroll CSV keeps ASCII numbers ("-60", "-24.50") that payroll adds
up."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from flask_babel import force_locale

from lms import db
from lms.hours import export
from lms.hours.models import EntrySource
from lms.i18n import MINUS, format_minutes, format_money, in_language
from lms.orgs.models import PayPeriod
from tests.hours_reports_helpers import add_entry

NOV1 = date(2026, 11, 1)
TODAY = date(2026, 11, 23)


@pytest.mark.parametrize("language, cents, text", [
    ("en", -2450, "−$24.50"),
    ("en", 2450, "$24.50"),
    ("en", 0, "$0.00"),
    ("en", -123456, "−$1,234.56"),
    ("es", -2450, "−$24.50"),  # Spanish readers here get US formats (LMS_FORMAT_LOCALES: es_US)
    ("es", 2450, "$24.50"),
    ("es_ES", -2450, "−24,50 US$"),  # a locale writing the amount first still gets its sign in front
    ("es_ES", -123456, "−1.234,56 US$"),
])
def test_money_uses_the_true_minus_sign(app, language, cents, text):
    with app.test_request_context(), force_locale(language) if "_" in language else in_language(language):
        shown = format_money(cents)
    assert shown.replace("\xa0", " ") == text
    assert "-" not in shown  # no hyphen-minus left anywhere in the text


@pytest.mark.parametrize("language", ["en", "es"])
def test_time_and_money_of_a_correction_have_the_same_minus(app, language):
    with app.test_request_context(), in_language(language):
        time, money = format_minutes(-60), format_money(-2450)
    assert time[0] == MINUS == "\u2212" and MINUS in money and "-" not in time + money


@pytest.fixture
def correction(make_org, make_user, add_member):
    manager = make_user("boss@example.org", name="Boss Person")
    org = make_org("acme", manager=manager, pay_period=PayPeriod.SEMIMONTHLY, training_pay_rate_cents=2450)
    ana = make_user(name="Ana Núñez")
    add_member(org, ana, employee_id="E-7")
    original = add_entry(ana, org, date(2026, 11, 3), 120, paid=NOV1, title="Workshop")
    add_entry(ana, org, date(2026, 11, 3), -60, paid=NOV1, title="Workshop", source=EntrySource.ADJUSTMENT,
              corrects_id=original.id)
    db.session.commit()
    return org, manager, ana


def test_the_timesheet_row_of_a_correction_shows_one_kind_of_minus(client, u, login, correction):
    org, manager, ana = correction
    login(manager)
    page = client.get(u("lms.hours.person_timesheet", org_slug="acme", user_id=ana.id, start="2026-11-01")).get_data(
        as_text=True)
    assert "−1 hour" in page and "−$24.50" in page
    assert "-$24.50" not in page


def test_the_payroll_file_keeps_ascii_numbers(correction):
    org, manager, _ana = correction
    content = export.export_period(org, NOV1, manager, today=TODAY).content
    db.session.commit()
    rows = list(csv.DictReader(io.StringIO(content.decode("utf-8"))))
    fix = next(row for row in rows if row["source"] == "adjustment")
    assert (fix["minutes"], fix["hours"], fix["amount"]) == ("-60", "-1.00", "-24.50")
    assert MINUS not in content.decode("utf-8")
