"""An ended pay period that pays approved hours but was never exported is not forgotten: the timesheet page of a later
period names it (with a link) before exporting and asks for an extra tick, the payroll files page lists it as "Not
exported yet", and the API says the same (pay periods JSON, and a header on the exported file). Queries stay bounded
however many periods the history holds."""

from __future__ import annotations

import pytest

from lms import db
from lms.hours import export, unexported
from lms.hours.models import EntryStatus, PayrollExport
from lms.hours.pay_calendar import pay_calendar
from lms.hours.periods import org_today
from lms.orgs.models import PayPeriod
from tests.api_support import bearer, schema_checker
from tests.hours_reports_helpers import add_entry
from tests.payroll_support import export_on_page


def _text(response) -> str:
    return response.get_data(as_text=True).replace("\u202f", " ").replace("\xa0", " ")


@pytest.fixture
def acme(make_org, make_user, add_member):
    """Three ended periods: the oldest exported, the middle one skipped with 5 approved hours, the last one paying 1 h."""
    manager = make_user("boss@example.org", name="Boss Person")
    org = make_org("acme", manager=manager, pay_period=PayPeriod.BIWEEKLY, training_pay_rate_cents=2000)
    ana = make_user("ana@example.org", name="Ana")
    add_member(org, ana, employee_id="E-1")
    pays = pay_calendar(org)
    current = pays.period(org_today(org))
    last = pays.previous(current)
    skipped = pays.previous(last)
    oldest = pays.previous(skipped)
    add_entry(ana, org, oldest[0], 60, paid=oldest[0])
    db.session.commit()
    export.export_period(org, oldest[0], manager)
    add_entry(ana, org, skipped[0], 300, paid=skipped[0])
    add_entry(ana, org, last[0], 60, paid=last[0])
    add_entry(ana, org, current[0], 30, status=EntryStatus.PENDING)
    db.session.commit()
    return org, manager, ana, {"oldest": oldest, "skipped": skipped, "last": last, "current": current}


def _span(period) -> str:
    return f"{period[0]:%b} {period[0].day}, {period[0].year} to {period[1]:%b} {period[1].day}, {period[1].year}"


def test_the_service_lists_ended_unexported_periods_that_pay(acme):
    org, _manager, _ana, p = acme
    today = org_today(org)
    found = unexported.list_unexported_periods(org, today)
    assert [(f.start, f.end, f.line_count, f.minutes, f.amount_cents) for f in found] == [
        (p["skipped"][0], p["skipped"][1], 1, 300, 10000), (p["last"][0], p["last"][1], 1, 60, 2000)]
    assert [f.start for f in unexported.list_unexported_periods(org, today, before=p["last"][0])] == [p["skipped"][0]]
    assert unexported.list_unexported_periods(org, today, before=p["skipped"][0]) == []


def test_the_timesheet_names_the_skipped_period_and_asks_for_a_tick(client, u, login, acme):
    org, manager, _ana, p = acme
    login(manager)
    start = p["last"][0].isoformat()
    page = _text(client.get(u("lms.hours.org_timesheet", org_slug="acme", start=start)))
    assert "Export the earlier periods first." in page
    assert _span(p["skipped"]) in page
    assert f'start={p["skipped"][0].isoformat()}' in page  # a link to it
    assert "1 line, 5 hours, $100.00" in page
    assert 'name="skip_earlier" value="yes" required' in page
    # without the tick nothing is exported, and the message names the period
    response = export_on_page(client, u, "acme", start)
    assert response.status_code == 400  # the sheet again, the refusal at the tick (tests/test_refusals_payroll_export.py)
    page = _text(response)
    assert "Nothing was exported: earlier pay periods with approved hours were never exported" in page
    assert _span(p["skipped"]) in page
    assert export.get_export(org, p["last"][0]) is None
    # with it, the period is exported; the skipped one still can be afterwards, and then nothing is left to warn about
    response = export_on_page(client, u, "acme", start, skip_earlier="yes")
    assert response.status_code == 302 and export.get_export(org, p["last"][0]) is not None
    assert export_on_page(client, u, "acme", p["skipped"][0].isoformat()).status_code == 302
    assert export.get_export(org, p["skipped"][0]).row_count == 1
    page = _text(client.get(u("lms.hours.org_timesheet", org_slug="acme", start=p["current"][0].isoformat())))
    assert "Export the earlier periods first." not in page and 'name="skip_earlier"' not in page


def test_the_oldest_unexported_period_has_no_warning(client, u, login, acme):
    _org, manager, _ana, p = acme
    login(manager)
    page = _text(client.get(u("lms.hours.org_timesheet", org_slug="acme", start=p["skipped"][0].isoformat())))
    assert "Export the earlier periods first." not in page


def test_the_payroll_files_page_lists_them(client, u, login, acme):
    _org, manager, _ana, p = acme
    login(manager)
    page = _text(client.get(u("lms.hours.payroll_files", org_slug="acme")))
    assert "Not exported yet" in page
    section = page.split("Not exported yet", 1)[1].split("</section>", 1)[0]
    assert _span(p["skipped"]) in section and _span(p["last"]) in section
    assert _span(p["oldest"]) not in section and _span(p["current"]) not in section
    assert f'start={p["skipped"][0].isoformat()}' in section


@pytest.mark.parametrize("page", ["payroll files", "timesheet"])
def test_the_pages_listing_them_run_a_fixed_number_of_queries(client, u, login, acme, count_queries, page):
    """However long the history of skipped periods: the same statements, and the latest ones listed."""
    org, manager, ana, p = acme
    login(manager)
    if page == "payroll files":
        url, listed = u("lms.hours.payroll_files", org_slug="acme"), ("Not exported yet", "</section>")
    else:
        url = u("lms.hours.org_timesheet", org_slug="acme", start=p["current"][0].isoformat())
        listed = ('id="earlier-note"', "</ul>")
    client.get(url)
    with count_queries() as few:
        client.get(url)
    pays = pay_calendar(org)
    period = p["oldest"]
    for _ in range(30):  # a long history of skipped periods
        period = pays.previous(period)
        add_entry(ana, org, period[0], 30, paid=period[0])
    db.session.commit()
    with count_queries() as many:
        text = _text(client.get(url))
    assert many.count == few.count
    assert text.split(listed[0], 1)[1].split(listed[1], 1)[0].count("<li>") == unexported.MAX_LISTED


def test_the_api_reports_them(client, u, acme):
    org, manager, _ana, p = acme
    headers = bearer(manager)
    body = client.get(u("lms.api.org_pay_periods", org_slug="acme"), headers=headers).json
    schema_checker(client.get(u("lms.api.openapi")).json)(body, "PayPeriods")
    assert [(x["start"], x["end"], x["line_count"], x["minutes"], x["amount_cents"])
            for x in body["unexported_periods"]] == [
        (p["skipped"][0].isoformat(), p["skipped"][1].isoformat(), 1, 300, 10000),
        (p["last"][0].isoformat(), p["last"][1].isoformat(), 1, 60, 2000)]
    args = {"org_slug": "acme", "start": p["last"][0].isoformat(), "end": p["last"][1].isoformat()}
    response = client.get(u("lms.api.org_timesheets_csv", **args), headers=headers)
    assert response.status_code == 200  # the API warns, it does not refuse (its contract is unchanged)
    assert response.headers["X-Unexported-Earlier-Periods"] == f"{p['skipped'][0]}/{p['skipped'][1]}"
    assert db.session.get(PayrollExport, export.get_export(org, p["last"][0]).id) is not None


def test_a_skipped_period_says_payroll_ran_for_a_later_period_not_for_it(client, u, login, acme):
    """Its pending entries go to the next open period because a LATER period was exported: it was not."""
    org, manager, ana, p = acme
    login(manager)
    assert export_on_page(client, u, "acme", p["last"][0].isoformat(), skip_earlier="yes").status_code == 302
    add_entry(ana, org, p["skipped"][0], 45, status=EntryStatus.PENDING)
    db.session.commit()
    page = " ".join(_text(client.get(u("lms.hours.org_timesheet", org_slug="acme",
                                       start=p["skipped"][0].isoformat()))).split())
    assert "Payroll has already run for a later period: if it is approved" in page
    assert "Payroll has already run for this period" not in page
