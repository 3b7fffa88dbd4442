"""The evidence box of the external-training form across showings of the form: a chosen file is checked, and kept
(:mod:`lms.hours.pending_evidence`) when the form is shown again for any reason, so that its person need not choose
it again; the page says it is attached, and offers to replace it or not to attach it (:mod:`lms.web.kept_upload`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from lms.hours import evidence as evidence_files
from lms.hours import pending_evidence
from lms.web.kept_upload import KeptUpload


@dataclass
class Attachment(KeptUpload):
    """The file one submit of an ``ExternalForm`` attaches (``upload``, an evidence ``Upload``): newly chosen, or
    kept from an earlier showing."""

    file_field = "evidence"
    kept_field = "evidence_token"
    remove_field = "remove_evidence"
    store = pending_evidence

    def check(self, chosen: Any) -> evidence_files.Upload:
        return evidence_files.read_upload(chosen.stream, chosen.filename)
