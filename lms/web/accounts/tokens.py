"""Personal API tokens: create (shown once, with a scope and an expiry), list, revoke one or all."""

from __future__ import annotations

import secrets
from typing import Any

from flask import abort, flash, make_response, redirect, render_template, request, url_for
from wtforms import HiddenField, SelectField

from lms import db
from lms.accounts import api_tokens
from lms.accounts.models import ApiToken, TokenScope
from lms.errors import DomainError
from lms.i18n import _, _l, zone_of
from lms.security import access, current_user
from lms.web import reveal
from lms.web.accounts import bp
from lms.web.forms import EmptyForm, TokenForm

_NEVER = "never"


class KeyedTokenForm(TokenForm):
    """The token form with its scope and lifetime, and a hidden one-time submission key, made when the form is
    rendered (as the hours forms have), so that sending the same rendered form twice creates one token. It offers
    "Read only" first: most programs (payroll imports, reports) only read."""

    scope = SelectField(
        _l("Access"), default=TokenScope.READ.value,
        description=_l("Read only: the program can look at data but not change it (it cannot approve or reject hours, "
                       "or export payroll, which locks the pay period). Read and write: it can do everything you can."))
    expires_in = SelectField(
        _l("Expires"), default=str(api_tokens.DEFAULT_EXPIRY_DAYS),
        description=_l("After this the token stops working and the program must be given a new one."))
    idempotency_key = HiddenField()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.idempotency_key.data:
            self.idempotency_key.data = secrets.token_urlsafe(24)
        self.scope.choices = [(s.value, s.title) for s in (TokenScope.READ, TokenScope.WRITE)]  # in today's language
        self.expires_in.choices = [(str(days) if days else _NEVER, _expiry_label(days))
                                   for days in api_tokens.EXPIRY_CHOICES]

    def fill_from(self, replaced: ApiToken | None) -> None:
        """Offer the name and access of the token a new one replaces (the "Create a replacement" link)."""
        if replaced is not None:
            self.name.data = replaced.name
            self.scope.data = replaced.scope.value

    def chosen(self) -> dict[str, Any]:
        """The scope and lifetime as the service takes them."""
        return {"scope": TokenScope(self.scope.data),
                "expires_in_days": None if self.expires_in.data == _NEVER else int(self.expires_in.data)}


def _expiry_label(days: int | None) -> str:
    if days is None:
        # i18n: a choice of how long a new API token stays valid
        return _("Never")
    if days == 365:
        # i18n: a choice of how long a new API token stays valid
        return _("In 1 year")
    # i18n: a choice of how long a new API token stays valid; %(num)d is a number of days (30 or 90)
    return _("In %(num)d days", num=days)


@bp.route("/tokens", methods=["GET", "POST"])
@access.signed_in
def tokens():
    """Post/Redirect/Get: the POST creates the token and redirects, so reloading the page cannot create another, and
    the form's submission key makes a second POST of the same form create nothing; the new secret is shown once, on
    the next GET, and never cached."""
    form = KeyedTokenForm()
    if form.validate_on_submit():
        try:
            token, raw = api_tokens.create_api_token(current_user._get_current_object(), form.name.data,
                                                     form.idempotency_key.data, **form.chosen())
        except DomainError as exc:
            db.session.rollback()
            form.form_errors.append(exc.message)
        else:
            return _token_created(token, raw)
    if request.method == "GET":
        form.fill_from(api_tokens.replaceable_token(current_user, request.args.get("replace", type=int)))
    tokens = api_tokens.list_api_tokens(current_user)
    response = make_response(
        render_template(
            "lms/accounts/tokens.html",
            form=form,
            created=reveal.take("api_token", current_user.id) if request.method == "GET" else None,
            tokens=tokens,
            expiring=api_tokens.expiring_on_page(tokens),
            zone=zone_of(current_user),
            revoke_form=EmptyForm(),
            can_create=api_tokens.can_create_api_token(current_user),
        )
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _token_created(token: Any, raw: str | None):
    """Commit, hold a new secret for the next page, or say the form had already created its token."""
    name = token.name
    db.session.commit()
    if raw is None:
        # i18n: after the API tokens form was sent twice; %(name)s is the name the person gave the token.
        flash(_("This form was already sent, so the token “%(name)s” was created only once. If its secret was not "
                "shown to you, revoke the token and create a new one.", name=name), "info")
    else:
        reveal.keep("api_token", raw, current_user.id)
    return redirect(url_for("lms.accounts.tokens"), 303)


@bp.post("/tokens/<int:token_id>/revoke")
@access.signed_in
def revoke_token(token_id: int):
    if not EmptyForm().validate_on_submit():
        abort(400)
    api_tokens.revoke_api_token(current_user._get_current_object(), token_id)
    db.session.commit()
    flash(_("The token is revoked. Programs using it can no longer sign in."), "success")
    return redirect(url_for("lms.accounts.tokens"))
