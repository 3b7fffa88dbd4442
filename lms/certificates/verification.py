"""Public verification: what an employer needs to know, and nothing more. Every look-up is logged."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Select, bindparam, select

from lms import db
from lms.certificates import dates
from lms.certificates.codes import display, normalize
from lms.certificates.models import Certificate, CertificateStatus, VerificationLog
from lms.db import prepared, utcnow

MAX_BULK = 500


@dataclass(frozen=True)
class Verdict:
    """``status`` is valid, expired, revoked, not_found or invalid (not even shaped like a code); for
    :func:`verify_each` also ``empty`` (nothing was asked: an empty or blank query)."""

    query: str
    status: str
    certificate: Certificate | None = None

    def public(self, locale: str | None = None) -> dict[str, Any]:
        """The fields an employer may see (and the API returns)."""
        data: dict[str, Any] = {"code": self.query, "status": self.status}
        cert = self.certificate
        if cert is None:
            return data
        snap = cert.snapshot
        titles = snap["course_titles"]
        data.update(
            code=display(cert.code),
            number=cert.number,
            holder_name=snap["holder_name"],
            course={"title": titles.get(locale or "", titles.get(snap["source_locale"], "")),
                    "titles": titles, "version": snap["course_version"], "kind": snap["course_kind"]},
            minutes=snap["minutes"],
            competency_areas=snap["competency_areas"],
            started_on=snap["started_on"],
            completed_on=snap["completed_on"],
            issued_on=snap["issued_on"],
            expires_on=_iso(dates.expires_on(cert)),
            issuer={"name": snap["issuer"]["name"]},
            revoked_on=_iso(dates.revoked_on(cert)),
            revocation_reason=cert.revocation_reason,
        )
        return data


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def status_of(cert: Certificate, now: datetime) -> str:
    if cert.status is CertificateStatus.REVOKED:
        return "revoked"
    if cert.expires_at is not None and cert.expires_at <= now:
        return "expired"
    return "valid"


def client_hash(client: str, secret: str) -> str:
    return hashlib.sha256(f"{secret}:{client}".encode()).hexdigest()


@prepared
def _by_codes() -> Select:
    return select(Certificate).where(Certificate.code.in_(bindparam("codes", expanding=True)))


def verify_codes(queries: Iterable[str], client: str, secret: str) -> list[Verdict]:
    """Look up codes (any case, with or without hyphens) in one query; log each look-up (one bulk insert, so 500
    codes cost the same number of statements as one)."""
    queries = [q.strip() for q in queries if q and q.strip()][:MAX_BULK]
    codes = {q: normalize(q) for q in queries}
    wanted = {c for c in codes.values() if c}
    found = {}
    if wanted:
        found = {c.code: c for c in db.session.execute(_by_codes(), {"codes": list(wanted)}).scalars()}
    now = utcnow()
    verdicts = []
    log = []
    who = client_hash(client, secret)
    for query in queries:
        code = codes[query]
        cert = found.get(code) if code else None
        status = status_of(cert, now) if cert else ("not_found" if code else "invalid")
        verdicts.append(Verdict(query, status, cert))
        log.append({"at": now, "client_hash": who, "code_prefix": (code or query)[:8], "result": status,
                    "certificate_id": cert.id if cert else None})
    if log:
        db.commit_without_flush_wait()  # nothing a look-up writes matters more than its log row
        db.session.execute(VerificationLog.__table__.insert(), log)  # Core: one executemany, NULLs and all
    return verdicts


#: The status of a blank query in :func:`verify_each`: nothing was asked, nothing looked up.
EMPTY = "empty"


def verify_each(queries: Sequence[str], client: str, secret: str) -> list[Verdict]:
    """One verdict per query, in the order given (at most :data:`MAX_BULK` queries), for a program that matches
    answers to what it sent by position: a blank query (empty, or only spaces and line breaks) is :data:`EMPTY`,
    neither looked up nor logged; the others are :func:`verify_codes`, which drops blank queries and keeps order."""
    queries = list(queries)[:MAX_BULK]
    looked_up = iter(verify_codes([q for q in queries if q.strip()], client, secret))
    return [next(looked_up) if query.strip() else Verdict("", EMPTY) for query in queries]
