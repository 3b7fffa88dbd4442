"""After a correction of a person's final attendance is committed: email the person when it changed the time
credited to them, down or up (:mod:`lms.live.credit_notices`). The correction stands whatever the mail server says;
the trainer is told when the person could not be emailed."""

from __future__ import annotations

from collections.abc import Iterable

from flask import current_app, flash

from lms.i18n import _
from lms.live.credit_notices import CreditChanged, tell_credit_changed
from lms.web.live.schedule_support import link
from lms.web.urls import external_url


def tell_changed(notices: CreditChanged | Iterable[CreditChanged] | None, *, show: bool = True) -> list[str]:
    """Email the person of each notice (nothing for None); with ``show``, flash the addresses that could not be
    emailed. Returns them."""
    if notices is None:
        return []
    failed: list[str] = []
    for notice in [notices] if isinstance(notices, CreditChanged) else notices:
        links = {"session": link(notice.session), "hours": external_url("lms.hours.mine")}
        if tell_credit_changed(notice, links):
            current_app.logger.warning("session %s: could not email a changed credit", notice.session.id)
            failed.append(notice.user.email)
    if failed and show:
        flash(_("We could not email: %(emails)s. Please tell them another way.", emails=", ".join(failed)), "error")
    return failed
