"""The locked payroll file is the timesheet the manager checked, and exporting leads to the period's page.

From a clinic manager's QA pass: tab A showed the timesheet, tab B approved another entry, tab A ticked "I have
checked this timesheet" and exported: the locked file paid an entry the manager never saw, with no warning. The page
now sends a fingerprint of what it showed (lms.hours.sheet_check); an export whose period no longer matches it is
refused with the sheet shown again and what changed, and nothing is locked. After an export the browser used to stay
on the page (the file downloaded at once); now it goes to the period's page, exported and locked, with the file."""

from __future__ import annotations

import csv
import io
import re
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from lms import db
from lms.hours import approvals, export, sheet_check, timesheets
from lms.hours.models import EntryStatus, PayrollExport
from lms.orgs.models import Membership, PayPeriod
from tests.hours_reports_helpers import add_entry
from tests.payroll_support import export_on_page, shown_on_page

#: A semimonthly period long over, whatever day the tests run.
MAR1, MID = date(2025, 3, 1), date(2025, 3, 9)
START = MAR1.isoformat()


@pytest.fixture
def clinic(make_org, make_user, add_member):
    manager = make_user("gerente@example.org", name="Gabriela Gerente")
    org = make_org("clinica", manager=manager, pay_period=PayPeriod.SEMIMONTHLY, training_pay_rate_cents=2500)
    ana = make_user("ana@example.org", name="Ana Núñez")
    ben = make_user("ben@example.org", name="Ben Ortiz")
    add_member(org, ana, employee_id="E-1", employment_start=date(2024, 1, 1))
    add_member(org, ben, employee_id="E-2", employment_start=date(2024, 1, 1))
    add_entry(ana, org, MID, 600, paid=MAR1)  # 10 hours, $250.00
    add_entry(ben, org, MID, 529, paid=MAR1)  # 8 h 49 min, $220.42
    waiting = add_entry(ben, org, MID + timedelta(days=1), 120, status=EntryStatus.PENDING, title="Outreach fair")
    db.session.commit()
    return org, manager, ana, ben, waiting


def _exports() -> int:
    return db.session.scalar(select(func.count(PayrollExport.id)))


def _text(response) -> str:
    return response.get_data(as_text=True)


def _amounts(content: bytes) -> list[str]:
    return [row["amount"] for row in csv.DictReader(io.StringIO(content.decode("utf-8")))]


def _approve_in_another_tab(entry, manager) -> None:
    approvals.approve(entry, manager)
    db.session.commit()


def test_an_entry_approved_in_another_tab_stops_the_export_and_says_what_changed(client, u, login, clinic):
    org, manager, _ana, _ben, waiting = clinic
    login(manager)
    page = _text(client.get(u("lms.hours.org_timesheet", org_slug="clinica", start=START)))
    assert "$470.42" in page
    shown = shown_on_page(client, u, "clinica", START)  # tab A
    _approve_in_another_tab(waiting, manager)  # tab B
    refused = client.submit(u("lms.hours.export_payroll", org_slug="clinica"),
                            {"start": START, "confirm": "yes", "shown": shown})
    assert refused.status_code == 409 and _exports() == 0
    text = _text(refused)
    assert ("Nothing was exported: the timesheet is not the one you checked. 1 entry approved since you opened this "
            "page: +2 hours, +$50.00. Check it below, then export again.") in text
    assert "$520.42" in text  # the sheet as it is now, to check again …
    assert 'name="confirm"' in text and 'name="shown"' in text  # … and its own form, unticked
    assert re.search(r'name="shown" value="([^"]+)"', text).group(1) != shown
    done = export_on_page(client, u, "clinica", START)  # checked again: exported
    assert done.status_code == 302 and _exports() == 1
    assert _amounts(export.get_export(org, MAR1).content) == ["250.00", "220.42", "50.00"]


def test_the_locked_file_totals_what_the_page_showed(client, u, login, clinic):
    org, manager, _ana, _ben, _waiting = clinic
    login(manager)
    shown = shown_on_page(client, u, "clinica", START)
    assert shown == sheet_check.fingerprint(timesheets.get_org_timesheet(org, MAR1))
    assert shown.startswith("v1.2.1129.47042.")  # entries, minutes and cents the page totals
    export_on_page(client, u, "clinica", START)
    amounts = _amounts(export.get_export(org, MAR1).content)
    assert sorted(amounts) == ["220.42", "250.00"]


def test_a_new_pending_entry_does_not_stop_the_export(client, u, login, clinic):
    """Pending entries are not in the file, so one sent meanwhile changes nothing that is locked."""
    org, manager, ana, _ben, _waiting = clinic
    login(manager)
    shown = shown_on_page(client, u, "clinica", START)
    add_entry(ana, org, MID, 45, status=EntryStatus.PENDING)
    db.session.commit()
    done = client.submit(u("lms.hours.export_payroll", org_slug="clinica"), {"start": START, "confirm": "yes", "shown": shown})
    assert done.status_code == 302 and _exports() == 1


def test_an_entry_leaving_the_period_and_a_changed_employee_id_are_said(client, u, login, clinic):
    org, manager, ana, _ben, _waiting = clinic
    login(manager)
    shown = shown_on_page(client, u, "clinica", START)
    membership = db.session.scalars(select(Membership).where(Membership.user_id == ana.id)).one()
    membership.employee_id = "E-100"  # another tab saved a new employee ID: the file would not match the sheet
    db.session.commit()
    refused = client.submit(u("lms.hours.export_payroll", org_slug="clinica"),
                            {"start": START, "confirm": "yes", "shown": shown})
    assert refused.status_code == 409 and _exports() == 0
    assert ("The approved entries, names or employee IDs of this period changed since you opened this page; the "
            "totals are the same.") in _text(refused)
    shown = shown_on_page(client, u, "clinica", START)
    entry = add_entry(ana, org, MID, 60, paid=MAR1)
    db.session.commit()
    shown_with = shown_on_page(client, u, "clinica", START)
    entry.paid_period_start = date(2025, 3, 16)  # moved on (a pay schedule change)
    db.session.commit()
    refused = client.submit(u("lms.hours.export_payroll", org_slug="clinica"),
                            {"start": START, "confirm": "yes", "shown": shown_with})
    assert ("1 entry is no longer paid in this period since you opened this page (moved to another period or "
            "withdrawn): −1 hour, −$25.00.") in _text(refused)
    assert client.submit(u("lms.hours.export_payroll", org_slug="clinica"),
                         {"start": START, "confirm": "yes", "shown": shown}).status_code == 302


@pytest.mark.parametrize("shown", ["", "v1.2.x", "v1.2.1129.47042.0123456789abcdef01234567", "<script>"])
def test_a_form_without_a_readable_fingerprint_exports_nothing(client, u, login, clinic, shown):
    _org, manager, *_ = clinic
    login(manager)
    data = {"start": START, "confirm": "yes"} | ({"shown": shown} if shown else {})
    refused = client.submit(u("lms.hours.export_payroll", org_slug="clinica"), data)
    assert refused.status_code == 409 and _exports() == 0
    assert "Nothing was exported" in _text(refused) and "<script>" not in _text(refused).split("</h1>", 1)[1]


def test_a_period_another_tab_exported_says_so(client, u, login, clinic):
    org, manager, _ana, _ben, waiting = clinic
    login(manager)
    stale = shown_on_page(client, u, "clinica", START)
    _approve_in_another_tab(waiting, manager)
    fresh = shown_on_page(client, u, "clinica", START)
    assert export_on_page(client, u, "clinica", START).status_code == 302  # tab B exports what it showed
    content = export.get_export(org, MAR1).content
    same = client.submit(u("lms.hours.export_payroll", org_slug="clinica"), {"start": START, "confirm": "yes", "shown": fresh})
    assert same.status_code == 302
    assert "This period was already exported and locked: its file is below." in _text(client.get(same.headers["Location"]))
    other = client.submit(u("lms.hours.export_payroll", org_slug="clinica"), {"start": START, "confirm": "yes", "shown": stale})
    assert other.status_code == 409
    assert ("This period had already been exported, and its file is not the timesheet you checked. 1 entry approved "
            "since you opened this page: +2 hours, +$50.00.") in _text(other)
    assert "Download the payroll file (CSV)" in _text(other)
    assert _exports() == 1 and export.get_export(org, MAR1).content == content


def test_exporting_leads_to_the_period_exported_and_locked_with_its_file(client, u, login, clinic):
    org, manager, *_ = clinic
    login(manager)
    done = export_on_page(client, u, "clinica", START)
    assert done.status_code == 302
    assert done.headers["Location"].endswith(f"/hours/orgs/clinica/timesheets?start={START}#payroll-heading")
    page = _text(client.get(done.headers["Location"]))
    assert "Exported and locked. Download the payroll file below and give it to payroll." in page
    assert "This period is locked" in page and 'name="confirm"' not in page and "Export and lock" not in page
    link = re.search(r'<a class="button" href="([^"]+)">Download the payroll file \(CSV\)</a>', page).group(1)
    download = client.get(link)
    assert download.status_code == 200 and download.mimetype == "text/csv"
    assert "attachment" in download.headers["Content-Disposition"]
    assert download.data == export.get_export(org, MAR1).content
    assert 'name="confirm"' not in _text(client.get(u("lms.hours.org_timesheet", org_slug="clinica", start=START)))


def test_the_export_form_carries_the_fingerprint_and_is_not_restored(client, u, login, clinic):
    _org, manager, *_ = clinic
    login(manager)
    page = _text(client.get(u("lms.hours.org_timesheet", org_slug="clinica", start=START)))
    form = page.split('action="/hours/orgs/clinica/timesheets/export"', 1)[1].split("</form>", 1)[0]
    assert 'autocomplete="off"' in page.split('action="/hours/orgs/clinica/timesheets/export"', 1)[1][:40]
    assert re.search(r'name="shown" value="v1\.2\.1129\.47042\.[0-9a-f]{24}"', form)


def test_what_changed_is_written_in_the_managers_language(client, u, login, clinic):
    org, manager, _ana, _ben, waiting = clinic
    manager.locale = "es"
    db.session.commit()
    login(manager)
    shown = shown_on_page(client, u, "clinica", START)
    _approve_in_another_tab(waiting, manager)
    refused = client.submit(u("lms.hours.export_payroll", org_slug="clinica"),
                            {"start": START, "confirm": "yes", "shown": shown})
    error = re.search(r'<div class="error-summary" role="alert"[^>]*><p>(.*?)</p>', _text(refused), re.S).group(1)
    assert "+2 horas, +$50.00" in error and _exports() == 0  # dollars are written alike in Spanish (es_US)
