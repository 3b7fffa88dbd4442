"""Evidence files (certificates, sign-in sheets) attached to ledger entries.

- Accepted: PDF, PNG and JPEG, recognised by their first bytes (the file name's extension is not trusted, and the
  stored name gets the extension of the real type).
- At most ``LMS_EVIDENCE_MAX_BYTES`` (default 5 MiB); the whole request is also capped by ``MAX_CONTENT_LENGTH``.
- Stored under ``storage_dir("evidence")`` (outside the web root) with a random key as file name.
- Served only by a view that checks :func:`can_view` (the owner, managers of the entry's organisation, site admins),
  always as a download (``Content-Disposition: attachment``, ``nosniff``).
"""

from __future__ import annotations

import hashlib
import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from flask import current_app
from sqlalchemy import select
from werkzeug.utils import secure_filename

from lms import db
from lms.config import DEFAULTS
from lms.errors import DomainError, NotFoundError
from lms.hours.models import EvidenceFile, HoursEntry
from lms.i18n import _, format_megabytes
from lms.orgs.models import Membership
from lms.storage import storage_dir, write_private

#: (first bytes, content type, extension). JPEG files start with an SOI marker followed by another marker.
SIGNATURES = [
    (b"%PDF-", "application/pdf", ".pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png", ".png"),
    (b"\xff\xd8\xff", "image/jpeg", ".jpg"),
]


class EvidenceRejected(DomainError):
    code = "invalid_evidence"


class EvidenceTooLarge(EvidenceRejected):
    code = "too_large"
    status = 413


@dataclass(frozen=True)
class Upload:
    """A checked upload, ready to store."""

    filename: str
    content_type: str
    data: bytes


def max_bytes() -> int:
    """``LMS_EVIDENCE_MAX_BYTES``, or its documented default where a host set it empty."""
    return int(current_app.config.get("LMS_EVIDENCE_MAX_BYTES") or DEFAULTS["LMS_EVIDENCE_MAX_BYTES"])


def sniff(data: bytes) -> tuple[str, str] | None:
    """The (content type, extension) that the file's first bytes show, or None if it is none of the accepted types."""
    for magic, content_type, extension in SIGNATURES:
        if data.startswith(magic):
            return content_type, extension
    return None


def read_upload(stream: IO[bytes], filename: str | None, limit: int | None = None) -> Upload:
    """Read and check an uploaded file: size first (never reading more than the limit + 1 byte), then its type."""
    limit = limit or max_bytes()
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise EvidenceTooLarge(_("The file is larger than %(size)s MB. Send a smaller file (for example a photo at "
                                 "lower resolution).", size=format_megabytes(limit)), field="evidence")
    if not data:
        raise EvidenceRejected(_("The file is empty."), field="evidence")
    kind = sniff(data)
    if kind is None:
        raise EvidenceRejected(_("Upload a PDF, PNG or JPEG file. This file is not one of those."), field="evidence")
    return Upload(_clean_name(filename, kind[1]), kind[0], data)


def describe_limit() -> str:
    """The size limit in MB for forms, written as a 413 page writes it (:func:`lms.i18n.format_megabytes`)."""
    return format_megabytes(max_bytes())


def _clean_name(filename: str | None, extension: str) -> str:
    stem = Path(secure_filename(filename or "")).stem[:150] or "evidence"
    return stem + extension


def path_of(evidence: EvidenceFile) -> Path:
    return storage_dir("evidence") / evidence.storage_key


def store(upload: Upload, owner_id: int) -> EvidenceFile:
    """Write the file under a random key (atomically) and add its row (flushed, not committed)."""
    key = secrets.token_hex(20)
    path = storage_dir("evidence") / key
    temporary = path.with_name(key + ".part")
    write_private(temporary, upload.data)
    os.replace(temporary, path)
    evidence = EvidenceFile(owner_id=owner_id, storage_key=key, filename=upload.filename,
                            content_type=upload.content_type, size_bytes=len(upload.data),
                            sha256=hashlib.sha256(upload.data).hexdigest())
    db.session.add(evidence)
    db.session.flush()
    return evidence


def discard(evidence: EvidenceFile) -> None:
    """Remove a stored file whose row was rolled back (a lost idempotency race)."""
    path_of(evidence).unlink(missing_ok=True)


def can_view(user: Any, entry: HoursEntry) -> bool:
    """The entry's owner, a manager of the entry's organisation, or a site admin."""
    if not user:
        return False
    if user.is_admin or entry.user_id == user.id:
        return True
    if entry.org_id is None:
        return False
    return db.session.execute(
        select(Membership.id).where(Membership.org_id == entry.org_id, Membership.user_id == user.id,
                                    Membership.is_manager)
    ).first() is not None


def get_evidence(entry: HoursEntry) -> EvidenceFile | None:
    if entry.evidence_id is None:
        return None
    evidence = db.session.get(EvidenceFile, entry.evidence_id)
    return evidence if evidence is not None and path_of(evidence).is_file() else None


def get_for_download(user: Any, entry_id: int) -> EvidenceFile:
    """The evidence of an entry, if ``user`` may see it; otherwise (or if there is none) a 404, revealing nothing."""
    entry = db.session.get(HoursEntry, entry_id) if 0 < entry_id < 2**31 else None
    evidence = get_evidence(entry) if entry is not None and can_view(user, entry) else None
    if evidence is None:
        raise NotFoundError(_("No such file."))
    return evidence
