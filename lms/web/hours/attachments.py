"""The evidence box of the external-training form across showings of the form: a chosen file is checked, and kept
(:mod:`lms.hours.pending_evidence`) when the form is shown again for any reason, so that its person need not choose
it again; the page says it is attached, and offers to replace it or not to attach it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import current_app

from lms.hours import evidence as evidence_files
from lms.hours import pending_evidence
from lms.i18n import _
from lms.web.hours.ledger_forms import ExternalForm


@dataclass
class Attachment:
    """The file one submit of ``form`` attaches (``upload``): newly chosen, or kept from an earlier showing."""

    form: ExternalForm
    user_id: int
    upload: evidence_files.Upload | None = None
    is_new: bool = False
    too_large: bool = False

    @property
    def _secret(self) -> str:
        return current_app.config["SECRET_KEY"]

    def read(self) -> None:
        """Read what the submit attaches; a problem goes under the file box. Call it after validating the form
        (which clears the boxes' errors)."""
        chosen, token = self.form.evidence.data, self.form.evidence_token.data or ""
        if chosen is not None and getattr(chosen, "filename", ""):
            self._read_new(chosen, token)
        elif token and self.form.remove_evidence.data:
            pending_evidence.release(token, self.user_id, self._secret)
            self.form.forget_kept()
        elif token:
            self._read_kept(token)

    def _read_new(self, chosen: Any, token: str) -> None:
        try:
            self.upload = evidence_files.read_upload(chosen.stream, chosen.filename)
        except evidence_files.EvidenceRejected as exc:
            self.form.evidence.errors.append(exc.message)
            self.too_large = isinstance(exc, evidence_files.EvidenceTooLarge)
            self._show_earlier(token)  # the file kept before still stands
            return
        self.is_new = True
        if token:  # replaced
            pending_evidence.release(token, self.user_id, self._secret)
            self.form.forget_kept()

    def _read_kept(self, token: str) -> None:
        try:
            self.upload = pending_evidence.take(token, self.user_id, self._secret)
        except pending_evidence.PendingEvidenceLost as exc:
            self.form.forget_kept()
            self.form.evidence.errors.append(exc.message)
        else:
            self.form.show_kept(self.upload.filename)

    def _show_earlier(self, token: str) -> None:
        if not token:
            return
        try:
            self.form.show_kept(pending_evidence.kept_name(token, self.user_id, self._secret))
        except pending_evidence.PendingEvidenceLost:
            self.form.forget_kept()

    def keep(self) -> None:
        """Before the form is shown again: keep a newly chosen file and show it as attached (a kept one already
        is); when it cannot be written, say that it must be chosen again."""
        if self.upload is None or not self.is_new:
            return
        try:
            token = pending_evidence.keep(self.upload, self.user_id, self._secret)
        except OSError:
            current_app.logger.exception("could not keep a pending evidence file")
            self.form.evidence.errors.append(_("We could not keep the file you chose. Choose it again before you "
                                               "send the form."))
            return
        self.form.show_kept(self.upload.filename, token)
