"""After a change of password made while signed in (knowing the old one): the person is told how many API tokens still
sign them in, and may revoke them all with one button. They are not revoked on their own: a payroll import would stop
without anyone noticing. A reset by emailed link is different: it proves the mailbox, not the old password, so it
revokes them itself (:func:`lms.accounts.password_reset.reset_password`)."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for

from lms import db
from lms.accounts import api_tokens
from lms.i18n import _, ngettext
from lms.security import access, current_user
from lms.web.accounts import bp
from lms.web.forms import EmptyForm

#: Where "Continue" leads from the notice: the page the person would have reached without it.
_THEN = {"home": "lms.main.home", "profile": "lms.accounts.profile"}


def after_password_change(user: Any, then: str) -> Any:
    """The redirect that ends a change (``then="profile"``) or reset (``then="home"``) of password: to the notice
    when the person has tokens in use, else straight to ``then``'s page."""
    if api_tokens.count_active_api_tokens(user):
        return redirect(url_for("lms.accounts.password_changed", then=then))
    return redirect(url_for(_THEN[then]))


@bp.get("/profile/password/changed")
@access.signed_in
def password_changed():
    then = request.args.get("then")
    return render_template("lms/accounts/tokens_after_password.html",
                           count=api_tokens.count_active_api_tokens(current_user),
                           continue_url=url_for(_THEN.get(then or "", "lms.accounts.profile")),
                           revoke_form=EmptyForm())


@bp.post("/tokens/revoke-all")
@access.signed_in
def revoke_all_tokens():
    """Revoke every token of the person in use (one audit row, ``api_token.revoked_all``), then show the list."""
    if not EmptyForm().validate_on_submit():
        abort(400)
    count = api_tokens.revoke_my_api_tokens(current_user._get_current_object())
    db.session.commit()
    if count:
        flash(ngettext("%(num)d API token is revoked. Programs using it can no longer sign in.",
                       "%(num)d API tokens are revoked. Programs using them can no longer sign in.", count), "success")
    else:
        flash(_("You had no API tokens in use, so nothing was revoked."), "info")
    return redirect(url_for("lms.accounts.tokens"), 303)
