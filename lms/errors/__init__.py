"""Typed domain errors and the handlers that turn any error into a friendly page or a JSON body.

The errors live in :mod:`lms.errors.domain`; the handlers beside them: :mod:`lms.errors.pages` (the friendly error
pages and the handlers Flask calls), :mod:`lms.errors.api` (the API's JSON bodies) and :mod:`lms.errors.uploads` (the
size limit a 413 states). Their public names are importable from here, as ``from lms.errors import ...``."""

from lms.errors.api import json_error, wants_json
from lms.errors.domain import ConflictError, DomainError, NotFoundError, PermissionDenied
from lms.errors.pages import (
    _describe,
    error_page,
    handle_database_down,
    handle_domain_error,
    handle_http_error,
    handle_unexpected,
)
from lms.errors.uploads import upload_limit

__all__ = [
    "ConflictError",
    "DomainError",
    "NotFoundError",
    "PermissionDenied",
    "_describe",
    "error_page",
    "handle_database_down",
    "handle_domain_error",
    "handle_http_error",
    "handle_unexpected",
    "json_error",
    "upload_limit",
    "wants_json",
]
