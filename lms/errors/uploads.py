"""The size limit a 413 states: a form's own (declared with :func:`upload_limit`) or the largest request body."""

from __future__ import annotations

from collections.abc import Callable

from flask import current_app, request

from lms.i18n import _, format_megabytes


def upload_limit(max_bytes: Callable[[], int]) -> Callable[[Callable], Callable]:
    """Declare that a view's form takes a file of at most ``max_bytes()`` bytes (read when needed, e.g. from the
    configuration), less than the request-wide ``MAX_CONTENT_LENGTH``: a request too large for the server then gets a
    413 that states the form's limit, the one its page tells people, not the server's. The view still checks the
    file itself (a file between the two limits reaches it)."""

    def declare(view: Callable) -> Callable:
        view._lms_upload_limit = max_bytes  # type: ignore[attr-defined]
        return view

    return declare


def _upload_limit() -> tuple[str, bool]:
    """The limit a 413 states, in MB as the reader writes numbers (``2.5``, ``2,5``), and whether it is the form's
    own (:func:`upload_limit`) rather than the largest request body (``MAX_CONTENT_LENGTH``): the smaller of the two."""
    request_limit = request.max_content_length or current_app.config.get("MAX_CONTENT_LENGTH") or 0
    declared = getattr(current_app.view_functions.get(request.endpoint or ""), "_lms_upload_limit", None)
    form_limit = declared() if declared is not None else None
    of_form = form_limit is not None and (not request_limit or form_limit < request_limit)
    return format_megabytes(form_limit if of_form else request_limit), of_form


def _too_large_message() -> str:
    size, of_form = _upload_limit()
    if of_form:
        return _("The file you sent is too large: this form takes a file of at most %(size)s MB. To keep what you "
                 "typed, use your browser's Back button: the form still shows it there. Then choose a smaller file.",
                 size=size)
    return _("The file you sent is too large: one form can send at most %(size)s MB. To keep what you typed, use "
             "your browser's Back button: the form still shows it there. Then choose a smaller file.", size=size)
