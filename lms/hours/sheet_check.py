"""What an organisation's timesheet page showed, so that the payroll file locked from it is the sheet the manager
checked (see docs/payroll-export.md, "Exporting").

The page carries a fingerprint of the approved entries it totals (:func:`fingerprint`): how many, their time and
amount, and a digest of each person's name, employee IDs (those the file writes: in force on each line's date),
entries (the sum of their ids, with their count and totals) and money. The export checks it under the export lock
(:func:`check_unchanged`, called by :func:`lms.hours.export.export_period`): an entry approved in another tab, moved
by a pay schedule change or withdrawn, or an employee ID changed that a line is written with, since the page was
shown, refuses the export with what changed (:class:`SheetChanged`), and nothing is locked. Pending entries are not
in the file, so they are not in the fingerprint.

The fingerprint is not signed: like the approval queue's list of rows (``lms.web.bulk``) it guards a manager against
a page that went stale, not against themselves.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass

from lms.errors import ConflictError
from lms.hours.timesheets import OrgTimesheet
from lms.i18n import _, format_minutes, format_money, ngettext

#: ``v1.<entries>.<minutes>.<cents>.<digest>``; minutes and cents may be negative (corrections).
_SHAPE = re.compile(r"v1\.(\d{1,9})\.(-?\d{1,12})\.(-?\d{1,15})\.([0-9a-f]{24})")


@dataclass(frozen=True)
class Shown:
    """What a timesheet page said it totalled."""

    count: int
    minutes: int
    cents: int
    digest: str


class SheetChanged(ConflictError):
    """The approved entries of the period are not the ones the page showed; ``message`` says what changed."""

    code = "timesheet_changed"


def _ids(paid_ids: tuple[str | None, ...]) -> str | list[str]:
    """The employee IDs the person's lines are written with (in force on each line's date): one as text, as this
    digest always had it, several (training done in an earlier employment, under an ID of its own) as a list."""
    ids = [value or "" for value in paid_ids]
    return ids[0] if len(ids) == 1 else ids


def _digest(sheet: OrgTimesheet) -> str:
    people = sorted(
        (row.user_id, row.name, _ids(row.paid_ids), row.line_count, row.approved_id_sum, row.minutes,
         row.amount_cents)
        for row in sheet.rows if row.line_count
    )
    text = json.dumps([sheet.start.isoformat(), people], ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:24]


def fingerprint(sheet: OrgTimesheet) -> str:
    """The value of the timesheet page's hidden ``shown`` field (no query: the sheet's own rows)."""
    return f"v1.{sheet.line_count}.{sheet.total_minutes}.{sheet.total_cents}.{_digest(sheet)}"


def read(value: str | None) -> Shown | None:
    """A fingerprint sent back by the page, or None when there is none or it cannot be read."""
    found = _SHAPE.fullmatch(value or "")
    if found is None:
        return None
    count, minutes, cents, digest = found.groups()
    return Shown(int(count), int(minutes), int(cents), digest)


def check_unchanged(sheet: OrgTimesheet, shown: str) -> None:
    """Raise :class:`SheetChanged` unless ``shown`` is the fingerprint of ``sheet`` (the period as it is now)."""
    if shown != fingerprint(sheet):
        raise SheetChanged(describe_change(read(shown), sheet))


def _signed_time(minutes: int) -> str:
    return ("+" if minutes > 0 else "") + format_minutes(minutes)


def _signed_money(cents: int) -> str:
    return ("+" if cents > 0 else "") + format_money(cents)


def describe_change(shown: Shown | None, sheet: OrgTimesheet) -> str:
    """What changed between what the page showed and ``sheet``, as one or two sentences for the manager."""
    if shown is None:
        return _("Nothing was exported: the form did not say which timesheet it was sent from. Check the timesheet "
                 "below, then export again.")
    count, minutes, cents = sheet.line_count - shown.count, sheet.total_minutes - shown.minutes, \
        sheet.total_cents - shown.cents
    time, money = _signed_time(minutes), _signed_money(cents)
    if count > 0:
        # i18n: %(time)s and %(amount)s are signed differences, e.g. "+2 hours", "+$50.00".
        change = ngettext("%(num)d entry approved since you opened this page: %(time)s, %(amount)s.",
                          "%(num)d entries approved since you opened this page: %(time)s, %(amount)s.",
                          count, time=time, amount=money)
    elif count < 0:
        # i18n: %(time)s and %(amount)s are signed differences (negative here), e.g. "2 hours" with a minus sign.
        change = ngettext("%(num)d entry is no longer paid in this period since you opened this page (moved to "
                          "another period or withdrawn): %(time)s, %(amount)s.",
                          "%(num)d entries are no longer paid in this period since you opened this page (moved to "
                          "another period or withdrawn): %(time)s, %(amount)s.", -count, time=time, amount=money)
    elif minutes or cents:
        change = _("The approved entries of this period changed since you opened this page: %(time)s, %(amount)s.",
                   time=time, amount=money)
    else:
        change = _("The approved entries, names or employee IDs of this period changed since you opened this page; "
                   "the totals are the same.")
    if sheet.is_locked:  # exported meanwhile (another tab, another manager): the file is what it is
        return _("This period had already been exported, and its file is not the timesheet you checked. %(change)s "
                 "Check the timesheet below before giving the file to payroll.", change=change)
    return _("Nothing was exported: the timesheet is not the one you checked. %(change)s Check it below, then "
             "export again.", change=change)
