"""A correction's line on a timesheet says which entry it corrects: "Corrects the entry of <date>", linked to that
entry's page (the manager's review page on a person's timesheet, the trainee's own entry page on their timesheet).
The payroll file names it by id (``corrects_entry_id``); the pages used to say nothing. The corrected entries' dates
come with the lines, in the same query."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from lms import db
from lms.accounts.models import User
from lms.hours import timesheets
from lms.hours.models import EntrySource, EntryStatus, HoursEntry
from tests.hours_reports_helpers import add_entry
from tests.payroll_support import FEB16, MAR1, semimonthly_clinic


@pytest.fixture
def clinic(make_org, make_user, add_member):
    """Ana's entry of Feb 20 (paid in FEB16) corrected in MAR1, and one of Mar 9 with a pending correction."""
    org, manager = semimonthly_clinic(make_org, make_user, add_member)
    ana = db.session.scalar(select(User).where(User.email == "ana@example.org"))
    feb, mar = sorted(_entries_of(ana), key=lambda e: e.id)
    fix = add_entry(ana, org, date(2025, 3, 10), -15, paid=MAR1, source=EntrySource.ADJUSTMENT,
                    title="Correction", corrects_id=feb.id)
    waiting = add_entry(ana, org, date(2025, 3, 11), 30, status=EntryStatus.PENDING, source=EntrySource.ADJUSTMENT,
                        title="Late correction", corrects_id=mar.id)
    db.session.commit()
    return org, manager, ana, feb, mar, fix, waiting


def _entries_of(user):
    return db.session.scalars(select(HoursEntry).where(HoursEntry.user_id == user.id)).all()


def test_the_sheet_lines_carry_the_corrected_dates(clinic):
    org, _manager, ana, feb, mar, fix, waiting = clinic
    sheet = timesheets.get_timesheet(org, ana, MAR1)
    by_id = {line.entry_id: line for line in [*sheet.lines, *sheet.pending]}
    assert (by_id[fix.id].corrects_id, by_id[fix.id].corrects_date) == (feb.id, date(2025, 2, 20))
    assert (by_id[waiting.id].corrects_id, by_id[waiting.id].corrects_date) == (mar.id, date(2025, 3, 9))
    assert (by_id[mar.id].corrects_id, by_id[mar.id].corrects_date) == (None, None)


def test_the_persons_timesheet_says_and_links_the_corrected_entry(client, u, login, clinic):
    org, manager, ana, feb, mar, _fix, _waiting = clinic
    login(manager)
    page = client.get(u("lms.hours.person_timesheet", org_slug="clinica", user_id=ana.id, start=MAR1.isoformat()))
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    feb_link = u("lms.hours.review", org_slug="clinica", entry_id=feb.id)
    mar_link = u("lms.hours.review", org_slug="clinica", entry_id=mar.id)
    assert f'<a href="{feb_link}">Corrects the entry of Feb 20, 2025</a>' in text
    assert f'<a href="{mar_link}">Corrects the entry of Mar 9, 2025</a>' in text  # the pending correction too
    assert text.count("Corrects the entry of") == 2  # not on the entries that correct nothing
    assert client.get(feb_link).status_code == 200  # the manager may open it


def test_the_trainees_timesheet_links_their_own_entry(client, u, login, clinic):
    _org, _manager, ana, feb, _mar, _fix, _waiting = clinic
    login(ana)
    text = client.get(u("lms.hours.my_timesheet", start=MAR1.isoformat())).get_data(as_text=True)
    link = u("lms.hours.entry", entry_id=feb.id)
    assert f'<a href="{link}">Corrects the entry of Feb 20, 2025</a>' in text
    assert "/orgs/clinica/entries/" not in text  # never the manager's page
    assert client.get(link).status_code == 200


def test_the_dates_are_in_the_readers_language(client, u, login, clinic):
    _org, manager, ana, _feb, _mar, _fix, _waiting = clinic
    login(manager)
    text = client.get(u("lms.hours.person_timesheet", org_slug="clinica", user_id=ana.id, start=MAR1.isoformat(),
                        lang="es")).get_data(as_text=True)
    assert "20 feb 2025" in text


def test_corrections_cost_no_query_each(app, clinic, count_queries):
    org, _manager, ana, feb, _mar, _fix, _waiting = clinic

    def queries() -> int:
        db.session.expire_all()
        with count_queries() as counter:
            timesheets.get_timesheet(org, ana, MAR1, "en")
        return counter.count

    few = queries()
    for n in range(6):
        old = add_entry(ana, org, date(2025, 2, 17 + n), 10, paid=FEB16)
        add_entry(ana, org, date(2025, 3, 2 + n), 5, paid=MAR1, source=EntrySource.ADJUSTMENT, corrects_id=old.id)
    db.session.commit()
    many = queries()
    assert few == many
    assert len([line for line in timesheets.get_timesheet(org, ana, MAR1).lines if line.corrects_date]) == 7
