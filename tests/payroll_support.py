"""Test helpers for exporting payroll from the timesheet page: the form's ``shown`` fingerprint, read off the page as a
browser would send it (lms.hours.sheet_check)."""

from __future__ import annotations

import re

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
