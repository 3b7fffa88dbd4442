"""The lists of entries say which entry a correction corrects, as the timesheets and each entry's page do: the
trainee's "My hours" links "Corrects the entry of <date>" to their own entry's page, the manager's review queue to
the entry's review page. The dates come with the list (a join in its query): no query per correction."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from lms import db
from lms.accounts.models import User
from lms.hours import entries, review_queue
from lms.hours.models import EntrySource, EntryStatus, HoursEntry
from tests.hours_reports_helpers import add_entry
from tests.payroll_support import FEB16, MAR1, semimonthly_clinic

ALL = review_queue.QueueFilters(status=None)


@pytest.fixture
def clinic(make_org, make_user, add_member):
    """Ana's entry of Feb 20 corrected (approved), and her entry of Mar 9 with a correction waiting for review."""
    org, manager = semimonthly_clinic(make_org, make_user, add_member)
    ana = db.session.scalar(select(User).where(User.email == "ana@example.org"))
    feb, mar = sorted(db.session.scalars(select(HoursEntry).where(HoursEntry.user_id == ana.id)), key=lambda e: e.id)
    fix = add_entry(ana, org, date(2025, 3, 10), -15, paid=MAR1, source=EntrySource.ADJUSTMENT,
                    title="Correction", corrects_id=feb.id)
    waiting = add_entry(ana, org, date(2025, 3, 11), 30, status=EntryStatus.PENDING, source=EntrySource.ADJUSTMENT,
                        title="Late correction", corrects_id=mar.id)
    db.session.commit()
    return org, manager, ana, feb, mar, fix, waiting


def test_the_lists_carry_the_corrected_dates(clinic):
    org, _manager, ana, feb, mar, fix, waiting = clinic
    expected = {fix.id: feb.activity_date, waiting.id: mar.activity_date}
    assert entries.list_user_entries(ana).corrected_dates == expected
    assert review_queue.list_queue(org, ALL).corrected_dates == expected
    assert review_queue.list_queue(org, review_queue.QueueFilters()).corrected_dates == {waiting.id: date(2025, 3, 9)}


def test_my_hours_links_the_corrected_entry(client, u, login, clinic):
    _org, _manager, ana, feb, mar, _fix, _waiting = clinic
    login(ana)
    page = client.get(u("lms.hours.mine"))
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    feb_link, mar_link = u("lms.hours.entry", entry_id=feb.id), u("lms.hours.entry", entry_id=mar.id)
    assert f'<a href="{feb_link}">Corrects the entry of Feb 20, 2025</a>' in text
    assert f'<a href="{mar_link}">Corrects the entry of Mar 9, 2025</a>' in text
    assert text.count("Corrects the entry of") == 2  # not on the entries that correct nothing
    assert "/orgs/clinica/" not in text  # never the manager's page
    assert client.get(feb_link).status_code == 200  # the trainee may open it


def test_my_hours_in_spanish(client, u, login, clinic):
    _org, _manager, ana, _feb, _mar, _fix, _waiting = clinic
    login(ana)
    text = client.get(u("lms.hours.mine", lang="es")).get_data(as_text=True)
    assert "20 feb 2025" in text


def test_the_queue_links_the_corrected_entry(client, u, login, clinic):
    org, manager, _ana, feb, mar, _fix, _waiting = clinic
    login(manager)
    text = client.get(u("lms.hours.queue", org_slug=org.slug, status="all")).get_data(as_text=True)
    feb_link = u("lms.hours.review", org_slug=org.slug, entry_id=feb.id)
    mar_link = u("lms.hours.review", org_slug=org.slug, entry_id=mar.id)
    assert f'<a href="{feb_link}">Corrects the entry of Feb 20, 2025</a>' in text
    assert f'<a href="{mar_link}">Corrects the entry of Mar 9, 2025</a>' in text
    assert text.count("Corrects the entry of") == 2
    assert client.get(mar_link).status_code == 200  # the manager may open it
    pending_only = client.get(u("lms.hours.queue", org_slug=org.slug)).get_data(as_text=True)
    assert pending_only.count("Corrects the entry of") == 1


def test_the_queue_never_links_another_organisations_entry(client, u, login, make_org, clinic):
    org, manager, ana, _feb, _mar, _fix, _waiting = clinic
    other = make_org("otra")
    elsewhere = add_entry(ana, other, date(2025, 1, 7), 45, status=EntryStatus.PENDING)
    odd = add_entry(ana, org, date(2025, 3, 12), 5, status=EntryStatus.PENDING, source=EntrySource.ADJUSTMENT,
                    corrects_id=elsewhere.id)
    db.session.commit()
    assert odd.id not in review_queue.list_queue(org, ALL).corrected_dates
    login(manager)
    text = client.get(u("lms.hours.queue", org_slug=org.slug, status="all")).get_data(as_text=True)
    assert "Jan 7, 2025" not in text and f"/entries/{elsewhere.id}" not in text


def test_corrections_cost_no_query_each(app, clinic, count_queries):
    org, _manager, ana, _feb, _mar, _fix, _waiting = clinic

    def queries(read) -> int:
        db.session.expire_all()
        with count_queries() as counter:
            read()
        return counter.count

    mine, queue = lambda: entries.list_user_entries(ana), lambda: review_queue.list_queue(org, ALL)
    few = queries(mine), queries(queue)
    for n in range(6):
        old = add_entry(ana, org, date(2025, 2, 17 + n), 10, paid=FEB16)
        add_entry(ana, org, date(2025, 3, 2 + n), 5, paid=MAR1, source=EntrySource.ADJUSTMENT, corrects_id=old.id)
    db.session.commit()
    assert (queries(mine), queries(queue)) == few
    assert len(entries.list_user_entries(ana).corrected_dates) == 8
    assert len(review_queue.list_queue(org, ALL).corrected_dates) == 8


def test_the_pages_cost_no_query_per_correction(client, u, login, clinic, count_queries):
    org, manager, ana, _feb, _mar, _fix, _waiting = clinic

    def queries(url) -> int:
        db.session.expire_all()
        with count_queries() as counter:
            assert client.get(url).status_code == 200
        return counter.count

    login(manager)
    queue_url = u("lms.hours.queue", org_slug=org.slug, status="all")
    few = queries(queue_url)
    for n in range(6):
        old = add_entry(ana, org, date(2025, 2, 17 + n), 10, paid=FEB16)
        add_entry(ana, org, date(2025, 3, 2 + n), 5, paid=MAR1, source=EntrySource.ADJUSTMENT, corrects_id=old.id)
    db.session.commit()
    assert queries(queue_url) == few
