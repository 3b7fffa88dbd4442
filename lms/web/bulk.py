"""Bulk forms: one form that acts on several records listed on a page, each with its own checkbox (the approval
queue, staff enrolment).

Why these forms need care: after such a form is sent, Back shows its page again. Fetched afresh, the page lists other
records (the ones just approved have left the list, the rest moved up), and browsers restore the form's earlier
state onto the new page: controls are matched by name and, among controls of the same name, by position. When every
checkbox had the same name, the ticks of rows 1 and 2 came back on whatever rows 1 and 2 now were, and sending the
form again approved two entries nobody had ticked. Three things stop that, each on its own:

1. The form has ``autocomplete="off"``: Chromium, Firefox and Safari then neither save nor restore its controls.
2. Each checkbox is named after its record (:func:`tick_name`): were a browser (or an extension) to restore ticks
   anyway, a tick could only come back on the record it was made on, never on the row that moved into its place.
3. The form carries the ids of the rows it listed (:data:`LISTED`, :func:`listed_value`), and :func:`read_ticks`
   refuses a form with a tick on a record it did not list, or with no list at all (a page from before this rule,
   a script): nothing is done and the page is shown afresh. This catches a form whose rows and ticks do not belong
   together; it cannot tell a restored tick on a listed row from a real one, which is what 1 and 2 are for.

Pages with such forms are also sent with ``Cache-Control: no-store`` (:func:`no_store`), so Back shows the records as
they are now rather than a stored copy.

The list is not signed: it guards a manager against their browser, not against themselves (they may decide any
record the list could name, one by one).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from flask import make_response
from werkzeug.datastructures import MultiDict

#: The hidden field with the ids of the records the page listed, separated by spaces.
LISTED = "listed"
#: More ids than any page lists are not read.
MOST = 1000


def tick_name(prefix: str, record_id: int) -> str:
    """The name of a record's checkbox: its own name, so browsers can only restore a tick on that record."""
    return f"{prefix}-{record_id}"


def listed_value(ids: Iterable[int]) -> str:
    """The value of the hidden :data:`LISTED` field for the records a page lists with a checkbox."""
    return " ".join(str(i) for i in ids)


@dataclass(frozen=True)
class Ticks:
    """What a bulk form sent: the ids ticked (in page order), and whether the form may be acted on at all."""

    ticked: list[int]
    #: False when a tick is on a record the form did not list (or the form lists none): act on nothing.
    is_consistent: bool


def read_ticks(form: MultiDict, prefix: str) -> Ticks:
    """The ids ticked on a bulk form (checkboxes named :func:`tick_name` ``(prefix, id)``), checked against the
    :data:`LISTED` field (see the module docstring). A tick whose name holds no id is not one the page listed."""
    listed = set(_ids(form.get(LISTED, "").split())) if LISTED in form else None
    start = f"{prefix}-"
    names = [key[len(start):] for key in form if key.startswith(start)]
    ticked = _ids(names)
    return Ticks(ticked, not names or (listed is not None and len(ticked) == len(names) and set(ticked) <= listed))


def listed_ids(form: MultiDict) -> list[int]:
    """The ids in the form's :data:`LISTED` field (none when it has none): for a button acting on every row the page
    listed ("Approve all N listed"), never on rows it did not show."""
    return _ids(form.get(LISTED, "").split())


def _ids(values: Iterable[str]) -> list[int]:
    ids = []
    for value in values:
        if value.isascii() and value.isdigit() and len(value) <= 10 and 0 < int(value) < 2**31:
            ids.append(int(value))
        if len(ids) >= MOST:
            break
    return ids


def no_store(view: Callable[..., Any]) -> Callable[..., Any]:
    """Send the view's page with ``Cache-Control: no-store``: Back fetches it again, as it is now."""

    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        response = make_response(view(*args, **kwargs))
        response.headers["Cache-Control"] = "no-store"
        return response

    return wrapper
