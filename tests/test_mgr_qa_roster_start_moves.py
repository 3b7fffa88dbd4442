"""A roster import that moves current staff's start dates later asks first, as the staff page does (manager QA).

Moving a start later makes pending entries dated before it unapprovable and may change the CE year
(lms.hours.start_moves). The import applies the file, and when it moves such a start date rolls everything back and
lists each move with what it affects (lms.hours.roster_starts), keeping the file; ticking the box under that list and
importing again applies the file. A file with problems lists them first, never the confirmation."""

from __future__ import annotations

import io
import re
from datetime import date

import pytest
from sqlalchemy import func, select

from lms import db
from lms.hours.models import EntryStatus
from lms.orgs.models import Invitation, Membership
from tests.conftest import html_text
from tests.hours_reports_helpers import add_entry

HEADER = "email,name,employment_start\n"
ASKED = "Nothing was imported yet. The file moves the employment start date of one current staff member later:"


@pytest.fixture
def tom(manager, make_user, add_member):
    """Tom Trainee, current staff of Acme Clinic since 1 May 2024, with a pending entry of 1 June 2024."""
    org = db.session.execute(select(Membership)).scalar_one().organisation
    tom = add_member(org, make_user("trainee@example.org", name="Tom Trainee"), employee_id="E-7",
                     employment_start=date(2024, 5, 1))
    add_entry(tom.user, org, date(2024, 6, 1), 60, status=EntryStatus.PENDING, title="Home visits")
    db.session.commit()
    return tom


def _import(client, u, text: str, **fields: str):
    data = {"file": (io.BytesIO(text.encode()), "roster.csv")} if text else {}
    return client.submit(u("lms.orgs.roster_import", org_slug="acme"), {**data, **fields},
                         content_type="multipart/form-data")


def _hidden(page: str) -> dict[str, str]:
    """The hidden fields of the form (but its CSRF token), as a browser sends them again."""
    return {name: value for name, value in re.findall(r'<input id="[^"]*" name="([^"]+)" type="hidden" value="([^"]*)"',
                                                      page) if name != "csrf_token"}


def _start(membership: Membership) -> date | None:
    db.session.refresh(membership)
    return membership.employment_start


def _invitations() -> int:
    return db.session.scalar(select(func.count()).select_from(Invitation))


def test_a_later_start_is_listed_with_what_it_affects_and_nothing_is_imported(client, u, tom, mailbox):
    response = _import(client, u, HEADER + "trainee@example.org,Tom Trainee,2024-09-01\nnew@example.org,Nia New,\n")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    text = html_text(page)
    assert ASKED in text
    assert "Tom Trainee (line 2): from May 1, 2024 to September 1, 2024." in text
    assert ("1 pending entry is dated before September 1, 2024, the new start date: it will not be approvable") in text
    assert "Home visits" in text
    assert u("lms.orgs.member", org_slug="acme", membership_id=tom.id) in page
    assert "Attached: roster.csv (kept)" in text and 'name="move_starts"' in page
    assert _start(tom) == date(2024, 5, 1) and _invitations() == 0 and mailbox == []  # nothing applied, nobody invited


def test_ticking_the_box_imports_the_kept_file(client, u, tom, mailbox):
    shown = _import(client, u, HEADER + "trainee@example.org,Tom Trainee,2024-09-01\nnew@example.org,Nia New,\n")
    fields = _hidden(shown.get_data(as_text=True))
    assert fields.get("file_token") and fields.get("starts_shown")
    response = _import(client, u, "", **fields, move_starts="y")
    assert response.status_code == 302
    assert _start(tom) == date(2024, 9, 1) and _invitations() == 1
    assert [m["To"] for m in mailbox] == ["new@example.org"]


def test_without_the_tick_nothing_is_imported_and_the_box_says_why(client, u, tom):
    fields = _hidden(_import(client, u, HEADER + "trainee@example.org,Tom Trainee,2024-09-01\n").get_data(as_text=True))
    response = _import(client, u, "", **fields)
    text = html_text(response.get_data(as_text=True))
    assert response.status_code == 200 and ASKED in text
    assert "Tick the box to move these start dates later, or change them in the file and choose it again." in text
    assert _start(tom) == date(2024, 5, 1)


def test_a_tick_for_other_moves_confirms_nothing(client, u, tom):
    """The tick confirms the moves it was shown under: another file (another date) is listed again."""
    fields = _hidden(_import(client, u, HEADER + "trainee@example.org,Tom Trainee,2024-09-01\n").get_data(as_text=True))
    del fields["file_token"]
    response = _import(client, u, HEADER + "trainee@example.org,Tom Trainee,2024-10-01\n", **fields, move_starts="y")
    text = html_text(response.get_data(as_text=True))
    assert response.status_code == 200 and "from May 1, 2024 to October 1, 2024." in text
    assert "The start dates to move are not the ones you confirmed" in text
    assert _start(tom) == date(2024, 5, 1)


def test_an_earlier_start_or_one_that_changes_nothing_is_imported_at_once(client, u, tom):
    assert _import(client, u, HEADER + "trainee@example.org,Tom Trainee,2024-03-01\n").status_code == 302
    assert _start(tom) == date(2024, 3, 1)


def test_problems_of_the_file_come_first_and_the_file_is_not_kept(client, u, tom, make_user, add_member):
    org = tom.organisation
    add_member(org, make_user("lupe@example.org", name="Lupe Ruiz"), employee_id="E-9")
    response = _import(client, u, HEADER.replace("employment_start", "employment_start,employee_id")
                       + "trainee@example.org,Tom Trainee,2024-09-01,E-9\n")
    text = html_text(response.get_data(as_text=True))
    assert response.status_code == 400 and "Nothing was imported. Fix these problems" in text
    assert ASKED not in text and "(kept)" not in text
    assert _start(tom) == date(2024, 5, 1)
