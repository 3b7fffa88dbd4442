"""Strict query arguments for API endpoints whose answers payroll acts on: a parameter given twice is refused rather
than read as its first value (``?start=A&end=B&start=C`` once silently exported A), a parameter the endpoint does not
take is refused rather than ignored where the endpoint says so (``?stauts=approved`` once listed every entry), and a
yes/no flag is ``true`` or ``false``, nothing else."""

from __future__ import annotations

from flask import request

from lms.errors import DomainError
from lms.i18n import _


class RepeatedParameter(DomainError):
    code = "repeated_parameter"
    public_details = ("parameter",)


class InvalidParameter(DomainError):
    """A query parameter's value is refused; ``parameter`` names it (docs/api.md, "Query arguments")."""

    code = "invalid_parameter"
    public_details = ("parameter",)


class UnknownParameter(DomainError):
    code = "unknown_parameter"
    public_details = ("parameter",)


#: Taken everywhere: the language of the messages (:func:`lms.i18n.select_language`).
ALWAYS_TAKEN = ("lang",)
#: A name echoed back is cut to this many characters.
NAME_CHARS = 40


def refuse_repeated(*names: str) -> None:
    """400 ``repeated_parameter`` naming the first query parameter given more than once (of ``names`` if given,
    else of all)."""
    for name, values in request.args.lists():
        if len(values) > 1 and (not names or name in names):
            # i18n: %(name)s is a query parameter as written in the address (start, end, early); keep it as it is.
            raise RepeatedParameter(_("The query parameter %(name)s was given %(num)d times: give it once.",
                                      name=name, num=len(values)), parameter=name)


def refuse_unknown(*known: str) -> None:
    """400 ``unknown_parameter`` naming the first query parameter that is not one of ``known`` (nor ``lang``): a
    misspelt filter (``stauts``) would otherwise be dropped and the whole list answered as if unfiltered. The message
    lists every parameter taken, ``lang`` too."""
    taken = (*known, *ALWAYS_TAKEN)
    for name in request.args:
        if name not in taken:
            # i18n: %(name)s is the query parameter as sent, %(known)s the ones this address takes; keep both as
            # they are.
            raise UnknownParameter(_("Unknown query parameter: %(name)s. Check the spelling; the parameters "
                                     "taken here are: %(known)s.",
                                     name=name[:NAME_CHARS], known=", ".join(taken)), parameter=name[:NAME_CHARS])


def flag_arg(name: str, default: bool = False) -> bool:
    """``true`` or ``false`` (absent: ``default``); anything else is 400 ``invalid_parameter``."""
    value = request.args.get(name)
    if value is None:
        return default
    if value not in ("true", "false"):
        # i18n: %(name)s is a query parameter (early, include_former); keep "true" and "false" in English.
        raise InvalidParameter(_("%(name)s must be true or false.", name=name), parameter=name)
    return value == "true"


def choice_arg(name: str, allowed: list[str]) -> str:
    """One of ``allowed`` (absent or empty: ``""``); anything else is 400 ``invalid_parameter``."""
    value = request.args.get(name, "")
    if value and value not in allowed:
        # i18n: %(name)s is a query parameter (kind, status, mode); %(values)s the values it takes, as they are.
        raise InvalidParameter(_("Unknown value for %(name)s. Use one of: %(values)s.", name=name,
                                 values=", ".join(allowed)), parameter=name)
    return value
