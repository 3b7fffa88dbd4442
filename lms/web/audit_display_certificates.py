"""How the audit log reads the rows of certificates: issued, revoked or withheld, signing keys, and an enrolment made
by issuing a certificate by hand (merged by :mod:`lms.web.audit_display`)."""

from __future__ import annotations

from typing import Any

from lms.hours.models import EntrySource
from lms.i18n import _, _l, format_minutes
from lms.web.audit_format import on_date

TITLES = {
    "certificate.issued": _l("Certificate issued"),
    "certificate.revoked": _l("Certificate revoked"),
    # i18n: in the audit log: a course was completed, but its completed modules credit 0 minutes, so no certificate.
    "certificate.withheld": _l("Certificate not issued: no training time credited"),
    "signing_key.created": _l("Certificate signing key created"),
}

OBJECT_TYPES = {"Certificate": _l("Certificate"), "SigningKey": _l("Signing key")}

_MINUTE_KINDS = {"live": EntrySource.LIVE, "self_paced": EntrySource.SELF_PACED, "field": EntrySource.FIELD}


def _minutes_by_kind(value: Any) -> str:
    """A certificate's minutes by kind of module (``{"live": 60, "total": 60}``)."""
    return ", ".join(
        _("%(what)s: %(minutes)s", what=_MINUTE_KINDS[key].title if key in _MINUTE_KINDS else _("Total") if key == "total"
          else key, minutes=format_minutes(minutes)) for key, minutes in value.items())


COMMON_FIELDS: dict[str, tuple[Any, Any]] = {
    "kid": (_l("Key ID"), str),
    "issuer_org_id": (_l("Issuing organisation"), str),
    "code_prefix": (_l("Code begins with"), str),
    "lms_minutes": (_l("Minutes credited"), _minutes_by_kind),
    "stated_minutes": (_l("Minutes stated"), _minutes_by_kind),
    "completed_on": (_l("Date completed"), on_date),
}

FIELDS = {
    "certificate.issued": {"replaces": (_l("Replaces certificate"), str)},
}

#: How an enrolment was made, besides a live session's ways (``via``).
ENROLLED_VIA = {
    # i18n: in the course history, how a trainee was enrolled: a trainer issued them a certificate by hand
    "manual_certificate": _l("certificate issued by hand"),
}
