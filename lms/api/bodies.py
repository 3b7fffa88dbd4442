"""Reading a JSON request body, the same way at every API endpoint that takes one (docs/api.md, "Request bodies"):

- not sent as JSON (a form, ``text/plain``, curl's default, no body at all): 415 ``unsupported_media_type``, "Send
  the body as JSON with Content-Type: application/json.", as ``lms.security.check_csrf`` answers a cross-site post;
- JSON that cannot be read: 400 ``invalid_json``, with the line and column where reading stopped (a control
  character written as it is inside a string is said to be one);
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
from collections.abc import Iterable
from typing import Any

from flask import request

from lms.errors import DomainError
from lms.i18n import _, ngettext
from lms.json_text import InvalidJSON, refuse_bad_text
from lms.security import NotJSON

#: At most this many unknown names are echoed back, each cut to NAME_CHARS characters.
MAX_NAMES, NAME_CHARS = 10, 40


class UnknownFields(DomainError):
    code = "unknown_fields"
    status = 422
    public_details = ("fields",)


def json_body() -> Any:
    """The parsed body of a request sent as ``application/json`` (any JSON value); 415 or 400 otherwise."""
    if not request.is_json:
        raise NotJSON(_("Send the body as JSON with Content-Type: application/json."))
    body = request.get_json(silent=True)
    if body is None:
        body = _read_again()
    refuse_bad_text(body)
    return body


def _read_again() -> Any:
    """The body that Flask could not read (or a plain ``null``), read again only to say why."""
    data = request.get_data(cache=True)
    try:
        return json.loads(data)
    except json.JSONDecodeError as exc:
        if exc.msg.startswith("Invalid control character"):
            _refuse_control_character(data, exc)
        raise InvalidJSON(_("The body could not be read as JSON: the problem is at line %(line)d, column %(column)d.",
                            line=exc.lineno, column=exc.colno)) from None
    except (ValueError, RecursionError):  # not UTF-8 (or -16, -32) text; nested too deeply
        raise InvalidJSON(_("The body could not be read as JSON.")) from None


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


def refuse_unknown(body: dict[str, Any], fields: Iterable[str], prefix: str = "") -> None:
    """422 ``unknown_fields`` when ``body`` has a key outside ``fields``; ``prefix`` names a nested object's keys
    (``interval.``)."""
    known = list(fields)
    unknown = [prefix + str(name)[:NAME_CHARS] for name in body if name not in known][:MAX_NAMES]
    if not unknown:
        return
    # i18n: %(names)s are the field names as sent, %(known)s the ones this address takes; both stay in English.
    message = ngettext("Unknown field: %(names)s. Nothing was done. Check the spelling; the fields taken here are: "
                       "%(known)s.",
                       "Unknown fields: %(names)s. Nothing was done. Check the spelling; the fields taken here are: "
                       "%(known)s.",
                       len(unknown), names=", ".join(unknown), known=", ".join(prefix + name for name in known))
    raise UnknownFields(message, fields=unknown)
