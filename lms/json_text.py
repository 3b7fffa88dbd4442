"""Text no JSON body may hold, wherever it is (a value or a key, however deeply nested), refused with the place named:

- NUL (``\\u0000``): databases refuse it (PostgreSQL will not store it in text) and no person types it;
- a lone surrogate (``\\ud800`` to ``\\udfff`` not in a pair, or the same code point sent as UTF-8 bytes): it is not a
  character, so it cannot be encoded to store or send on (it used to end in a 500 when saved).

Forms and query strings cannot carry a surrogate (Werkzeug keeps bytes that are not UTF-8 as the ``%XX`` text sent);
their NUL is refused by :func:`lms.security.reject_nul_bytes`, which applies this module to JSON bodies too. JSON
bodies are read by :func:`lms.api.bodies.json_body`, which applies it again (a body it reads itself, with
``strict=False``, included).
"""

from __future__ import annotations

import re
from typing import Any

from lms.errors import DomainError
from lms.i18n import _

#: A field's name is echoed back cut to this many characters; the whole place to PLACE_CHARS.
NAME_CHARS, PLACE_CHARS = 40, 200
_BAD = re.compile("[\x00\ud800-\udfff]")


class InvalidJSON(DomainError):
    code = "invalid_json"


def too_deep() -> str:
    """The message for a JSON body whose arrays and objects nest too deeply to read."""
    return _("The body could not be read as JSON: its arrays and objects are nested too deeply.")


def refuse_bad_text(value: Any) -> None:
    """400 ``invalid_json`` naming the first string of the parsed JSON ``value`` (in document order, keys included)
    that holds a NUL or a lone surrogate."""
    found = _first_bad(value)
    if found is None:
        return
    place, text, is_name = found
    nul = "\x00" in text
    if not place:
        raise InvalidJSON(_("The body is a string that contains a NUL character or a lone surrogate, which is not "
                            "accepted. Nothing was done."))
    if is_name and nul:
        # i18n: %(field)s is where the field is in the body, as sent (interval.left, codes[2]); keep \u0000 as it is.
        message = _("The field name %(field)s contains a NUL character (\\u0000), which is not accepted in any "
                    "text. Nothing was done.", field=place)
    elif is_name:
        # i18n: %(field)s is where the field is in the body, as sent; keep \ud800 and \udfff as they are.
        message = _("The field name %(field)s contains a lone surrogate (a code point from \\ud800 to \\udfff), "
                    "which is not a character: send each character whole. Nothing was done.", field=place)
    elif nul:
        # i18n: %(field)s is where the field is in the body, as sent (interval.left, codes[2]); keep \u0000 as it is.
        message = _("The field %(field)s contains a NUL character (\\u0000), which is not accepted in any text. "
                    "Nothing was done.", field=place)
    else:
        # i18n: %(field)s is where the field is in the body, as sent; keep \ud800 and \udfff as they are.
        message = _("The field %(field)s contains a lone surrogate (a code point from \\ud800 to \\udfff), which is "
                    "not a character: send each character whole. Nothing was done.", field=place)
    raise InvalidJSON(message, field=place)


def _first_bad(value: Any) -> tuple[str, str, bool] | None:
    """``(place, text, is_name)`` of the first bad string, without recursion (a body may nest as deep as the parser
    allows)."""
    pending: list[tuple[str, Any]] = [("", value)]
    while pending:
        place, item = pending.pop()
        if isinstance(item, str):
            if _BAD.search(item):
                return place, item, False
        elif isinstance(item, dict):
            for key in item:
                if isinstance(key, str) and _BAD.search(key):
                    return _join(place, key), key, True
            pending.extend(reversed([(_join(place, key), child) for key, child in item.items()]))
        elif isinstance(item, list):
            pending.extend(reversed([(f"{place}[{index}]"[:PLACE_CHARS], child) for index, child in enumerate(item)]))
    return None


def _join(place: str, key: Any) -> str:
    name = _BAD.sub(lambda match: f"\\u{ord(match.group()):04x}", str(key)[:NAME_CHARS])
    return (f"{place}.{name}" if place else name)[:PLACE_CHARS]
