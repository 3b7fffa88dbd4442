"""The approval queue's filters, read from its address (or from the bulk form, which sends them back).

A date that is not one is left out of the filters, and the page says so (:mod:`lms.web.hours.day_args`), above and
beside its box, which keeps what was typed (``ReadFilters.bad_days``); a "From"
after "To" matches nothing, and the page says that rather than "Nothing matches these filters", above and beside the
"To" box (``ReadFilters.range_problem``). Either way the page answers 200, as the other hours pages do with a date in
their address that they cannot use.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from werkzeug.datastructures import MultiDict

from lms.hours.models import EntrySource, EntryStatus
from lms.hours.review_queue import QueueFilters
from lms.i18n import _, format_when
from lms.web.hours.day_args import day_arg
from lms.web.hours.ledger import small_int

FILTER_ARGS = ("person", "from", "to", "source", "status", "measured")


@dataclass(frozen=True)
class ReadFilters:
    """The filters, and what the page says about the ones it could not use."""

    filters: QueueFilters
    notes: list[str] = field(default_factory=list)
    #: The date filters given that are not dates, by name ("from", "to"): why, to show beside the box.
    bad_days: dict[str, str] = field(default_factory=dict)
    #: "From" is after "To": why nothing can match, to show beside the "To" box (None: the range is fine).
    range_problem: str | None = None

    @property
    def is_reversed(self) -> bool:
        return self.range_problem is not None


def read_filters(args: MultiDict) -> ReadFilters:
    """Filters from the query string (or the bulk form): an unknown person, source or status is ignored; a date
    that is not one is ignored with a note saying why."""
    status = args.get("status", "pending")
    notes: list[str] = []
    days, bad_days = {}, {}
    for name, label in (("from", _("From")), ("to", _("To"))):
        days[name], problem = day_arg(name, args)
        if problem:
            bad_days[name] = problem
            # i18n: %(field)s is the name of a date filter of the queue ("From", "To"); %(problem)s says what is wrong.
            notes.append(_("%(field)s: %(problem)s This filter was left out.", field=label, problem=problem))
    start, end = days["from"], days["to"]
    range_problem = None
    if start is not None and end is not None and start > end:
        # i18n: beside the "To" date filter of the queue when it is earlier than the "From" date.
        range_problem = _("This date is before “From”, so no entry can match.")
        notes.append(_("“From” (%(start)s) is after “To” (%(end)s), so no entry can match. Swap the two dates to see "
                       "the entries between them.", start=format_when(start, "long"), end=format_when(end, "long")))
    filters = QueueFilters(
        user_id=small_int(args.get("person")), start=start, end=end,
        source=EntrySource(args["source"]) if args.get("source") in {s.value for s in EntrySource} else None,
        status=EntryStatus(status) if status in {s.value for s in EntryStatus} else None,
        low_measured=args.get("measured") == "low",
    )
    return ReadFilters(filters, notes, bad_days, range_problem)


def filter_args(args: MultiDict) -> dict[str, str]:
    """The filters as given, to keep them in links and forms."""
    return {key: args[key] for key in FILTER_ARGS if args.get(key)}
