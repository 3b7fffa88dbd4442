"""Entries sent twice under two submission keys: Back, then Save.

Each web form carries a hidden one-time key, so a double click or a resend of the same page saves one entry
(:mod:`lms.hours.ledger`). Back, then Save again, is not a resend of the same page: the browser fetches the form again,
with a new key, and restores what was typed into it. The second save looked like another entry, so a manager's
correction of -3 hours, approved at once, was saved and paid twice.

So before a web form's entry is appended, :func:`check_repeat` looks for an entry identical to it, saved in the last
:data:`REPEAT_WINDOW` under another key, and refuses with :class:`PossibleRepeat`: the form is shown again, its
details kept, saying when the identical entry was saved and by whom, with a box to tick to save another one anyway
(two identical entries can be right: two home visits of the same length on one day). Rejected entries do not count
(they pay nothing). The API does not ask: its clients choose their keys, and a new key means a new entry.

Identical means the same person, organisation, kind, activity date, minutes, title, description, provider,
supervisor, corrected entry, module and competency areas (in any order): everything the forms ask for apart from an
evidence file.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from lms import db
from lms.accounts.models import User
from lms.db import utcnow
from lms.errors import ConflictError
from lms.hours.models import EntryStatus, HoursEntry
from lms.i18n import _, format_when

#: How long after saving an entry an identical one is asked about. Back can come long after the first save (a tab
#: left open over lunch); asking costs one tick.
REPEAT_WINDOW = timedelta(hours=24)

#: The columns that make two entries identical (competency areas are compared apart, in any order).
SAME = ("user_id", "org_id", "source", "activity_date", "minutes", "title", "description", "provider",
        "supervisor_name", "supervisor_title", "corrects_id", "module_id")


class PossibleRepeat(ConflictError):
    """An identical entry (``earlier``) was saved recently under another key; nothing was saved."""

    code = "possible_repeat"

    def __init__(self, message: str, earlier: HoursEntry) -> None:
        super().__init__(message, field="confirm_repeat", entry_id=earlier.id)
        self.earlier = earlier


def find_repeat(entry: HoursEntry) -> HoursEntry | None:
    """The latest entry identical to ``entry`` (not yet saved), saved in the last :data:`REPEAT_WINDOW` and not
    rejected or withdrawn, or None."""
    query = select(HoursEntry).where(
        *(getattr(HoursEntry, name).is_not_distinct_from(getattr(entry, name)) for name in SAME),
        HoursEntry.status.not_in((EntryStatus.REJECTED, EntryStatus.WITHDRAWN)),
        HoursEntry.created_at >= utcnow() - REPEAT_WINDOW,
    ).order_by(HoursEntry.id.desc())
    areas = set(entry.competency_areas or ())
    return next((row for row in db.session.scalars(query) if set(row.competency_areas or ()) == areas), None)


def check_repeat(entry: HoursEntry, actor: User) -> None:
    """Raise :class:`PossibleRepeat` if an entry identical to ``entry`` was saved recently (see the module
    docstring); ``actor`` is who is saving it now, to say "you" when it was them."""
    earlier = find_repeat(entry)
    if earlier is None:
        return
    when, status = format_when(earlier.created_at), earlier.status.title
    if earlier.created_by_id == actor.id:
        # i18n: "the box below" is "Yes, save another identical entry", shown under these words on the form.
        message = _("You saved an identical entry on %(when)s (%(status)s). If you went back and sent the form again, "
                    "it is already saved and there is nothing more to do. To save another one as well, tick the box "
                    "below and send the form again.", when=when, status=status)
    else:
        who = db.session.get(User, earlier.created_by_id) if earlier.created_by_id else None
        # i18n: "the box below" is "Yes, save another identical entry", shown under these words on the form.
        message = _("%(name)s saved an identical entry on %(when)s (%(status)s). If it is the one you mean, there is "
                    "nothing more to do. To save another one as well, tick the box below and send the form again.",
                    name=who.name if who else _("someone"), when=when, status=status)
    raise PossibleRepeat(message, earlier)
