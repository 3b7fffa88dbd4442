"""After a trainer's correction of one person's final attendance is committed: email the person when it lowered the
time credited to them (:mod:`lms.live.credit_notices`). The correction stands whatever the mail server says; the
trainer is told when the person could not be emailed."""

from __future__ import annotations

from flask import current_app, flash

from lms.i18n import _
from lms.live.credit_notices import CreditLowered, tell_credit_lowered
from lms.web.live.schedule_support import link
from lms.web.urls import external_url


def tell_lowered(notice: CreditLowered | None, *, show: bool = True) -> list[str]:
    """Email the person of ``notice`` (nothing when None); with ``show``, flash the address that could not be
    emailed. Returns it."""
    if notice is None:
        return []
    failed = tell_credit_lowered(notice, {"session": link(notice.session), "hours": external_url("lms.hours.mine")})
    if failed:
        current_app.logger.warning("session %s: could not email a lowered credit", notice.session.id)
        if show:
            flash(_("We could not email: %(emails)s. Please tell them another way.", emails=", ".join(failed)), "error")
    return failed
