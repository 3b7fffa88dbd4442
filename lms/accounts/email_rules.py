"""Whether a text is an email address the LMS can send mail to, by one rule for the web forms
(:class:`lms.web.validators.Email`), the roster import and the command line (:func:`check_email_address`), so an
account cannot be created anywhere with an address the sign-up form would refuse ("bad email", "trainer2@").

The rule is ``email_validator``'s, without a DNS look-up, and without internationalised local parts
(``allow_smtputf8=False``): mail to "maría@ejemplo.org" needs a mail server that speaks SMTPUTF8 all the way, which
the LMS cannot count on (its own path would put an encoded word inside the address). Such an address is refused with
a message that says why. An internationalised domain is fine: the address is kept with the domain in its ASCII
(IDNA) form, "maria@xn--ejmplo-cva.org" for "maria@ejémplo.org", which every mail server takes and which is the same
address (:func:`ascii_address`)."""

from __future__ import annotations

import email_validator

from lms.errors import DomainError
from lms.i18n import _


def _validated(text: str) -> email_validator.ValidatedEmail:
    return email_validator.validate_email(text.strip(), check_deliverability=False, test_environment=None,
                                          allow_smtputf8=False, allow_empty_local=None)


def email_problem(text: str | None) -> str | None:
    """Why ``text`` (spaces around it trimmed, as the forms do) is not an address the LMS takes; None when it is."""
    text = (text or "").strip()
    try:
        _validated(text)
    except email_validator.EmailNotValidError:
        local = text.rpartition("@")[0]
        if local and not local.isascii():
            # i18n: an address such as maría@ejemplo.org: mail to it needs support (SMTPUTF8) the LMS cannot count on
            return _("Use an address with no accented or other special letters before the @ (such as "
                     "maria@example.org, not maría@example.org): the LMS cannot send mail to it.")
        return _("Enter a valid email address, such as name@example.org.")
    return None


def is_email_address(text: str) -> bool:
    """Whether the forms accept ``text`` (:func:`email_problem`)."""
    return email_problem(text) is None


def ascii_address(text: str) -> str:
    """An address the rule accepts, trimmed, and with an internationalised domain in ASCII (IDNA) form as
    ``email_validator`` encodes it; an ASCII address stays as typed (case and all: the pages show it so)."""
    text = text.strip()
    return text if text.isascii() else (_validated(text).ascii_email or text)


def check_email_address(text: str) -> str:
    """``text`` as :func:`ascii_address`; :class:`DomainError` with the forms' own message unless it is an address
    the rule accepts."""
    problem = email_problem(text)
    if problem:
        raise DomainError(problem)
    return ascii_address(text)
