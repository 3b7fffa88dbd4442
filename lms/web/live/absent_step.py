"""The roster's question when a save of statuses newly marks someone "Absent" who has credited time: set that time
aside too, or keep it counted (:mod:`lms.live.absent_time`). No JavaScript: the roster comes back with the statuses
as chosen and, per person, a choice (``absent_time-<user id>``: ``set_aside``, the one ticked at first, or ``keep``);
"Save statuses" sent again with the choices saves both. An error summary at the top asks and links to each choice.
"""

from __future__ import annotations

from flask import flash, request

from lms.accounts.models import User
from lms.i18n import format_minutes, ngettext
from lms.live.absent_time import AbsentWithTime

SET_ASIDE, KEEP = "set_aside", "keep"


def choice_of(person: AbsentWithTime) -> str | None:
    """What the roster as sent chose for ``person`` (None: not asked yet)."""
    value = request.form.get(f"absent_time-{person.user.id}")
    return value if value in (SET_ASIDE, KEEP) else None


def is_undecided(absent: list[AbsentWithTime]) -> bool:
    return any(choice_of(person) is None for person in absent)


def to_set_aside(absent: list[AbsentWithTime]) -> list[User]:
    return [person.user for person in absent if choice_of(person) == SET_ASIDE]


def tell_set_aside(absent: list[AbsentWithTime]) -> None:
    """Flash whose time was set aside with their new status (the warning for time kept counted is the roster's own)."""
    people = [person for person in absent if choice_of(person) == SET_ASIDE]
    if not people:
        return
    # i18n: after saving the roster; %(people)s lists names with the time set aside, e.g. "María Sánchez (1 hour)".
    flash(ngettext("Marked absent and their time set aside: %(people)s. It no longer counts as training hours.",
                   "Marked absent and their time set aside: %(people)s. It no longer counts as training hours.",
                   len(people),
                   people=", ".join(f"{person.user.name} ({format_minutes(person.minutes)})" for person in people)),
          "success")
