"""The columns of a roster CSV file (:mod:`lms.orgs.roster_file`): what each may be named, what the header line says,
and the words the role and type cells may hold.

A column may be named by its code (``employee_id``), in Spanish (:data:`SPANISH_COLUMNS`), or by the label the
add-member form gives it (``labels``, read from the form by the web layer, in every language the site offers:
"Full name", "Employment start date"). Names are compared folded (:func:`fold`): case, accents and runs of spaces,
hyphens or underscores aside. Problems name the columns as the file heads them.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass

from lms.i18n import _, in_language, supported_locales

REQUIRED = ("email", "name")
KNOWN = (*REQUIRED, "employee_id", "job_title", "employment_start", "employment_type", "role")
#: Other names a column may have, as Spanish spreadsheets head them (the invitation form's labels in Spanish among
#: them); compared as header names are (case, accents, spaces and hyphens aside).
SPANISH_COLUMNS = {
    "email": ("correo", "correo electrónico"),
    "name": ("nombre", "nombre completo"),
    "employee_id": ("número de empleado", "id de empleado"),
    "job_title": ("puesto", "cargo"),
    "employment_start": ("fecha de inicio", "fecha de inicio del empleo"),
    "employment_type": ("tipo de empleo",),
    "role": ("rol", "rol en la organización"),
}
SEPARATORS = (",", ";", "\t")
#: The first line Excel writes (and hides) to say which separator the file uses: ``sep=;`` (quoted or not).
SEPARATOR_LINE = re.compile(r'^"?sep=(.)"?[ \t]*(\r\n|\r|\n|$)', re.IGNORECASE)
#: A word and its feminine ending as Spanish labels write both ("Empleado(a)", "Voluntario/a").
GENDERED = re.compile(r"(\w+)o(?:\(a\)|/a)")


@dataclass
class Header:
    """The header line: the column each cell names (its code, or the folded name of an unknown one), and each
    column as the file names it."""

    columns: list[str]
    typed: dict[str, str]

    def named(self, column: str) -> str:
        return self.typed.get(column, column)


def fold(text: str) -> str:
    """``text`` compared as a header or a label is: accents, case and runs of spaces, hyphens or underscores aside."""
    plain = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return "_".join(plain.casefold().replace("-", " ").replace("_", " ").split())


def split_separator_line(text: str) -> tuple[str, str]:
    """The file without Excel's ``sep=`` line, and its separator: the one that line names, or else the one of commas,
    semicolons and tabs the header line has most of (commas on a tie)."""
    found = SEPARATOR_LINE.match(text)
    if found is not None:
        return text[found.end():], found.group(1)
    header = text.split("\n", 1)[0]
    return text, max(SEPARATORS, key=header.count)


def read_header(cells: list[str], labels: Mapping[str, object] | None = None) -> Header | str:
    """The columns the header line names, or the translated problem of a line that lacks a required column, names
    an unknown one or names one twice (naming them as the line does)."""
    aliases = column_aliases(labels or {})
    columns = [aliases.get(fold(cell), fold(cell)) for cell in cells]
    typed: dict[str, str] = {}
    for column, cell in zip(columns, cells, strict=True):
        typed.setdefault(column, cell.strip())
    header = Header(columns, typed)
    missing = [column for column in REQUIRED if column not in columns]
    if missing:
        # named as the template heads them: the file has no name for them
        return _("Line 1: missing column(s): %(columns)s.", columns=", ".join(missing))
    unknown = [cell.strip() for column, cell in zip(columns, cells, strict=True) if column and column not in KNOWN]
    if unknown:
        return _("Line 1: unknown column(s): %(columns)s.", columns=", ".join(unknown))
    twice = [column for column in KNOWN if columns.count(column) > 1]
    if twice:  # e.g. "email" and "correo": which one to read cannot be guessed
        groups = (" / ".join(cell.strip() for c, cell in zip(columns, cells, strict=True) if c == column)
                  for column in twice)
        return _("Line 1: column(s) named twice (in English and in Spanish, say): %(columns)s.", columns=", ".join(groups))
    return header


def column_aliases(labels: Mapping[str, object]) -> dict[str, str]:
    """Each other name of a column (folded) to the column: its Spanish names, and its label on the add-member form
    (``labels``, lazily translated) in every language the site offers."""
    found = {fold(alias): column for column, aliases in SPANISH_COLUMNS.items() for alias in aliases}
    for locale in supported_locales():
        with in_language(locale):
            for column, label in labels.items():
                found.setdefault(fold(str(label)), column)
    return found


def value_labels(cls) -> dict[str, object]:
    """Each member of ``cls`` by its code and by its title in every language the site offers (folded), a title that
    writes both genders ("Empleado(a)") also by each of them ("Empleado", "Empleada")."""
    found = {fold(member.value): member for member in cls}
    for locale in supported_locales():
        with in_language(locale):
            for member in cls:
                for word in _forms(str(member.title)):
                    found.setdefault(fold(word), member)
    return found


def _forms(title: str) -> list[str]:
    """``title`` and, when it writes both genders of a word, each of them."""
    if not GENDERED.search(title):
        return [title]
    return [title, GENDERED.sub(r"\1o", title), GENDERED.sub(r"\1a", title)]
