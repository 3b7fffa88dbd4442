"""The personal hours pages (summary, timesheet, and the manager's copy of a person's timesheet): each table named
once, by its caption or by the heading above it, never a heading and a caption saying the same words; the "Exported
to payroll" badge on the organisation's clock with its zone named, whatever the viewer's zone; and the manager's
draft payroll file refusing a parameter given twice with a 400 page in the manager's language."""

from __future__ import annotations

from datetime import UTC, date, datetime
from html.parser import HTMLParser

import pytest
from sqlalchemy import select

from lms import db
from lms.hours import export
from lms.hours.models import EntryStatus, PayrollExport
from lms.orgs.models import MemberRole, PayPeriod
from tests.hours_reports_helpers import add_entry

NOV1, NOV16 = date(2026, 11, 1), date(2026, 11, 16)
#: When the test exports the first half of November: 11:30 PM on 15 November in Los Angeles (the organisation), 4:30 PM
#: on the 16th in Tokyo (the trainee), 7:30 AM UTC.
EXPORTED_AT = datetime(2026, 11, 16, 7, 30, tzinfo=UTC)


class _Tables(HTMLParser):
    """Each table of a page: its caption, the id its ``aria-labelledby`` names, and the last heading before it; and
    the text of every element with an id."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: list[dict[str, str | None]] = []
        self.ids: dict[str, str] = {}
        self._open: list[tuple[str, str | None]] = []  # (tag, id) of elements whose text is being read
        self._texts: dict[int, list[str]] = {}
        self._heading = ""

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table":
            self.tables.append({"caption": None, "labelledby": attrs.get("aria-labelledby"), "heading": self._heading})
        if tag in ("h1", "h2", "h3", "caption") or attrs.get("id"):
            self._open.append((tag, attrs.get("id")))
            self._texts[len(self._open)] = []

    def handle_endtag(self, tag):
        if self._open and self._open[-1][0] == tag:
            _tag, ident = self._open.pop()
            text = " ".join(" ".join(self._texts.pop(len(self._open) + 1)).split())
            if ident:
                self.ids[ident] = text
            if tag in ("h1", "h2", "h3"):
                self._heading = text
            elif tag == "caption":
                self.tables[-1]["caption"] = text

    def handle_data(self, data):
        for depth in self._texts:
            self._texts[depth].append(data)


def _tables(response) -> list[tuple[str, str]]:
    """(the table's name, the heading before it), checking each is named one way only."""
    page = _Tables()
    page.feed(response.get_data(as_text=True))
    found = []
    for table in page.tables:
        assert not (table["caption"] and table["labelledby"]), table  # named twice
        name = table["caption"] or page.ids.get(table["labelledby"] or "", "")
        assert name, f"a table with no name after {table['heading']!r}"
        if table["caption"]:
            assert table["caption"] != table["heading"], f"the caption repeats the heading {table['heading']!r}"
        found.append((name, table["heading"]))
    return found


@pytest.fixture
def acme(make_org, make_user):
    manager = make_user("boss@example.org", name="Boss Person", locale="es")
    org = make_org("acme", manager=manager, pay_period=PayPeriod.SEMIMONTHLY, training_pay_rate_cents=1950,
                   timezone="America/Los_Angeles")
    return org, manager


@pytest.fixture
def ana(acme, make_user, add_member):
    """A trainee reading in Tokyo's zone, with approved hours paid in the first half of November (exported at
    ``EXPORTED_AT``) and one entry waiting for approval."""
    org, manager = acme
    user = make_user("ana@example.org", name="Ana", timezone="Asia/Tokyo")
    add_member(org, user)
    add_entry(user, org, date(2026, 11, 2), 90, paid=NOV1, title="First aid", areas=["communication"])
    add_entry(user, org, date(2026, 11, 3), 30, status=EntryStatus.PENDING, title="Home visits")
    db.session.commit()
    export.export_period(org, NOV1, manager, today=date(2026, 11, 20))
    db.session.execute(select(PayrollExport)).scalar_one().exported_at = EXPORTED_AT
    db.session.commit()
    return user


def test_the_summary_names_each_table_once_by_its_heading(client, u, login, ana):
    login(ana)
    tables = _tables(client.get(u("lms.hours.my_summary")))
    assert tables == [("By pay period", "By pay period"), ("By month", "By month"),
                      ("By kind of training", "By kind of training"), ("By competency area", "By competency area")]


@pytest.mark.parametrize("whose", ["mine", "manager's copy"])
def test_a_timesheet_names_its_tables_once(client, u, login, acme, ana, whose):
    org, manager = acme
    login(ana if whose == "mine" else manager)
    url = (u("lms.hours.my_timesheet", start="2026-11-01") if whose == "mine"
           else u("lms.hours.person_timesheet", org_slug="acme", user_id=ana.id, start="2026-11-01"))
    tables = [name for name, _heading in _tables(client.get(url))]
    awaiting = "Awaiting approval" if whose == "mine" else "Pendiente de aprobación"
    approved = "Approved hours paid in this period" if whose == "mine" else "Horas aprobadas que se pagan en este período"
    assert tables == [approved, awaiting]


def test_the_export_badge_is_on_the_organisations_clock(client, u, login, acme, ana):
    login(ana)  # her own zone is Tokyo's, where it was already the 16th
    page = client.get(u("lms.hours.my_timesheet", start="2026-11-01")).get_data(as_text=True).replace("\u202f", " ")
    assert "Exported to payroll Nov 15, 2026, 11:30 PM PST" in page
    assert "4:30 PM" not in page  # her own clock's time of it


def test_the_managers_copy_has_the_same_badge(client, u, login, acme, ana):
    org, manager = acme
    login(manager)
    page = client.get(u("lms.hours.person_timesheet", org_slug="acme", user_id=ana.id, start="2026-11-01"))
    assert "15 nov 2026, 11:30 p.m. PST" in page.get_data(as_text=True).replace("\u202f", " ")


def test_the_draft_refuses_a_repeated_start_in_the_managers_language(client, u, login, acme, ana):
    org, manager = acme
    login(manager)  # reads in Spanish
    draft = u("lms.hours.draft_payroll", org_slug="acme")
    refused = client.get(f"{draft}?start=2026-11-16&start=2026-12-01")
    assert refused.status_code == 400 and refused.mimetype == "text/html"
    text = refused.get_data(as_text=True)
    assert "Solicitud incorrecta" in text
    assert "El parámetro de consulta start se indicó 2 veces: indíquelo una sola vez." in text
    one = client.get(f"{draft}?start=2026-11-16")
    assert one.status_code == 200 and one.mimetype == "text/csv"


def test_the_draft_refusal_in_english(client, u, login, acme, ana, add_member, make_user):
    org, _manager = acme
    other = make_user("lead@example.org", locale="en")
    add_member(org, other, MemberRole.MANAGER)
    login(other)
    refused = client.get(u("lms.hours.draft_payroll", org_slug="acme") + "?start=2026-11-16&start=2026-11-16")
    assert refused.status_code == 400
    assert "The query parameter start was given 2 times: give it once." in refused.get_data(as_text=True)
