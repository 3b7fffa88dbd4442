"""Send an email after the response, so that how long a page takes does not tell whether a message was sent.

A public form that emails only an address with an account (the password reset) would otherwise answer later for such
an address, by one round trip to the mail server: the time taken would tell who has an account. So the view renders
the message inside the request (its links, its language), commits what it records, and hands the message to
:func:`send_after_response`; it is sent once the response's body has been handed to the server, when the server closes
the response (PEP 3333 ``close()``: the Flask and Werkzeug servers, gunicorn's sync and threaded workers all call it
after writing the body). No thread, no queue: the worker that answered sends it, then takes the next request.

The page cannot change any more when the send fails, so it must already say the same either way ("if there is an
account..."). The failure is logged (``logger.exception``) and ``on_failure`` runs, in an application context of its
own, to take back what the request recorded about the message (e.g. :func:`lms.accounts.sent_links.withdraw`).
"""

from __future__ import annotations

from collections.abc import Callable
from email.message import EmailMessage
from functools import partial
from typing import Any

from flask import Flask, Response, g, request_finished

from lms import db
from lms.notify.services import deliver

#: Where a request keeps what it sends after its response, until the response is final (:func:`_hand_over`).
_PENDING = "_lms_mail_after_response"


def send_after_response(message: EmailMessage, on_failure: Callable[[], None] | None = None) -> None:
    """Send ``message`` (from :func:`lms.notify.services.compose_email`) once this request's response has been handed
    to the server; if it cannot be sent, log it and call ``on_failure`` (which commits what it changes). Only inside a
    request."""
    g.setdefault(_PENDING, []).append((message, on_failure))


@request_finished.connect
def _hand_over(sender: Flask, response: Response, **_extra: Any) -> None:
    """Flask's ``request_finished`` carries the final response, after every ``after_request`` function (the host's
    too, which may have replaced it): the sends wait for that one to be closed. The request's context is gone by then,
    so each keeps the application itself."""
    for message, on_failure in g.pop(_PENDING, ()):
        response.call_on_close(partial(_deliver, sender, message, on_failure))


def _deliver(app: Flask, message: EmailMessage, on_failure: Callable[[], None] | None) -> None:
    """Runs from the server's ``close()``, outside the request: nothing may escape (the response is already sent)."""
    with app.app_context():
        try:
            deliver(message)
        except Exception:
            app.logger.exception("could not send %r to %s after the response", str(message["Subject"]),
                                 str(message["To"]))
            _undo(app, on_failure)


def _undo(app: Flask, on_failure: Callable[[], None] | None) -> None:
    if on_failure is None:
        return
    try:
        on_failure()
    except Exception:
        db.session.rollback()
        app.logger.exception("could not take back the record of an email that was not sent")
