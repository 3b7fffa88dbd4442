"""Uploaded files kept while a form is shown again.

A browser never fills a file box in again, so a form refused for another reason (a date in the future, a missing
reason...) would lose the file its person chose. Instead the checked upload is written under
``storage_dir(<folder>)`` with a random key, and the form carries a signed token naming it (``itsdangerous`` with the
app's secret key): bound to the person, valid for :data:`MAX_AGE` (24 hours), and holding the file's name. The next
submit that goes through uses the file. A pending file is removed when its person replaces or removes it, and any
left (a form never sent again, or sent: a resend of it may still need the file) once it is older than
:data:`MAX_AGE`, whenever another file of its kind is kept: no scheduled job. A person has at most
:data:`MAX_PER_PERSON` pending files of a kind (their oldest go first), so refused forms sent again and again cannot
fill the disk. No table: the token and the file are all there is.

Each kind of file (:class:`PendingUploads`) has its own folder and token salt, so a token of one form never names a
file on another: hours evidence (:mod:`lms.hours.pending_evidence`), attendance reports
(:mod:`lms.web.live.reports`), roster files (:mod:`lms.web.org_roster`).
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from lms.errors import DomainError
from lms.i18n import _
from lms.storage import storage_dir, write_private

#: How long a kept file can still be used, in seconds.
MAX_AGE = 24 * 60 * 60
#: Pending files are removed this long after they were written: a token signed just after its file was written
#: expires first.
REMOVE_AFTER = MAX_AGE + 60 * 60
#: The most pending files of one kind one person has at once (several tabs, several forms); keeping one more drops
#: the oldest.
MAX_PER_PERSON = 10
_KEY = re.compile(r"([0-9]+)-[0-9a-f]{40}")


class PendingUploadLost(DomainError):
    """A kept file that can no longer be used: its token expired, is not one of ours, is another person's, or the
    file is gone. The message asks for the file again."""

    code = "pending_upload_lost"


class Named(Protocol):
    filename: str
    data: bytes


@dataclass(frozen=True)
class PendingFile:
    """A kept file as it was chosen: its name and its bytes."""

    filename: str
    data: bytes


@dataclass(frozen=True)
class PendingUploads:
    """One kind of kept file: its folder under the storage directory, the salt of its tokens, the form field its
    messages are about, and the error it raises (a :class:`PendingUploadLost`)."""

    folder: str
    salt: str
    field: str
    error: type[PendingUploadLost] = PendingUploadLost

    def keep(self, upload: Named, user_id: int, secret_key: str) -> str:
        """Write ``upload`` as a pending file of ``user_id`` and return the token that names it. Removes stale
        pending files first, and the person's oldest beyond :data:`MAX_PER_PERSON`. Raises ``OSError`` when the file
        cannot be written."""
        self.sweep()
        self._trim(user_id)
        key = f"{user_id}-{secrets.token_hex(20)}"
        path = self._directory() / key
        temporary = path.with_name(key + ".part")
        write_private(temporary, upload.data)
        os.replace(temporary, path)
        return self._serializer(secret_key).dumps({"u": user_id, "k": key, "n": upload.filename})

    def kept_name(self, token: str, user_id: int, secret_key: str, max_age: int = MAX_AGE) -> str:
        """The file name of a kept file, without reading it; raises as :meth:`take`."""
        return self._read_token(token, user_id, secret_key, max_age)[1]

    def take(self, token: str, user_id: int, secret_key: str, max_age: int = MAX_AGE) -> PendingFile:
        """The kept file that ``token`` names. Raises :attr:`error` (never anything else) when the token expired, is
        altered or not ours, is another person's, or the file is gone."""
        key, filename = self._read_token(token, user_id, secret_key, max_age)
        try:
            data = (self._directory() / key).read_bytes()
        except OSError:
            raise self.lost() from None
        return PendingFile(filename, data)

    def release(self, token: str, user_id: int, secret_key: str) -> None:
        """Remove the kept file ``token`` names, if it is ``user_id``'s (replaced or removed by its person); a token
        that does not hold is ignored."""
        try:
            key, _filename = self._read_token(token, user_id, secret_key, REMOVE_AFTER)
        except PendingUploadLost:
            return
        with contextlib.suppress(OSError):  # then left for the sweep: tidying is no reason to refuse the form
            (self._directory() / key).unlink(missing_ok=True)

    def sweep(self, now: float | None = None) -> int:
        """Remove pending files (and half-written ones) older than a day and an hour; how many were removed. Files
        another process removes meanwhile are skipped."""
        limit = (time.time() if now is None else now) - REMOVE_AFTER
        removed = 0
        for path in self._directory().iterdir():
            try:
                if path.is_file() and path.stat().st_mtime < limit:
                    path.unlink()
                    removed += 1
            except FileNotFoundError:
                continue
        return removed

    def lost(self) -> PendingUploadLost:
        """The error for a kept file that is gone or not usable (also for a caller whose own check of it fails)."""
        return self.error(_("The file you attached earlier can no longer be found. Choose the file again."),
                          field=self.field)

    def _trim(self, user_id: int) -> None:
        """Make room for one more of ``user_id``'s pending files."""
        files = []
        for path in self._directory().glob(f"{user_id}-*"):
            try:
                files.append((path.stat().st_mtime, path))
            except FileNotFoundError:
                continue
        for _mtime, path in sorted(files)[:max(0, len(files) - MAX_PER_PERSON + 1)]:
            path.unlink(missing_ok=True)

    def _read_token(self, token: str, user_id: int, secret_key: str, max_age: int) -> tuple[str, str]:
        try:
            data: Any = self._serializer(secret_key).loads(token, max_age=max_age)
        except SignatureExpired:
            raise self.error(_("The file you attached earlier is kept for one day only, and that day has passed. "
                               "Choose the file again."), field=self.field) from None
        except BadSignature:
            raise self.lost() from None
        if not isinstance(data, dict) or data.get("u") != user_id:
            raise self.lost()
        key, filename = data.get("k"), data.get("n")
        match = _KEY.fullmatch(key) if isinstance(key, str) else None
        if match is None or match.group(1) != str(user_id) or not isinstance(filename, str) or not filename:
            raise self.lost()
        return key, filename

    def _serializer(self, secret_key: str) -> URLSafeTimedSerializer:
        return URLSafeTimedSerializer(secret_key, salt=self.salt)

    def _directory(self) -> Path:
        return storage_dir(self.folder)
