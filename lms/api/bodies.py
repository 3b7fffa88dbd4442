"""Reading a JSON request body, the same way at every API endpoint that takes one (docs/api.md, "Request bodies"):

- not sent as JSON (a form, ``text/plain``, curl's default, no body at all): 415 ``unsupported_media_type``, "Send
  the body as JSON with Content-Type: application/json.", as ``lms.security.check_csrf`` answers a cross-site post;
- JSON that cannot be read: 400 ``invalid_json``, with the line and column where reading stopped (a control
  character written as it is inside a string is said to be one);
- JSON that Python would read but the standard (RFC 8259) does not allow, or that means two things: 400
  ``invalid_json`` for ``NaN``, ``Infinity`` and ``-Infinity``, a number too large for a double (``1e400``, once read
  as infinity), a key given twice in one object (once: the last one won, silently), and nesting deeper than
  :data:`MAX_DEPTH` (no body of this API nests more than three levels);
- text that no field may hold, a NUL or a lone surrogate (``\\ud800``), in a value or a key at any depth: 400
  ``invalid_json`` naming the field (:mod:`lms.json_text`), before the text can reach the database (a surrogate used
  to end in a 500 there);
- JSON that is not an object: 400, in the endpoint's words;
- a field the endpoint does not take: 422 ``unknown_fields``, naming them (``fields``), before anything else is
  checked or saved. A typo (``provder``) or a field a client cannot set (``status``, ``user_id``) would otherwise be
  dropped without a word and its data lost. The OpenAPI request schemas say ``additionalProperties: false``.
"""

from __future__ import annotations

import contextlib
import json
import math
from collections.abc import Iterable
from typing import Any

from flask import request

from lms.errors import DomainError
from lms.i18n import _, ngettext
from lms.json_text import InvalidJSON, refuse_bad_text, too_deep
from lms.security import NotJSON

#: At most this many unknown names are echoed back, each cut to NAME_CHARS characters.
MAX_NAMES, NAME_CHARS = 10, 40
#: Arrays and objects inside one another deeper than this are refused.
MAX_DEPTH = 32


class FieldError(DomainError):
    """A field of the body is refused: ``fields`` names it (the Error schema's ``fields``), as ``code`` stays
    ``invalid``."""

    public_details = ("fields",)


class UnknownFields(DomainError):
    code = "unknown_fields"
    status = 422
    public_details = ("fields",)


def json_body() -> Any:
    """The parsed body of a request sent as ``application/json`` (any JSON value); 415 or 400 otherwise."""
    if not request.is_json:
        raise NotJSON(_("Send the body as JSON with Content-Type: application/json."))
    data = request.get_data(cache=True)
    try:
        body = _strict_loads(data)
    except json.JSONDecodeError as exc:
        if exc.msg.startswith("Invalid control character"):
            _refuse_control_character(data, exc)
        raise InvalidJSON(_("The body could not be read as JSON: the problem is at line %(line)d, column %(column)d.",
                            line=exc.lineno, column=exc.colno)) from None
    except RecursionError:
        raise InvalidJSON(too_deep()) from None
    except ValueError:  # not UTF-8 (or -16, -32) text; an integer of more than 4,300 digits
        raise InvalidJSON(_("The body could not be read as JSON.")) from None
    _refuse_deep(body)
    refuse_bad_text(body)
    return body


def _strict_loads(data: bytes) -> Any:
    """``json.loads`` as RFC 8259 reads JSON: no NaN or Infinity, no number a double cannot hold, no key twice."""
    return json.loads(data, parse_constant=_not_a_number, parse_float=_finite, object_pairs_hook=_once_each)


def _not_a_number(name: str) -> Any:
    # i18n: %(value)s is NaN, Infinity or -Infinity, as sent; keep it as it is.
    raise InvalidJSON(_("The body could not be read as JSON: %(value)s is not a JSON number.", value=name))


def _finite(text: str) -> float:
    number = float(text)
    if not math.isfinite(number):
        # i18n: %(value)s is the number as sent (1e400), cut to 40 characters.
        raise InvalidJSON(_("The body could not be read as JSON: the number %(value)s is too large.",
                            value=text[:NAME_CHARS]))
    return number


def _once_each(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for key, value in pairs:
        if key in found:
            # i18n: %(name)s is the key as sent, cut to 40 characters.
            raise InvalidJSON(_("The body could not be read as JSON: the key %(name)s is given twice in one object. "
                                "Give each key once.", name=key[:NAME_CHARS]), field=key[:NAME_CHARS])
        found[key] = value
    return found


def _refuse_deep(body: Any) -> None:
    """400 ``invalid_json`` when arrays and objects nest deeper than :data:`MAX_DEPTH` (without recursion)."""
    pending = [(body, 1)]
    while pending:
        item, depth = pending.pop()
        children = item.values() if isinstance(item, dict) else item if isinstance(item, list) else None
        if children is None:
            continue
        if depth > MAX_DEPTH:
            raise InvalidJSON(too_deep())
        pending.extend((child, depth + 1) for child in children)


def _refuse_control_character(data: bytes, exc: json.JSONDecodeError) -> None:
    """A control character written as it is inside a string (JSON wants it escaped): a NUL is named with its field,
    as an escaped one is; any other (a line break, a tab) is said to be one, with where it is."""
    with contextlib.suppress(ValueError, RecursionError):  # unreadable in another way too: say where it stopped
        refuse_bad_text(json.loads(data, strict=False))
    # i18n: keep \n and \t as they are: they are how JSON writes a line break and a tab.
    raise InvalidJSON(_("The body could not be read as JSON: there is a control character (such as a line break or a "
                        "tab) inside a string at line %(line)d, column %(column)d. Write it escaped, as \\n or \\t.",
                        line=exc.lineno, column=exc.colno)) from None


def json_object(fields: Iterable[str]) -> dict[str, Any]:
    """The body as a JSON object holding only ``fields`` (each optional here: the endpoint checks what it needs)."""
    body = json_body()
    if not isinstance(body, dict):
        raise DomainError(_("Send a JSON object."))
    refuse_unknown(body, fields)
    return body


def text_field(body: dict[str, Any], name: str) -> str | None:
    """A text field: a string, or absent or null (left empty); any other JSON type (3, true, [], {}) is refused,
    naming the field, rather than dropped or turned into text."""
    value = body.get(name)
    if value is not None and not isinstance(value, str):
        # i18n: %(name)s is a field of the JSON body (title, provider, reason); keep it as it is.
        raise FieldError(_("%(name)s must be a string.", name=name), fields=[name])
    return value


def refuse_unknown(body: dict[str, Any], fields: Iterable[str], prefix: str = "") -> None:
    """422 ``unknown_fields`` when ``body`` has a key outside ``fields``; ``prefix`` names a nested object's keys
    (``interval.``)."""
    known = list(fields)
    unknown = [prefix + str(name)[:NAME_CHARS] for name in body if name not in known][:MAX_NAMES]
    if not unknown:
        return
    if not known:
        # i18n: %(names)s are the field names as sent; they stay as they are.
        raise UnknownFields(ngettext("Unknown field: %(names)s. Nothing was done. This address takes no fields: send "
                                     "no body, or {}.",
                                     "Unknown fields: %(names)s. Nothing was done. This address takes no fields: "
                                     "send no body, or {}.", len(unknown), names=", ".join(unknown)), fields=unknown)
    # i18n: %(names)s are the field names as sent, %(known)s the ones this address takes; both stay in English.
    message = ngettext("Unknown field: %(names)s. Nothing was done. Check the spelling; the fields taken here are: "
                       "%(known)s.",
                       "Unknown fields: %(names)s. Nothing was done. Check the spelling; the fields taken here are: "
                       "%(known)s.",
                       len(unknown), names=", ".join(unknown), known=", ".join(prefix + name for name in known))
    raise UnknownFields(message, fields=unknown)
