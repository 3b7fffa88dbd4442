"""Checking the keys of one YAML mapping: each mistake becomes a problem at its line, each good value comes back clean."""

from __future__ import annotations

import enum
import re
from collections.abc import Callable, Collection, Iterable
from pathlib import Path
from typing import Any, TypeVar

from lms.catalog.slugs import SLUG_RE
from lms.catalog.texts import has_visible_text
from lms.content.limits import LOCALE_MAX
from lms.content.loader import LineDict, LineList, Problems

LOCALE_RE = re.compile(r"^[a-z]{2,3}(?:[_-][A-Za-z0-9]{2,8})*$")
E = TypeVar("E", bound=enum.Enum)
MISSING: Any = object()
INVISIBLE = "it holds only invisible characters (such as zero-width spaces or direction marks)"


def is_slug(value: str) -> bool:
    return bool(SLUG_RE.match(value))


def is_locale(value: str) -> bool:
    """A language code (``en``, ``es``, ``zh-Hant``) no longer than the catalog stores (:data:`LOCALE_MAX`)."""
    return len(value) <= LOCALE_MAX and bool(LOCALE_RE.match(value))


def too_long(name: str, value: str, limit: int) -> str:
    """The problem of a value over its limit: the field and the limit, not the value (which may be long)."""
    return f"{name} is longer than {limit} characters (it has {len(value)})"


class Fields:
    """The keys of one mapping (``data``) in one file; ``what`` names it in messages (``course.yaml``, ``option 'b'``)."""

    def __init__(self, data: LineDict, path: Path, problems: Problems, what: str) -> None:
        self.data, self.path, self.problems, self.what = data, path, problems, what

    def error(self, key: str | None, message: str) -> None:
        self.problems.add(self.path, self.data.line_of(key) if key else self.data.line, message)

    def check_keys(self, allowed: Iterable[str], required: Iterable[str] = ()) -> None:
        allowed = list(allowed)
        for key in self.data:
            if key not in allowed:
                self.problems.add(self.path, self.data.key_line(key),
                                  f"unknown key {key!r} in {self.what} (expected one of: {', '.join(allowed)})")
        for key in required:
            if key not in self.data:
                self.error(None, f"{self.what} needs {key!r}")

    def get(self, key: str) -> Any:
        return self.data.get(key, MISSING)

    def text(self, key: str, *, required: bool = False, max_length: int = 0, name: str = "") -> str | None:
        """A string (numbers are taken as written); None when absent or empty, and a text of spaces and invisible
        characters (zero-width, bidi: :func:`lms.catalog.texts.has_visible_text`) is empty. ``max_length``: refused
        when longer (``name`` names it then: ``'title' in es``; else the key)."""
        value = self.get(key)
        if value is MISSING or value is None or value == "":
            if required and value is not MISSING:
                self.error(key, f"{key!r} is empty")
            return None
        if isinstance(value, bool) or not isinstance(value, str | int):
            self.error(key, f"{key!r} must be text" + (" (put it in quotes)" if isinstance(value, bool | float) else ""))
            return None
        value = str(value).strip()
        if not has_visible_text(value):
            if required:
                self.error(key, f"{key!r} is empty" + (f": {INVISIBLE}" if value else ""))
            return None
        if max_length and len(value) > max_length:
            self.error(key, too_long(name or repr(key), value, max_length))
            return None
        return value

    def slug(self, key: str, *, what: str = "", max_length: int = 0) -> str | None:
        """An identifier: lowercase letters, digits and hyphens, at most ``max_length`` of them if given (the column's
        length: :data:`lms.content.limits.SLUG_MAX`). A YAML boolean (``true``) must be quoted."""
        value = self.get(key)
        if value is MISSING:
            return None
        if isinstance(value, bool):
            word = "true" if value else "false"
            self.error(key, f"{key!r} is the YAML boolean {word}, not text: put it in quotes ({key}: \"{word}\")")
            return None
        if max_length and isinstance(value, str | int) and len(str(value)) > max_length:
            self.error(key, too_long(what or repr(key), str(value), max_length))
            return None
        if not isinstance(value, str | int) or not is_slug(str(value)):
            self.error(key, f"{what or key!r} {value!r} is not valid: use lowercase letters, digits and hyphens")
            return None
        return str(value)

    def locale(self, key: str) -> str | None:
        value = self.get(key)
        if value is MISSING:
            return None
        if isinstance(value, str) and len(value) > LOCALE_MAX:
            self.error(key, too_long(repr(key), value, LOCALE_MAX))
            return None
        if not isinstance(value, str) or not is_locale(value):
            self.error(key, f"{key!r} must be a language code such as en, es or vi, not {value!r}")
            return None
        return value

    def integer(self, key: str, *, low: int, high: int) -> int | None:
        """A whole number in [low, high]; None when absent or empty."""
        value = self.get(key)
        if value is MISSING or value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            self.error(key, f"{key!r} must be a whole number from {low} to {high}, not {value!r}")
            return None
        return value

    def boolean(self, key: str, default: bool) -> bool:
        value = self.get(key)
        if value is MISSING or value is None:
            return default
        if not isinstance(value, bool):
            self.error(key, f"{key!r} must be true or false, not {value!r}")
            return default
        return value

    def choice(self, key: str, enum_type: type[E]) -> E | None:
        value = self.get(key)
        if value is MISSING or value is None:
            return None
        choices = [member.value for member in enum_type]
        if value not in choices:
            self.error(key, f"{key!r} must be one of {', '.join(choices)}, not {value!r}")
            return None
        return enum_type(value)

    def mapping(self, key: str) -> LineDict | None:
        value = self.get(key)
        if value is MISSING or value is None:
            return None
        if not isinstance(value, LineDict):
            self.error(key, f"{key!r} must be a set of 'key: value' lines")
            return None
        return value

    def sequence(self, key: str) -> LineList | None:
        value = self.get(key)
        if value is MISSING or value is None:
            return None
        if not isinstance(value, LineList):
            self.error(key, f"{key!r} must be a list")
            return None
        return value

    def slug_list(self, key: str, *, allowed: Collection[str] | None = None, kind: str = "slug",
                  clean: Callable[[str], str] | None = None, max_length: int = 0) -> list[str]:
        """A list of distinct slugs (from ``allowed`` if given; each at most ``max_length`` long if given). With
        ``clean`` (e.g. specialties: :func:`lms.catalog.areas.specialty_slug`), each item is stored as ``clean``
        makes it, and is valid when something is left."""
        items = self.sequence(key)
        result: list[str] = []
        for index, item in enumerate(items or []):
            line = items.line_of(index)
            value = "" if isinstance(item, bool) or not isinstance(item, str | int) else str(item)
            if max_length and len(value) > max_length:
                self.problems.add(self.path, line, too_long(f"a {kind} in {key!r}", value, max_length))
                continue
            value = clean(value) if clean is not None else value if is_slug(value) else ""
            if not value:
                self.problems.add(self.path, line, f"{item!r} in {key!r} is not a valid {kind}")
            elif allowed is not None and value not in allowed:
                self.problems.add(self.path, line, f"unknown {kind} {item!r} in {key!r} (known: {', '.join(allowed)})")
            elif value in result:
                self.problems.add(self.path, line, f"{item!r} is listed twice in {key!r}")
            else:
                result.append(value)
        return result

    def localized(self, key: str, source: str | None, *, required: bool = False, max_length: int = 0) -> dict[str, str]:
        """Per-language texts (``title: {en: ..., es: ...}``); with ``required``, the source language must be there;
        each at most ``max_length`` characters if given (:func:`lms.content.limits.text_max`)."""
        value = self.get(key)
        if isinstance(value, str) and value.strip():
            self.error(key, f"{key!r} is given per language, e.g. '{key}:' then '  {source or 'en'}: {value[:30]}'")
            return {}
        texts: dict[str, str] = {}
        mapping = self.mapping(key)
        if mapping is not None:
            inner = Fields(mapping, self.path, self.problems, key)
            for locale in mapping:
                if len(locale) > LOCALE_MAX:
                    self.problems.add(self.path, mapping.key_line(locale),
                                      too_long(f"a language code in {key!r}", locale, LOCALE_MAX))
                    continue
                if not is_locale(locale):
                    self.problems.add(self.path, mapping.key_line(locale), f"{locale!r} in {key!r} is not a language code")
                    continue
                text = inner.text(locale, max_length=max_length, name=f"{key!r} in {locale}")
                if text:
                    texts[locale] = text
        if required and source and source not in texts and (mapping is not None or value is None):
            written = mapping.get(source) if mapping is not None else None
            if isinstance(written, str) and has_visible_text(written):
                return texts  # written, and refused already (too long)
            hidden = isinstance(written, str) and written.strip() != ""  # written, but nothing visible
            self.error(key, f"{key!r} needs a text in {source} (the source language)" + (f": {INVISIBLE}" if hidden else ""))
        return texts
