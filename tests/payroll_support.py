"""Test helpers for exporting payroll from the timesheet page: the form's ``shown`` fingerprint, read off the page as a
browser would send it (lms.hours.sheet_check)."""

from __future__ import annotations

import re
from datetime import date

_SHOWN = re.compile(r'name="shown" value="([^"]*)"')


def shown_on_page(client, u, org_slug: str, start: str) -> str:
    """The fingerprint the timesheet page of the period holding ``start`` puts in its export form ("" without one)."""
    page = client.get(u("lms.hours.org_timesheet", org_slug=org_slug, start=start)).get_data(as_text=True)
    found = _SHOWN.search(page)
    return found.group(1) if found else ""


def export_on_page(client, u, org_slug: str, start: str, **fields: str):
    """Open the period's timesheet page and send its export form, ticked (``fields`` add or override fields)."""
    data = {"start": start, "confirm": "yes", "shown": shown_on_page(client, u, org_slug, start), **fields}
    return client.submit(u("lms.hours.export_payroll", org_slug=org_slug), data)


def fingerprint_now(org, day) -> str:
    """The fingerprint of the period holding ``day`` as it is now: for sending the export form of a period whose page
    offers none (a form kept from before)."""
    from lms.hours import sheet_check, timesheets

    return sheet_check.fingerprint(timesheets.get_org_timesheet(org, day))


#: Two semimonthly periods long over, whatever day the tests run.
FEB16, MAR1 = date(2025, 2, 16), date(2025, 3, 1)


def semimonthly_clinic(make_org, make_user, add_member):
    """A semimonthly clinic ("clinica", Gabriela Gerente its manager): Ana has approved hours in two past periods
    (:data:`FEB16` and :data:`MAR1`, neither exported). The organisation and its manager."""
    from lms import db
    from lms.orgs.models import PayPeriod
    from tests.hours_reports_helpers import add_entry

    manager = make_user("gerente@example.org", name="Gabriela Gerente")
    org = make_org("clinica", manager=manager, pay_period=PayPeriod.SEMIMONTHLY, training_pay_rate_cents=2500)
    ana = make_user("ana@example.org", name="Ana Núñez")
    add_member(org, ana, employee_id="E-1", employment_start=date(2024, 1, 1))
    add_entry(ana, org, date(2025, 2, 20), 60, paid=FEB16)
    add_entry(ana, org, date(2025, 3, 9), 600, paid=MAR1)
    db.session.commit()
    return org, manager
