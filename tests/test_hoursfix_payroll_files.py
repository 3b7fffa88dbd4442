"""Payroll files: the list of files shows each file's time and amount, equal to the sums of the file's own lines, in
one query whatever the number of files; and a correction line names the entry it corrects (``corrects_entry_id``,
the last column)."""

from __future__ import annotations

import csv
import io
import re
from datetime import date

import pytest

from lms import db
from lms.hours import export, export_totals
from lms.hours.export_totals import FileTotals
from lms.hours.models import EntrySource, EntryStatus, PayrollExport
from lms.i18n import format_minutes, format_money, in_language
from lms.orgs.models import MemberRole, PayPeriod
from tests.hours_reports_helpers import add_entry

NOV1, NOV16, DEC1 = date(2026, 11, 1), date(2026, 11, 16), date(2026, 12, 1)
TODAY = date(2026, 12, 20)


def rows_of(content: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(content.decode("utf-8"))))


def file_sums(content: bytes) -> FileTotals:
    """What the file's own lines add up to (minutes and dollars, as payroll would add them)."""
    rows = rows_of(content)
    cents = sum(int(row["amount"].replace(".", "")) for row in rows)
    return FileTotals(sum(int(row["minutes"]) for row in rows), cents)


@pytest.fixture
def acme(make_org, make_user, add_member):
    manager = make_user("boss@example.org", name="Boss Person")
    org = make_org("acme", manager=manager, pay_period=PayPeriod.SEMIMONTHLY, training_pay_rate_cents=1950)
    ana, ben = make_user(name="Ana Núñez"), make_user(name="Ben Bell")
    add_member(org, ana, employee_id="E-1")
    add_member(org, ben, employee_id="E-2")
    return org, manager, ana, ben


@pytest.fixture
def exported(acme):
    """Three exported files: two lines and a correction (1-16 Nov), a line at another rate (16-30 Nov), none
    (1-15 Dec)."""
    org, manager, ana, ben = acme
    workshop = add_entry(ana, org, date(2026, 11, 3), 50, paid=NOV1, title="Workshop")
    add_entry(ben, org, date(2026, 11, 4), 61, paid=NOV1, title="Charla")
    fix = add_entry(ana, org, date(2026, 11, 3), -20, paid=NOV1, title="Workshop", source=EntrySource.ADJUSTMENT,
                    corrects_id=workshop.id)
    add_entry(ben, org, date(2026, 11, 20), 1, paid=NOV16, rate=2000)
    add_entry(ana, org, date(2026, 11, 21), 45, status=EntryStatus.PENDING)
    db.session.commit()
    files = {}
    for start in (NOV1, NOV16, DEC1):
        files[start] = export.export_period(org, start, manager, today=TODAY)
        db.session.commit()
    # approved after the export: paid in a later, open period, never in an exported file
    add_entry(ana, org, date(2026, 11, 5), 30, paid=date(2026, 12, 16))
    db.session.commit()
    return org, manager, files, workshop, fix


def test_each_files_totals_equal_the_sums_of_its_lines(exported):
    org, _manager, files, _workshop, _fix = exported
    totals = export_totals.list_file_totals(org)
    assert set(totals) == set(files)
    for start, done in files.items():
        assert totals[start] == file_sums(done.content), start
    assert totals[NOV1] == FileTotals(91, 1625 + 1983 - 650)  # 50 min, 61 min, -20 min at $19.50, per line
    assert totals[NOV16] == FileTotals(1, 33) and totals[DEC1] == FileTotals(0, 0)
    assert all(isinstance(value, int) for t in totals.values() for value in (t.minutes, t.amount_cents))


def test_totals_are_the_organisations_own(exported, make_org):
    other = make_org("other", pay_period=PayPeriod.SEMIMONTHLY)
    assert export_totals.list_file_totals(other) == {}


def test_the_list_of_files_shows_each_files_time_and_amount(client, u, login, exported):
    org, manager, files, _workshop, _fix = exported
    login(manager)
    page = client.get(u("lms.hours.payroll_files", org_slug="acme")).get_data(as_text=True)
    assert '<th scope="col" role="columnheader" class="num">Time</th>' in page
    assert '<th scope="col" role="columnheader" class="num">Amount</th>' in page
    with client.application.test_request_context(), in_language("en"):
        expected = {start: (format_minutes(t.minutes), format_money(t.amount_cents))
                    for start, t in export_totals.list_file_totals(org).items()}
    assert expected[NOV1] == ("1 hour 31 minutes", "$29.58")
    for start, (time, amount) in expected.items():
        row = re.search(rf'start={start.isoformat()}".*?</tr>', page, re.S).group(0)
        assert f'data-label="Time" class="num">{time}</td>' in row
        assert f'data-label="Amount" class="num">{amount}</td>' in row


def test_the_list_of_files_in_spanish(client, u, login, exported, make_user, add_member):
    org, _manager, _files, _workshop, _fix = exported
    jefa = make_user("jefa@example.org", name="Jefa Pérez", locale="es")
    add_member(org, jefa, role=MemberRole.MANAGER)
    login(jefa)
    page = client.get(u("lms.hours.payroll_files", org_slug="acme")).get_data(as_text=True)
    assert "$29.58" in page and "1 hora 31 minutos" in page


def test_the_list_of_files_runs_the_same_queries_however_many_files(client, u, login, acme, count_queries):
    org, manager, ana, _ben = acme
    add_entry(ana, org, date(2026, 11, 3), 50, paid=NOV1)
    db.session.commit()
    export.export_period(org, NOV1, manager, today=TODAY)
    db.session.commit()
    login(manager)
    url = u("lms.hours.payroll_files", org_slug="acme")
    client.get(url)
    with count_queries() as few:
        client.get(url)
    for start, day in ((NOV16, date(2026, 11, 20)), (DEC1, date(2026, 12, 2))):
        for minutes in (10, 20, 30):
            add_entry(ana, org, day, minutes, paid=start)
        db.session.commit()
        export.export_period(org, start, manager, today=TODAY)
        db.session.commit()
    with count_queries() as many:
        client.get(url)
    assert db.session.query(PayrollExport).count() == 3
    assert many.count == few.count


def test_a_correction_line_names_the_entry_it_corrects(exported):
    _org, _manager, files, workshop, fix = exported
    content = files[NOV1].content
    header = content.split(b"\r\n", 1)[0].decode()
    assert header.split(",")[-1] == "corrects_entry_id" == export.COLUMNS[-1]
    assert header.split(",")[:13] == list(export.COLUMNS[:13])  # the earlier columns keep their order
    rows = rows_of(content)
    correction = next(row for row in rows if row["source"] == "adjustment")
    assert correction["entry_id"] == str(fix.id) and correction["corrects_entry_id"] == str(workshop.id)
    assert correction["title"] == "Workshop"
    assert {row["corrects_entry_id"] for row in rows if row["source"] != "adjustment"} == {""}


def test_an_adjustment_on_its_own_and_the_draft_have_the_column_too(acme):
    org, _manager, ana, _ben = acme
    add_entry(ana, org, date(2026, 12, 2), -15, paid=DEC1, source=EntrySource.ADJUSTMENT, title="Bonus taken back")
    db.session.commit()
    draft = export.draft_csv(org, DEC1, date(2026, 12, 15)).decode("utf-8-sig").split("\r\n", 1)[1]
    (row,) = list(csv.DictReader(io.StringIO(draft)))
    assert row["minutes"] == "-15" and row["corrects_entry_id"] == ""
