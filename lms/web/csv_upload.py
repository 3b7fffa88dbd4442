"""A form validator for CSV uploads that recognises a spreadsheet workbook (by its name or its first bytes) and says
how to save it as CSV, instead of only "Upload a .csv file." (managers often pick the .xlsx they keep the roster in)."""

from __future__ import annotations

from typing import Any

from werkzeug.datastructures import FileStorage
from wtforms.validators import StopValidation

from lms.i18n import _, _l

#: Names of workbook files (Excel, and LibreOffice's own) rather than CSV text.
WORKBOOK_EXTENSIONS = frozenset({"xlsx", "xlsm", "xlsb", "xls", "ods"})
#: First bytes of a workbook: a ZIP archive (xlsx, xlsm, ods) or an OLE2 compound file (xls).
WORKBOOK_SIGNATURES = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")


def looks_like_workbook(upload: FileStorage) -> bool:
    """Whether ``upload`` is a spreadsheet workbook by its file name or its first bytes (the stream is rewound)."""
    extension = (upload.filename or "").rpartition(".")[2].lower() if "." in (upload.filename or "") else ""
    head = upload.stream.read(8)
    upload.stream.seek(0)
    return extension in WORKBOOK_EXTENSIONS or head.startswith(WORKBOOK_SIGNATURES)


class CsvFile:
    """Accept a file named ``.csv`` (or one of ``extensions``); explain how to save a workbook as CSV."""

    def __init__(self, extensions: tuple[str, ...] = ("csv", "txt"), message: Any = None) -> None:
        self.extensions = extensions
        self.message = message or _l("Upload a .csv file.")

    def __call__(self, form: Any, field: Any) -> None:
        upload = field.data
        if not isinstance(upload, FileStorage) or not upload:
            return
        if looks_like_workbook(upload):
            raise StopValidation(_("Upload a .csv file. This file looks like an Excel workbook: save it as CSV "
                                   "first (in Excel: File › Save As › CSV UTF-8 (Comma delimited)), then choose the "
                                   "new .csv file."))
        name = upload.filename or ""
        if "." not in name or name.rpartition(".")[2].lower() not in self.extensions:
            raise StopValidation(str(self.message))
