"""The typed errors services raise when a business rule refuses an operation."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """A business rule refused the operation; ``message`` is translated and shown to the user."""

    code = "invalid"
    status = 400
    #: Names of ``details`` that the API sends beside ``code`` and ``message`` (e.g. the fields it did not know).
    public_details: tuple[str, ...] = ()

    def __init__(self, message: str, **details: Any) -> None:
        super().__init__(message)
        self.message = message
        self.details = details


class NotFoundError(DomainError):
    code = "not_found"
    status = 404


class PermissionDenied(DomainError):
    code = "forbidden"
    status = 403


class ConflictError(DomainError):
    code = "conflict"
    status = 409
