"""Writing a data export: one zip file with README.txt in the person's language, a CSV file per table and the
attached files (evidence uploads, certificate PDFs).

The CSV files are written as every CSV of the LMS is (:func:`lms.hours.export.write_csv`): UTF-8 with a byte-order
mark (spreadsheet programs then read accents right), CRLF line ends, and every text cell that a spreadsheet would run
as a formula (starting with ``=`` ``+`` ``-`` ``@``, a tab or a carriage return) written with a leading apostrophe.
Numbers, dates and times are written as they are. Rows are written a few hundred at a time, and the zip goes to a
temporary file that stays in memory only while it is small, so a long history costs disk, not memory."""

from __future__ import annotations

import tempfile
import zipfile
from codecs import BOM_UTF8
from collections.abc import Iterable, Iterator
from datetime import datetime
from itertools import islice
from typing import IO

from flask import render_template

from lms.accounts.data_export.tables import Attachment, Cell, Person, Table
from lms.hours.export import write_csv

#: Rows written to the zip at a time.
BATCH = 500
#: Past this size the zip moves from memory to a temporary file on disk.
IN_MEMORY = 8 * 1024 * 1024
README = "README.txt"


def write_zip(person: Person, tables: list[Table], attachments: list[Attachment], now: datetime) -> IO[bytes]:
    """The zip as a file positioned at its start, for the caller to send and close."""
    out = tempfile.SpooledTemporaryFile(max_size=IN_MEMORY)  # noqa: SIM115 (the response closes it)
    stamp = now.astimezone(person.zone).timetuple()[:6]
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(_entry(README, stamp), readme(person, attachments, now).encode("utf-8"))
        for table in tables:
            with archive.open(_entry(f"{table.name}.csv", stamp), "w") as csv_file:
                csv_file.write(BOM_UTF8)
                for rows in _batches([table.header()], table.rows):
                    csv_file.write(write_csv(rows))
        for attachment in attachments:
            archive.writestr(_entry(attachment.path, stamp), attachment.read())
    out.seek(0)
    return out


def _entry(name: str, stamp: tuple[int, ...]) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=stamp)  # type: ignore[arg-type]
    info.compress_type = zipfile.ZIP_DEFLATED
    return info


def _batches(first: list[list[Cell]], rows: Iterable[list[Cell]]) -> Iterator[list[list[Cell]]]:
    """``first`` (the header row), then the rows, :data:`BATCH` at a time."""
    yield first
    rows = iter(rows)
    while batch := list(islice(rows, BATCH)):
        yield batch


def readme(person: Person, attachments: list[Attachment], now: datetime) -> str:
    """README.txt: what each file holds, in the person's language (the caller sets it), with CRLF line ends as the
    CSV files have, so that Notepad shows its lines too."""
    folders = {attachment.path.split("/", 1)[0] for attachment in attachments}
    text = render_template("lms/accounts/data_export/README.txt", user=person.user, zone=person.zone.key, now=now,
                           folders=folders)
    return "\r\n".join(text.strip().splitlines()) + "\r\n"
