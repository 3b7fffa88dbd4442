"""The CE checklist CSV (DHCS Section B) writes hours as plain decimal numbers a spreadsheet can add (two places, an
ASCII minus, as in the payroll file) beside the exact whole minutes, and lists one row per training: a manager's
correction is added to the training it corrects, or, when that training is in another CE year, labelled as a
correction. Text cells stay neutralised against spreadsheet formulas."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest

from lms import db
from lms.hours.models import EntrySource
from lms.orgs.models import PayPeriod
from tests.hours_reports_helpers import add_entry


@pytest.fixture
def ana(make_org, make_user, add_member):
    manager = make_user(name="Mara Manager")
    org = make_org("acme", manager=manager, pay_period=PayPeriod.MONTHLY, training_pay_rate_cents=2000)
    ana = make_user(name="Ana López")
    add_member(org, ana, employment_start=date(2024, 1, 1))
    workshop = add_entry(ana, org, date(2026, 3, 4), 180, paid=date(2026, 3, 1), title="Asthma triggers",
                         description="Home visit practice", decided_by_id=manager.id)
    add_entry(ana, org, date(2026, 3, 20), -30, paid=date(2026, 3, 1), title="Asthma triggers",
              description="Left early", source=EntrySource.ADJUSTMENT, corrects_id=workshop.id,
              decided_by_id=manager.id)
    dropped = add_entry(ana, org, date(2026, 4, 2), 60, paid=date(2026, 4, 1), title="Recorded twice",
                        decided_by_id=manager.id)
    add_entry(ana, org, date(2026, 4, 9), -60, paid=date(2026, 4, 1), title="Recorded twice",
              description="Duplicate", source=EntrySource.ADJUSTMENT, corrects_id=dropped.id, decided_by_id=manager.id)
    last_year = add_entry(ana, org, date(2025, 12, 15), 120, paid=date(2025, 12, 1), title="=Diabetes",
                          decided_by_id=manager.id)
    add_entry(ana, org, date(2026, 1, 5), -30, paid=date(2026, 1, 1), title="=Diabetes", description="-Shorter",
              source=EntrySource.ADJUSTMENT, corrects_id=last_year.id, decided_by_id=manager.id)
    db.session.commit()
    return manager, ana


def _section_b(client, u, ana) -> list[list[str]]:
    response = client.get(u("lms.hours.checklist_csv", org_slug="acme", user_id=ana.id, on="2026-11-23"))
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    return rows[rows.index([]) + 1:]


def test_hours_are_numbers_and_corrections_fold_into_their_training(client, u, login, ana):
    manager, trainee = ana
    login(manager)
    section_b = _section_b(client, u, trainee)
    assert section_b[1] == ["Training topic", "Brief description", "Hours", "Date completed", "Supervising provider",
                            "Minutes"]
    assert section_b[2:] == [
        ["Correction: =Diabetes", "'-Shorter", "-0.50", "2026-01-05", "Mara Manager", "-30"],
        ["Asthma triggers", "Home visit practice", "2.50", "2026-03-04", "Mara Manager", "150"],
        ["Total", "", "2.00", "", "", "120"],
    ]
    assert "\u2212" not in "".join(cell for row in section_b for cell in row)  # no Unicode minus
    assert all(float(row[2]) * 60 == pytest.approx(int(row[5]), abs=0.5) for row in section_b[2:])  # both numbers


def test_the_pdf_lists_the_same_rows(client, u, login, ana):
    manager, trainee = ana
    login(manager)
    response = client.get(u("lms.hours.checklist_pdf", org_slug="acme", user_id=trainee.id, on="2026-11-23"))
    assert response.status_code == 200 and response.mimetype == "application/pdf"
