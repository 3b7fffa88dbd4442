"""The transcript and the DHCS checklist add up: every row and total is exact time in hours and minutes, so the rows
always sum to the total. Decimal rows did not: three trainings of 1 h 40 min printed 1.67 each (5.01 together) under
"Total 5.00"; the one decimal left is the total's, rounded once from its exact minutes."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from flask_babel import force_locale
from pypdf import PdfReader
from sqlalchemy import select

from lms import db
from lms.hours import ce_checklist, compliance
from lms.hours.models import EntrySource, EntryStatus
from lms.hours.transcript import build_transcript, decimal_hours, hours_minutes
from lms.orgs.models import Membership, Organisation, PayPeriod
from tests.hours_reports_helpers import add_entry

ROWS = [(date(2026, 2, 3), "Motivational interviewing"), (date(2026, 3, 4), "Asthma triggers"),
        (date(2026, 4, 5), "Outreach practice")]


def _squashed(pdf: bytes) -> str:
    """The PDF's text without whitespace (a table cell may wrap "1 hour 40 minutes" over two lines)."""
    return "".join("\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages).split())


def _squash(text: str) -> str:
    return "".join(text.split())


@pytest.fixture
def world(make_org, make_user, add_member):
    """Ana did three trainings of 1 h 40 min (100 minutes, 1.67 hours rounded) this CE year: 5 hours exactly."""
    manager = make_user(name="Mara Manager")
    org = make_org("acme", manager=manager, pay_period=PayPeriod.MONTHLY, training_pay_rate_cents=2000)

    def make(locale: str = "en"):
        ana = make_user(name="Ana López", locale=locale)
        add_member(org, ana)
        for day, title in ROWS:
            add_entry(ana, org, day, 100, paid=day.replace(day=1), title=title, source=EntrySource.LIVE,
                      areas=["communication"], decided_by_id=manager.id)
        add_entry(ana, org, date(2026, 5, 5), 45, status=EntryStatus.PENDING, title="Not approved")
        db.session.commit()
        return manager, ana

    return make


@pytest.mark.parametrize(("locale", "title"), [("en", "Training transcript"), ("es", "Historial de capacitación")])
def test_transcript_rows_add_up_to_the_total(app, client, u, login, world, locale, title):
    _manager, ana = world(locale)
    login(ana)
    text = _squashed(client.get(u("lms.hours.my_transcript")).data)
    assert _squash(title) in text
    assert text.count("1h40min") == 3  # each row, exactly
    assert "1.67" not in text and "5.01" not in text
    assert text.count("5h") >= 4  # the lead, the total row, by area, by kind (all exact)
    assert "5.00" in text  # the total once more as decimal hours, rounded from the exact minutes


@pytest.mark.parametrize(("locale", "title"), [("en", "Annual Continuing Training Checklist"),
                                               ("es", "Lista de verificación anual de capacitación continua")])
def test_checklist_pdf_rows_add_up_to_the_total(app, client, u, login, world, locale, title):
    manager, ana = world()
    manager.locale = locale
    db.session.commit()
    login(manager)
    text = _squashed(client.get(u("lms.hours.checklist_pdf", org_slug="acme", user_id=ana.id, on="2026-11-23")).data)
    assert _squash(title) in text and text.count("1h40min") == 3 and "5h" in text and "5.00" in text
    assert "1.67" not in text and "5.01" not in text


@pytest.mark.parametrize(("locale", "labels", "row", "total"), [
    ("en", ["Hours", "Minutes"], "1.67", "5.00"),
    ("es", ["Horas", "Minutos"], "1.67", "5.00"),
])
def test_checklist_csv_rows_add_up_to_the_total(app, client, u, login, world, locale, labels, row, total):
    manager, ana = world()
    manager.locale = locale
    db.session.commit()
    login(manager)
    data = client.get(u("lms.hours.checklist_csv", org_slug="acme", user_id=ana.id, on="2026-11-23")).data
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    section_b = rows[rows.index([]) + 1:]
    header, trainings, total_row = section_b[1], section_b[2:-1], section_b[-1]
    hours, minutes = header.index(labels[0]), header.index(labels[1])
    assert [t[hours] for t in trainings] == [row] * 3 and total_row[hours] == total
    assert [t[minutes] for t in trainings] == ["100"] * 3 and total_row[minutes] == "300"
    assert sum(int(t[minutes]) for t in trainings) == int(total_row[minutes])  # a spreadsheet's SUM agrees
    # hours are plain numbers, rounded per row; the total is rounded once from the exact minutes, never 5.01


def test_the_totals_are_the_exact_sums_of_the_rows(app, world):
    _manager, ana = world()
    add_entry(ana, None, date(2026, 6, 6), 3050, paid=date(2026, 6, 1), rate=0, title="Long course")
    db.session.commit()
    with app.test_request_context():
        transcript = build_transcript(ana, date(2026, 11, 23), "en")
        org = compliance.get_member(db.session.get(Organisation, ana_org_id(ana)), ana.id)
        checklist = ce_checklist.build_checklist(org.organisation, org, date(2026, 11, 23))
        assert transcript.total_minutes == sum(r.minutes for r in transcript.rows) == 3350
        assert transcript.total_hours == "55.83"  # 55 h 50 min, not 55.84 (the sum of rows rounded one by one)
        assert checklist.total_minutes == 300 and checklist.total_hours == "5.00"
        assert sum(t.minutes for t in transcript.by_source) == transcript.total_minutes


def ana_org_id(user) -> int:
    return db.session.execute(select(Membership.org_id).where(Membership.user_id == user.id)).scalar_one()


@pytest.mark.parametrize(("minutes", "expected"), [(100, "1 h 40 min"), (60, "1 h"), (45, "45 min"), (0, "0 min"),
                                                  (-30, "\u221230 min"), (-90, "\u22121 h 30 min"), (60 * 1234 + 5, "1,234 h 5 min")])
def test_hours_and_minutes_for_documents(app, minutes, expected):
    with app.test_request_context(), force_locale("en_US"):
        assert hours_minutes(minutes) == expected


@pytest.mark.parametrize(("minutes", "locale", "expected"), [
    (3350, "en", "55.83"), (100, "es_US", "1.67"), (100, "es", "1,67"), (0, "en", "0.00"), (-30, "en", "-0.50"),
    (123456, "en", "2,057.60"),
])
def test_decimal_hours_are_rounded_once_in_the_readers_format(app, minutes, locale, expected):
    with app.test_request_context(), force_locale(locale):
        assert decimal_hours(minutes) == expected
