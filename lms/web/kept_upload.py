"""A form's file box across showings of the form: a chosen file is checked, and kept (:mod:`lms.pending_uploads`)
when the form is shown again for any reason, so that its person need not choose it again; the page says it is
attached ("Attached: <name> (kept)"), and offers to replace it or not to use it.

A form with a kept file has three fields (their names are the subclass's :attr:`KeptUpload.file_field`,
:attr:`~KeptUpload.kept_field`, :attr:`~KeptUpload.remove_field`): the file box, a hidden field carrying the kept
file's token, and a tick box "Do not attach this file"; and two methods: ``show_kept(filename, token=None)`` (say that
the file is attached, and offer to replace it) and ``forget_kept()``. Users: the external-training form
(:mod:`lms.web.hours.attachments`), the attendance-report import (:mod:`lms.web.live.reports`) and the roster import
(:mod:`lms.web.org_roster`).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import Any, ClassVar

from flask import current_app
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField
from wtforms.validators import StopValidation

from lms.errors import DomainError
from lms.i18n import _, _l
from lms.pending_uploads import PendingUploadLost


@dataclass
class KeptUpload(ABC):
    """The file one submit of ``form`` uses (``upload``): newly chosen, or kept from an earlier showing."""

    form: Any
    user_id: int
    upload: Any = None
    is_new: bool = False
    too_large: bool = False

    #: The names of the form's file box, of its hidden token field and of its "Do not attach this file" tick box.
    file_field: ClassVar[str]
    kept_field: ClassVar[str]
    remove_field: ClassVar[str]
    #: Where kept files wait: ``keep``, ``take``, ``kept_name`` and ``release`` as
    #: :class:`lms.pending_uploads.PendingUploads` has them (raising a :class:`PendingUploadLost`).
    store: ClassVar[Any]

    @abstractmethod
    def check(self, chosen: Any) -> Any:
        """Read and check a newly chosen file (a ``FileStorage``): the upload to use, or a :class:`DomainError`
        (status 413 when it is too large), shown under the file box."""

    @property
    def _secret(self) -> str:
        return current_app.config["SECRET_KEY"]

    @property
    def _box(self) -> Any:
        return self.form[self.file_field]

    @property
    def _token(self) -> str:
        return self.form[self.kept_field].data or ""

    def read(self) -> None:
        """Read what the submit attaches; a problem goes under the file box. Call it after validating the form
        (which clears the boxes' errors)."""
        chosen, token = self._box.data, self._token
        if chosen is not None and getattr(chosen, "filename", ""):
            self._read_new(chosen, token)
        elif token and self.form[self.remove_field].data:
            self.store.release(token, self.user_id, self._secret)
            self.form.forget_kept()
        elif token:
            self._read_kept(token)

    def _read_new(self, chosen: Any, token: str) -> None:
        if self._box.errors:  # refused by the form's own checks of the box (its type): not read, not kept
            self._show_earlier(token)
            return
        try:
            self.upload = self.check(chosen)
        except DomainError as exc:
            self._box.errors.append(exc.message)
            self.too_large = exc.status == 413
            self._show_earlier(token)  # the file kept before still stands
            return
        self.is_new = True
        if token:  # replaced
            self.store.release(token, self.user_id, self._secret)
            self.form.forget_kept()

    def _read_kept(self, token: str) -> None:
        try:
            self.upload = self.store.take(token, self.user_id, self._secret)
        except PendingUploadLost as exc:
            self.form.forget_kept()
            self._box.errors.append(exc.message)
        else:
            self.form.show_kept(self.upload.filename)

    def _show_earlier(self, token: str) -> None:
        if not token:
            return
        try:
            self.form.show_kept(self.store.kept_name(token, self.user_id, self._secret))
        except PendingUploadLost:
            self.form.forget_kept()

    def keep(self) -> None:
        """Before the form is shown again: keep a newly chosen file and show it as attached (a kept one already
        is); when it cannot be written, say that it must be chosen again."""
        if self.upload is None or not self.is_new:
            return
        try:
            token = self.store.keep(self.upload, self.user_id, self._secret)
        except OSError:
            current_app.logger.exception("could not keep a pending %s file", self.file_field)
            self._box.errors.append(_("We could not keep the file you chose. Choose it again before you send the "
                                      "form."))
            return
        self.form.show_kept(self.upload.filename, token)

    def discard(self) -> None:
        """The file itself was refused after it was read (its content): it is not kept, and a kept one is removed, so
        that another file is chosen."""
        if self._token:
            self.store.release(self._token, self.user_id, self._secret)
        self.form.forget_kept()
        self.upload, self.is_new = None, False

    def used(self) -> None:
        """The submit went through with the file: the form shown after it has none attached. (A kept file is left
        for the sweep: a resend of the same form may still need it.)"""
        self.form.forget_kept()
        self.upload, self.is_new = None, False


class KeptFileForm(FlaskForm):
    """The hidden token and "Do not attach this file" fields of a form whose file box is named ``file`` (declared by
    the subclass, with :attr:`choose_message` for a submit with no file), and its two methods: the roster import
    (:class:`lms.web.org_forms.RosterForm`) and the attendance-report import (:class:`lms.web.live.attendance_forms.ReportForm`)."""

    #: The signed token of the file kept when the form was last shown (:mod:`lms.pending_uploads`).
    file_token = HiddenField()
    remove_file = BooleanField(_l("Do not attach this file"))
    #: The name of that kept file, when the page shows it (:meth:`show_kept`).
    kept_name: str | None = None
    #: What a submit with neither a chosen nor a kept file is told.
    choose_message: ClassVar[Any]

    def validate_file(self, field: Any) -> None:
        chosen = field.data is not None and getattr(field.data, "filename", "")
        if not chosen and not (self.file_token.data and not self.remove_file.data):
            raise StopValidation(str(self.choose_message))

    def show_kept(self, filename: str, token: str | None = None) -> None:
        """Say that ``filename`` is attached and kept (under ``token``, when new), and offer to replace it."""
        self.kept_name = filename
        if token is not None:
            self.file_token.data = token
        self.file.label.text = _("Replace it with another file (optional)")

    def forget_kept(self) -> None:
        self.kept_name, self.file_token.data, self.remove_file.data = None, "", False
