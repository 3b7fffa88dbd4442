"""What every part of a data export shares: whose export it is (:class:`Person`), a file of it (:class:`Table`) and
the way cells are written: times in the person's time zone, dates and numbers as spreadsheets read them, words in
the person's language, other people by name only."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select

from lms import db
from lms.accounts.models import User
from lms.hours.export import Number
from lms.i18n import _

#: A cell: text (neutralised against spreadsheet formulas when written), a :class:`Number`, or empty.
Cell = str | None


@dataclass(frozen=True)
class Person:
    """Whose data is exported, and how they read it: ``locale`` for words, ``zone`` for times. ``verify_url(code)``
    is a certificate's public verification page and ``action_titles`` the audit log's words for each action (both
    made by the web layer, which knows its URLs and the log's titles)."""

    user: User
    locale: str
    zone: ZoneInfo
    verify_url: Callable[[str], str]
    action_titles: Mapping[str, Any] = field(default_factory=dict)

    @property
    def id(self) -> int:
        return self.user.id


@dataclass
class Table:
    """One CSV file of the export: its name in the zip, a header row of column titles (lazy strings, read in the
    person's language when written) and its rows."""

    name: str
    columns: tuple[Any, ...]
    #: A list, or rows read from the database while the file is written (:mod:`.activity`).
    rows: Iterable[list[Cell]] = ()

    def header(self) -> list[Cell]:
        return [str(title) for title in self.columns]


@dataclass
class Attachment:
    """A file copied into the zip as it is (an evidence upload, a certificate PDF): its path in the zip and the
    function that reads (or makes) its bytes, called only while the zip is written."""

    path: str
    read: Callable[[], bytes]


def moment(person: Person, value: datetime | None) -> Cell:
    """A moment as ``2026-07-04 11:30:05`` in the person's time zone (the README says which), which spreadsheets read
    as a date and time in every language."""
    return None if value is None else Number(value.astimezone(person.zone).strftime("%Y-%m-%d %H:%M:%S"))


def day(value: date | str | None) -> Cell:
    """A day as ``2026-07-04`` (as the payroll and checklist files write them)."""
    if value is None or value == "":
        return None
    return Number(value if isinstance(value, str) else value.isoformat())


def number(value: int | None) -> Cell:
    return None if value is None else Number(str(value))


def yes_no(value: bool | None) -> Cell:
    return None if value is None else _("Yes") if value else _("No")


def title_of(value: Any) -> Cell:
    """A workflow state or kind in words (its ``title``), or empty."""
    return None if value is None else str(value.title)


def names_of(ids: Iterable[int | None]) -> dict[int, str]:
    """User id → name, for the people named on the person's records (who approved their hours, recorded the end of
    their employment...): names only, never their addresses or anything else of theirs. One query."""
    wanted = sorted({user_id for user_id in ids if user_id is not None})
    if not wanted:
        return {}
    return dict(db.session.execute(select(User.id, User.name).where(User.id.in_(wanted))).all())
