"""Certificate models. A certificate is immutable once issued apart from its status (revocation: who, when, why)."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from lms.db import Model, UTCDateTime, created_at_column, enum_type
from lms.i18n import _l


class CertificateStatus(enum.Enum):
    VALID = "valid"
    REVOKED = "revoked"

    @property
    def title(self) -> str:
        return str({CertificateStatus.VALID: _l("Valid"), CertificateStatus.REVOKED: _l("Revoked")}[self])


class Certificate(Model):
    __tablename__ = "lms_certificates"
    __table_args__ = (
        # One certificate in force per trainee and course version: a revoked one (issued in error, a misspelt name)
        # may be followed by a new one, which the unique index still keeps to one at a time.
        Index(
            "uq_lms_certificates_in_force",
            "user_id",
            "course_id",
            "course_version",
            unique=True,
            sqlite_where=text("revoked_at IS NULL"),
            postgresql_where=text("revoked_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: At least 128 random bits in an unambiguous alphabet, stored without hyphens, upper case.
    code: Mapped[str] = mapped_column(String(40), unique=True)
    #: A short number for people to quote (e.g. CHW-2026-000123); not a secret and not the verification key.
    number: Mapped[str] = mapped_column(String(32), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("lms_users.id", ondelete="RESTRICT"), index=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("lms_courses.id", ondelete="RESTRICT"), index=True)
    course_version: Mapped[str] = mapped_column(String(32))
    enrollment_id: Mapped[int | None] = mapped_column(ForeignKey("lms_enrollments.id", ondelete="SET NULL"))
    org_id: Mapped[int | None] = mapped_column(ForeignKey("lms_organisations.id", ondelete="SET NULL"), index=True)
    status: Mapped[CertificateStatus] = mapped_column(enum_type(CertificateStatus), default=CertificateStatus.VALID)
    issued_at: Mapped[datetime] = created_at_column()
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: Everything printed and verified, frozen at issue time (names, titles per locale, minutes, areas, issuer...).
    snapshot: Mapped[dict[str, Any]] = mapped_column(JSON)
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("lms_users.id", ondelete="SET NULL"))
    issue_reason: Mapped[str | None] = mapped_column(Text)
    recipient_salt: Mapped[str] = mapped_column(String(32))
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("lms_users.id", ondelete="SET NULL"))
    revocation_reason: Mapped[str | None] = mapped_column(Text)


class SigningKey(Model):
    """A credential-signing key. Only the public JWK is in the database; the private key lives in the key
    directory (``keys/`` under ``LMS_STORAGE_PATH``), never in the repo, logs or JWKS."""

    __tablename__ = "lms_signing_keys"

    id: Mapped[int] = mapped_column(primary_key=True)
    kid: Mapped[str] = mapped_column(String(64), unique=True)
    algorithm: Mapped[str] = mapped_column(String(16), default="RS256")
    public_jwk: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = created_at_column()
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class VerificationLog(Model):
    """Every verification look-up (public): what was asked, from where (hashed), and what it found."""

    __tablename__ = "lms_verification_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = created_at_column()
    client_hash: Mapped[str] = mapped_column(String(64), index=True)
    code_prefix: Mapped[str] = mapped_column(String(8))
    result: Mapped[str] = mapped_column(String(16))
    certificate_id: Mapped[int | None] = mapped_column(ForeignKey("lms_certificates.id", ondelete="SET NULL"))
