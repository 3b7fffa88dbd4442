"""Reading participant reports exported by Zoom and Microsoft Teams, and sign-in sheets saved as CSV: pure
functions from the file's bytes to rows and line-numbered problems (applying them to a session is
:mod:`lms.live.report_import`).

The formats are described in docs/live-attendance.md. In short: the file may be UTF-8 (with or without a BOM),
UTF-16 (Teams) or Windows-1252; comma- or tab-separated; it may start with a summary section (Zoom "with meeting
data", Teams "1. Summary"). The participant table is found by its header row: a join column ("Join Time" or
"First Join"), a leave column ("Leave Time" or "Last Leave") and an email column ("User Email", "Email",
"Participant ID (UPN)"). When a Teams file has both "2. Participants" (first join / last leave) and
"3. In-Meeting Activities" (every join and leave), the activities table wins: it is the precise one.

Times without an offset are in the session's time zone, or in the zone a header names in parentheses, as the
roster's own download writes them ("Joined (America/Los_Angeles)", "Entrada (America/Los_Angeles)"), so that file can be
imported again; ISO 8601 times with an offset (or ``Z``) keep theirs. Dates are ISO (2026-12-06), year first with
slashes, month first (US exports: 12/06/2026) or day first (Spanish sheets: 06/12/2026, also with dots or dashes); a
date that reads both ways (day and month both 12 or less) takes the reading nearer the session.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from lms.i18n import _
from lms.live.times import NonexistentTime, wall_to_utc

#: Header names, compared without case and accents (:func:`_key`); Spanish ones for a sign-in sheet typed in Spanish
#: and for Zoom reports exported in Spanish.
JOIN = ("join time", "first join", "join time (utc)", "joined at", "joined", "join", "entrada", "hora de entrada")
LEAVE = ("leave time", "last leave", "leave time (utc)", "left at", "left", "leave", "salida", "hora de salida")
EMAIL = ("user email", "email", "e-mail", "email address", "attendee email", "participant id (upn)", "upn",
         "correo", "correo electronico", "correo electronico del usuario")
NAME = ("name (original name)", "name", "full name", "participant", "user name", "display name",
        "nombre (nombre original)", "nombre", "nombre completo")
DURATION = ("duration (minutes)", "duration (mins)", "duration(minutes)", "duracion (minutos)")
#: Separators a report may use: Excel saves CSV with ";" where the decimal mark is a comma (Spanish settings).
DELIMITERS = (",", "\t", ";")
#: Headers that only Zoom writes / only Teams writes; used to name the format in messages.
ZOOM_MARKS = {"name (original name)", "user email", "duration (minutes)"}
TEAMS_MARKS = {"first join", "last leave", "participant id (upn)", "full name", "in-meeting duration", "role"}
#: The roster's own download (lms.live.attendance_csv), in English or Spanish: one row per person, first join, last leave.
ROSTER_MARKS = {"credited minutes", "minutos acreditados"}

#: The clock after the date: 12-hour (with AM/PM) or 24-hour, with or without seconds.
_CLOCKS = ("%I:%M:%S %p", "%I:%M %p", "%H:%M:%S", "%H:%M")
#: Month first (Zoom and Teams in US English), then day first (a sheet typed with Spanish settings); year first.
MONTH_FIRST = tuple(f"%m/%d/{y} {c}" for y in ("%Y", "%y") for c in _CLOCKS)
DAY_FIRST = tuple(f"%d{sep}%m{sep}{y} {c}" for sep in "/.-" for y in ("%Y", "%y") for c in _CLOCKS)
YEAR_FIRST = tuple(f"%Y/%m/%d {c}" for c in _CLOCKS)
DATE_FORMATS = MONTH_FIRST + DAY_FIRST + YEAR_FIRST
#: A header's trailing "(zone)": the roster's download names the zone of its times so ("Joined (America/Lima)").
_ZONE_SUFFIX = re.compile(r"^(?P<name>.*?)\s*\((?P<zone>[^()]*)\)\s*$")
_ZONE_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_+-]*(?:/[A-Za-z0-9_+-]+)*$")
#: Spanish (and other) ways of writing AM/PM: "9:20 a. m.", "9:20 p.m.".
_MERIDIEM = re.compile(r"\b([ap])\.?\s?m\.?(?=\s|$)", re.IGNORECASE)
MAX_ROWS = 20_000


@dataclass(frozen=True)
class ReportRow:
    """One join/leave row of the report, times in UTC."""

    line: int
    email: str
    name: str
    joined_at: datetime
    left_at: datetime


@dataclass(frozen=True)
class RowProblem:
    line: int
    message: str
    name: str = ""
    email: str = ""


@dataclass
class ParsedReport:
    kind: str = ""  # "zoom", "teams" or "csv"
    rows: list[ReportRow] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)
    #: Rows that name nobody (no email): kept apart so the trainer can add those people by hand.
    no_email: list[RowProblem] = field(default_factory=list)
    error: str = ""  # the whole file was unreadable; nothing imported
    #: One row per person with their first join and last leave (the roster's own download, Teams' "First Join" /
    #: "Last Leave"): a row spans the gaps between someone's stretches, so it is not added to time already recorded.
    first_and_last_only: bool = False


def decode(data: bytes) -> str:
    """UTF-16 (Teams, with or without BOM), UTF-8 (with or without BOM), else Windows-1252."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace")
    if len(data) >= 4 and data[1:4:2] == b"\x00\x00" and data[0] != 0:
        return data.decode("utf-16-le", errors="replace")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _key(header: str) -> str:
    """A header as compared: lower case, spaces collapsed, accents dropped ("Correo electrónico" → "correo electronico")."""
    text = unicodedata.normalize("NFKD", header.replace("\ufeff", "").strip().strip('"').lower())
    return " ".join("".join(c for c in text if not unicodedata.combining(c)).split())


def _pick(header: list[str], names: tuple[str, ...]) -> int | None:
    for name in names:
        if name in header:
            return header.index(name)
    return None


@dataclass(frozen=True)
class _Columns:
    join: int
    leave: int
    email: int | None
    upn: int | None
    name: int | None
    duration: int | None
    precise: bool  # every join/leave, not first join/last leave
    #: The zones the join and leave headers name ("Joined (America/Lima)"), else None: the session's.
    join_zone: ZoneInfo | None = None
    leave_zone: ZoneInfo | None = None


def _header_zone(cell: str) -> tuple[str, ZoneInfo | None]:
    """A header cell as compared (:func:`_key`) without what ends it in parentheses, and the time zone named there if
    it is a real one ("Entrada (America/Los_Angeles)" → "entrada", that zone; "Salida (hora local)" → "salida",
    None: the session's zone). Only a join or leave header is read so; any other cell is returned as compared."""
    match = _ZONE_SUFFIX.match(cell.replace("\ufeff", "").strip().strip('"'))
    if not match or _key(match["name"]) not in JOIN + LEAVE:
        return _key(cell), None
    name = match["zone"].strip()
    try:
        zone = ZoneInfo(name) if _ZONE_NAME.match(name) else None
    except (ValueError, ZoneInfoNotFoundError):
        zone = None
    return _key(match["name"]), zone


def _columns(cells: list[str]) -> _Columns | None:
    zoned = [_header_zone(c) for c in cells]
    header = [name for name, _zone in zoned]
    join, leave = _pick(header, JOIN), _pick(header, LEAVE)
    emails = [i for i, h in enumerate(header) if h in EMAIL]
    if join is None or leave is None or not emails:
        return None
    upn = header.index("participant id (upn)") if "participant id (upn)" in header else None
    email = next((i for i in emails if i != upn), None)
    return _Columns(join, leave, email, upn, _pick(header, NAME), _pick(header, DURATION),
                    precise=header[join] != "first join",
                    join_zone=zoned[join][1], leave_zone=zoned[leave][1])


def _kind(cells: list[str]) -> str:
    header = {_key(c) for c in cells}
    if header & ZOOM_MARKS:
        return "zoom"
    if header & TEAMS_MARKS:
        return "teams"
    return "csv"


def _delimiters(text: str) -> list[str]:
    """Comma, tab and semicolon, the most frequent in the first lines first (ties: in that order)."""
    sample = "\n".join(text.splitlines()[:40])
    return sorted(DELIMITERS, key=lambda d: -sample.count(d))


def _tables(text: str) -> list[tuple[list[str], list[tuple[int, list[str]]]]]:
    """Every table of the file, read with the first separator (most frequent first) that finds a header row: a
    semicolon file may hold commas in its names and times, a comma file semicolons."""
    for delimiter in _delimiters(text):
        tables = _tables_with(text, delimiter)
        if tables:
            return tables
    return []


def _tables_with(text: str, delimiter: str) -> list[tuple[list[str], list[tuple[int, list[str]]]]]:
    """Every (header, rows) table in the file; a table ends at a blank row or a section title."""
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    tables: list[tuple[list[str], list[tuple[int, list[str]]]]] = []
    current: list[tuple[int, list[str]]] | None = None
    for cells in reader:
        filled = [c for c in cells if c.strip()]
        if _columns(cells) is not None:
            current = []
            tables.append((cells, current))
        elif len(filled) <= 1 and current is not None and (not filled or re.match(r"^\d+\.\s", filled[0])):
            current = None
        elif current is not None:
            current.append((reader.line_num, cells))
    return tables


def _readings(text: str) -> list[datetime]:
    """Every reading of a date and time as written: one, or two for a date such as 06/12/2026 (month first and day
    first); none if unreadable."""
    try:
        return [datetime.fromisoformat(text)]
    except ValueError:
        pass
    text = _MERIDIEM.sub(lambda m: m[1].upper() + "M", text).upper()
    found: list[datetime] = []
    for formats in (MONTH_FIRST, DAY_FIRST, YEAR_FIRST):
        for fmt in formats:
            try:
                parsed = datetime.strptime(text, fmt)
            except ValueError:
                continue
            if parsed not in found:
                found.append(parsed)
            break
    return found


def _distance(value: datetime, near: tuple[datetime, datetime]) -> timedelta:
    """How far the wall-clock time ``value`` is from the window ``near`` (naive, the same zone); zero inside it."""
    start, end = near
    return max(start - value, value - end, timedelta(0))


def parse_time(value: str, zone: ZoneInfo, after: datetime | None = None,
               near: tuple[datetime, datetime] | None = None) -> datetime | None:
    """A report time in UTC: ISO 8601 (offset kept), or a date month first (US), day first or year first with a 12-
    or 24-hour clock, in ``zone`` (a time the clocks show twice is the first, unless it is before ``after``:
    :func:`lms.live.times.wall_to_utc`). A date that reads both month first and day first takes the reading nearer the
    window ``near`` (UTC: the session), month first without one. None if unreadable; :class:`NonexistentTime`
    (carrying ``value`` as written) for a time the clocks skip."""
    text = " ".join(value.replace("\u202f", " ").replace("\u00a0", " ").replace(",", " ").split())
    if not text:
        return None
    readings = _readings(text)
    if not readings:
        return None
    parsed = readings[0]
    if len(readings) > 1 and near is not None:
        local = (near[0].astimezone(zone).replace(tzinfo=None), near[1].astimezone(zone).replace(tzinfo=None))
        parsed = min(readings, key=lambda reading: _distance(reading, local))  # a tie: the first (month first)
    if parsed.tzinfo is None:
        try:
            return wall_to_utc(parsed, zone, after)
        except NonexistentTime:
            raise NonexistentTime(value.strip()) from None
    return parsed.astimezone(UTC)


def parse_report(text: str, timezone: str, near: tuple[datetime, datetime] | None = None) -> ParsedReport:
    """Every usable row and every problem (line-numbered) of a participant report; ``near`` (the session's start and
    end, UTC) settles dates that read both month first and day first (:func:`parse_time`)."""
    try:
        tables = _tables(text)
    except csv.Error:
        tables = []
    if not tables:
        return ParsedReport(error=_(
            "This does not look like a Zoom or Teams participant report or a sign-in sheet: no header row with a join "
            "time, a leave time and an email column was found. Accepted: the reports of Zoom and Teams as exported, "
            "or a CSV file (separated by commas, semicolons or tabs) with columns such as “Join Time”, “Leave Time” "
            "and “Email”, or in Spanish “Entrada”, “Salida” and “Correo”."))
    header, rows = max(tables, key=lambda t: (_columns(t[0]).precise, len(t[1])))  # type: ignore[union-attr]
    columns = _columns(header)
    assert columns is not None
    report = ParsedReport(kind=_kind(header), first_and_last_only=not columns.precise or bool(
        {_key(cell) for cell in header} & ROSTER_MARKS))
    if len(rows) > MAX_ROWS:
        report.error = _("The report has more than %(num)d rows. Split it and import the parts.", num=MAX_ROWS)
        return report
    zone = ZoneInfo(timezone)
    for line, cells in rows:
        _parse_row(report, line, cells, columns, zone, near)
    return report


def _cell(cells: list[str], index: int | None) -> str:
    if index is None or index >= len(cells):
        return ""
    return cells[index].strip()


def _parse_row(report: ParsedReport, line: int, cells: list[str], columns: _Columns, zone: ZoneInfo,
               near: tuple[datetime, datetime] | None) -> None:
    name = _cell(cells, columns.name)
    email = _cell(cells, columns.email)
    if "@" not in email and "@" in _cell(cells, columns.upn):
        email = _cell(cells, columns.upn)
    email = email.lower()
    try:
        joined = parse_time(_cell(cells, columns.join), columns.join_zone or zone, near=near)
        left = parse_time(_cell(cells, columns.leave), columns.leave_zone or zone, after=joined, near=near)
    except NonexistentTime as exc:  # typed by hand, or the report of another zone: not shifted by an hour
        report.problems.append(RowProblem(line, _(
            "The time %(value)s does not exist in the session's time zone (the clocks skip that hour that night).",
            value=repr(str(exc))), name, email))
        return
    if left is None and joined is not None and _cell(cells, columns.duration).isdigit():
        left = joined + timedelta(minutes=int(_cell(cells, columns.duration)))
    problem = _row_problem(joined, left, cells, columns)
    if problem:
        report.problems.append(RowProblem(line, problem, name, email))
    elif "@" not in email:
        report.no_email.append(RowProblem(line, _("No email address: match this person by hand."), name, email))
    else:
        assert joined is not None and left is not None
        report.rows.append(ReportRow(line, email, name, joined, left))


def _row_problem(joined: datetime | None, left: datetime | None, cells: list[str], columns: _Columns) -> str:
    if joined is None:
        return _("The join time %(value)s is not a date and time we can read.",
                 value=repr(_cell(cells, columns.join)))
    if left is None:
        return _("The leave time %(value)s is not a date and time we can read.",
                 value=repr(_cell(cells, columns.leave)))
    if left < joined:
        return _("The leave time is before the join time.")
    return ""
