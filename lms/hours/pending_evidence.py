"""Evidence files kept while the external-training form is shown again (:mod:`lms.pending_uploads`, which has the
rules: a signed token bound to the person, valid for :data:`MAX_AGE`, no table).

The checked upload (:func:`lms.hours.evidence.read_upload`) waits under ``storage_dir("evidence-pending")``; the
next submit that saves the entry stores it as evidence (:func:`lms.hours.evidence.store`). A kept file is checked
again when taken: only a PDF, PNG or JPEG file comes back.
"""

from __future__ import annotations

from lms.hours.evidence import EvidenceRejected, Upload, sniff
from lms.pending_uploads import MAX_AGE, MAX_PER_PERSON, PendingUploadLost, PendingUploads

__all__ = ["MAX_AGE", "MAX_PER_PERSON", "SALT", "PendingEvidenceLost", "keep", "kept_name", "release", "sweep", "take"]

SALT = "lms-pending-evidence"


class PendingEvidenceLost(EvidenceRejected, PendingUploadLost):
    """A kept evidence file that can no longer be used (:class:`lms.pending_uploads.PendingUploadLost`)."""

    code = "pending_evidence_lost"


PENDING = PendingUploads(folder="evidence-pending", salt=SALT, field="evidence", error=PendingEvidenceLost)


def keep(upload: Upload, user_id: int, secret_key: str) -> str:
    """Write ``upload`` as a pending file of ``user_id`` and return the token that names it (``OSError`` when it
    cannot be written)."""
    return PENDING.keep(upload, user_id, secret_key)


def kept_name(token: str, user_id: int, secret_key: str, max_age: int = MAX_AGE) -> str:
    """The file name of a kept file, without reading it; :class:`PendingEvidenceLost` as :func:`take`."""
    return PENDING.kept_name(token, user_id, secret_key, max_age)


def take(token: str, user_id: int, secret_key: str, max_age: int = MAX_AGE) -> Upload:
    """The kept file that ``token`` names, as an upload ready to store. Raises :class:`PendingEvidenceLost` (never
    anything else) when the token expired, is altered or not ours, is another person's, or the file is gone."""
    kept = PENDING.take(token, user_id, secret_key, max_age)
    kind = sniff(kept.data)
    if kind is None:
        raise PENDING.lost()
    return Upload(kept.filename, kind[0], kept.data)


def release(token: str, user_id: int, secret_key: str) -> None:
    """Remove the kept file ``token`` names, if it is ``user_id``'s; a token that does not hold is ignored."""
    PENDING.release(token, user_id, secret_key)


def sweep(now: float | None = None) -> int:
    """Remove stale pending evidence files; how many were removed."""
    return PENDING.sweep(now)
