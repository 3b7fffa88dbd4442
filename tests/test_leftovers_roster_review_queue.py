"""A roster import that moves current staff's start dates earlier sends their pending own-record hours dated within the
new employment to the organisation's review queue (lms.hours.adoption); its result page says how many, as the staff
page and accepting an invitation do."""

from __future__ import annotations

import io
from datetime import date

import pytest
from sqlalchemy import select

from lms import db
from lms.hours.models import EntryStatus, HoursEntry
from lms.orgs.models import Membership
from tests.conftest import html_text
from tests.hours_reports_helpers import add_entry

HEADER = "email,name,employment_start\n"
SENT = ("2 entries from your staff's own training records are now in your review queue: they are dated within their "
        "employment here.")


@pytest.fixture
def staff(manager, make_user, add_member):
    """Tom and Lupe, current staff of Acme Clinic since 1 May 2024; Tom logged training in his own records (no
    organisation) on 15 March and 10 April 2024, and on 1 February 2024; Lupe on 20 April 2024."""
    org = db.session.execute(select(Membership)).scalar_one().organisation
    tom = add_member(org, make_user("tom@example.org", name="Tom Trainee"), employment_start=date(2024, 5, 1))
    lupe = add_member(org, make_user("lupe@example.org", name="Lupe Ruiz"), employment_start=date(2024, 5, 1))
    entries = [add_entry(tom.user, None, day, 60, status=EntryStatus.PENDING, title=f"Own {day}")
               for day in (date(2024, 3, 15), date(2024, 4, 10), date(2024, 2, 1))]
    entries.append(add_entry(lupe.user, None, date(2024, 4, 20), 30, status=EntryStatus.PENDING, title="Lupe's own"))
    db.session.commit()
    return org, entries


def _import(client, u, text: str):
    return client.submit(u("lms.orgs.roster_import", org_slug="acme"),
                         {"file": (io.BytesIO(text.encode()), "roster.csv")}, content_type="multipart/form-data")


def _orgs(entries: list[HoursEntry]) -> list[int | None]:
    return [db.session.get(HoursEntry, entry.id).org_id for entry in entries]


def test_the_import_says_how_many_entries_went_to_the_review_queue(client, u, staff):
    org, entries = staff
    text = HEADER + "tom@example.org,Tom Trainee,2024-03-01\nlupe@example.org,Lupe Ruiz,2024-05-01\n"
    response = _import(client, u, text)
    assert response.status_code == 302
    db.session.expire_all()
    assert _orgs(entries) == [org.id, org.id, None, None]  # Tom's before 1 March and Lupe's (start unchanged) stay
    page = html_text(client.get(response.headers["Location"]).text)
    assert SENT in page


def test_an_import_that_sends_nothing_says_nothing_of_it(client, u, staff):
    _org, entries = staff
    response = _import(client, u, HEADER + "tom@example.org,Tom Trainee,2024-04-20\n")  # earlier, but after both
    assert response.status_code == 302
    db.session.expire_all()
    assert _orgs(entries) == [None, None, None, None]
    assert "review queue" not in html_text(client.get(response.headers["Location"]).text)
