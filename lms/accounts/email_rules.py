"""Whether a text is an email address, by the same rule as the web forms (:class:`lms.web.validators.Email`, which
is WTForms' ``Email`` with its defaults): ``email_validator`` without a DNS look-up. The command line and any other
caller outside a form use :func:`check_email_address`, so an account cannot be created there with an address the
sign-up form would refuse ("bad email", "trainer2@")."""

from __future__ import annotations

import email_validator

from lms.errors import DomainError
from lms.i18n import _


def is_email_address(text: str) -> bool:
    """What the forms accept: the call WTForms' ``Email()`` makes with its defaults (no deliverability check; the
    other choices left to ``email_validator``), after trimming spaces around it as the forms do."""
    try:
        email_validator.validate_email(text.strip(), check_deliverability=False, test_environment=None,
                                       allow_smtputf8=None, allow_empty_local=None)
    except email_validator.EmailNotValidError:
        return False
    return True


def check_email_address(text: str) -> None:
    """Raise :class:`DomainError` with the forms' own message unless ``text`` is an email address."""
    if not is_email_address(text or ""):
        raise DomainError(_("Enter a valid email address, such as name@example.org."))
