"""Paging of the API's hours lists: ``limit`` and an opaque keyset ``cursor`` (``offset`` for older clients).

A cursor is the sort key of the last row of a page, ``(activity_date, id)``, as base64url JSON. Its contents are no
contract: clients pass back the ``next_cursor`` they were given. It grants nothing (the list's own filters and
scoping still apply), so it need not be signed. Unlike ``offset``, a cursor neither skips rows when earlier ones
leave the list (approving pending entries while paging them) nor repeats one when a row is added before it.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from datetime import date
from typing import Any

from flask import request

from lms.api.dates import strict_date
from lms.api.query_args import InvalidParameter
from lms.errors import DomainError
from lms.i18n import _

MAX_LIMIT = 500
DEFAULT_LIMIT = 100
MAX_OFFSET = 10**9
#: The query parameters of paging, which every paged list takes.
ARGS = ("limit", "offset", "cursor")
#: Far longer than any cursor this module makes (about 30 characters).
CURSOR_MAX = 200


class InvalidCursor(DomainError):
    code = "invalid_cursor"
    public_details = ("parameter",)


@dataclass(frozen=True)
class Paging:
    limit: int
    offset: int = 0
    after: tuple[date, int] | None = None
    #: Paging by cursor: ``after`` is None on its first page (``?cursor=``, empty).
    by_cursor: bool = False


def int_arg(name: str, default: int, maximum: int, minimum: int = 0) -> int:
    """A whole-number query argument; above ``maximum`` counts as ``maximum``, below ``minimum`` (a negative number
    too) is refused: 400 ``invalid_parameter`` naming it."""
    value = request.args.get(name, "")
    if not value:
        return default
    negative = value.startswith("-") and value[1:].isascii() and value[1:].isdigit()
    if not negative and not (value.isascii() and value.isdigit()):
        raise InvalidParameter(_("%(name)s must be a whole number.", name=name), parameter=name)
    digits = value.lstrip("-").lstrip("0") or "0"  # int() refuses more than 4,300 digits
    number = min(int(digits), maximum) if len(digits) <= 18 else maximum
    if number < minimum or (negative and number):
        # i18n: %(name)s is a query parameter (limit, offset, past, person); keep it as it is.
        raise InvalidParameter(_("%(name)s must be %(num)d or more.", name=name, num=minimum), parameter=name)
    return number


def paging_args() -> Paging:
    """``limit`` (1 to 500, default 100) and either ``cursor`` or ``offset`` (not both)."""
    limit = int_arg("limit", DEFAULT_LIMIT, MAX_LIMIT, minimum=1)
    offset = int_arg("offset", 0, MAX_OFFSET)
    raw = request.args.get("cursor")
    if raw is None:
        return Paging(limit, offset)
    if offset:
        raise InvalidCursor(_("Send either cursor or offset, not both."), parameter="cursor")
    # empty (``?cursor=``, a client starting to page by cursor): the first page, paged by cursor (no next_offset)
    return Paging(limit, after=decode_cursor(raw) if raw else None, by_cursor=True)


def encode_cursor(key: tuple[date, int]) -> str:
    day, row_id = key
    text = json.dumps([day.isoformat(), row_id], separators=(",", ":"))
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def decode_cursor(raw: str) -> tuple[date, int]:
    """The key inside a cursor made by :func:`encode_cursor`; anything else is a 400 ``invalid_cursor``."""
    try:
        if not raw or len(raw) > CURSOR_MAX:
            raise ValueError(raw)
        data: Any = json.loads(base64.b64decode(raw + "=" * (-len(raw) % 4), altchars=b"-_", validate=True))
        day, row_id = data
        if type(row_id) is not int or not 0 < row_id < 2**31 or not isinstance(day, str):
            raise ValueError(data)
        parsed = strict_date(day)
        if parsed is None:
            raise ValueError(day)
        return parsed, row_id
    except (ValueError, TypeError, binascii.Error, UnicodeError, RecursionError):
        raise InvalidCursor(_("The cursor is not valid. Pass back the next_cursor of the previous page unchanged, or "
                              "leave it out to start from the first page."), parameter="cursor") from None


def page_json(limit: int, paging: Paging, has_more: bool, last_key: tuple[date, int] | None) -> dict[str, Any]:
    """``next_cursor`` (always, null on the last page) and ``next_offset`` (only when paging by offset)."""
    more = has_more and last_key is not None
    return {
        "next_cursor": encode_cursor(last_key) if more and last_key is not None else None,
        "next_offset": paging.offset + limit if more and not paging.by_cursor else None,
    }


#: OpenAPI parameters of a paged list.
OPENAPI_PARAMETERS: list[dict[str, Any]] = [
    {"name": "limit", "in": "query", "required": False,
     "schema": {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT, "default": DEFAULT_LIMIT},
     "description": f"Rows per page, 1 to {MAX_LIMIT} (default {DEFAULT_LIMIT}). A larger number counts as "
                    f"{MAX_LIMIT}, as every whole-number query argument of the API above its maximum does; 0 is "
                    "refused (400)"},
    {"name": "cursor", "in": "query", "required": False, "schema": {"type": "string", "maxLength": CURSOR_MAX},
     "description": "The next_cursor of the previous page, unchanged (opaque); empty for the first page "
                    "when paging by cursor. The stable way to page: no row is skipped or repeated when rows are "
                    "decided or added meanwhile. Not together with offset (an empty cursor neither)."},
    {"name": "offset", "in": "query", "required": False, "deprecated": True,
     "schema": {"type": "integer", "minimum": 0},
     "description": "Deprecated: rows to skip. Skips or repeats rows when the list changes while you page; use "
                    "cursor."},
]
OPENAPI_FIELDS: dict[str, Any] = {
    "next_cursor": {"type": ["string", "null"],
                    "description": "Pass as cursor for the next page; null on the last page"},
    "next_offset": {"type": ["integer", "null"], "deprecated": True,
                    "description": "Deprecated: pass as offset for the next page; null on the last page and when "
                                   "paging with cursor"},
}
