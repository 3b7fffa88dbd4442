"""``lms create-user``."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from lms import db
from lms.accounts import password_reset, services
from lms.accounts.email_rules import check_email_address
from lms.accounts.models import SiteRole, User
from lms.errors import DomainError


@click.command("create-user")
@click.option("--email", required=True, help="The person's email address (their sign-in name).")
@click.option("--name", required=True, help="The person's full name, as certificates print it.")
@click.option("--role", type=click.Choice([r.value for r in SiteRole]), default="trainee", show_default=True,
              help="Site role; an admin can change it later on /admin/users.")
@click.option("--language", default=None, metavar="LOCALE",
              help="The account's language (one of LMS_LOCALES, e.g. en or es): its emails are written in it.")
@click.option("--password", default=None,
              help="The password. Leave it out to be asked for it (typed twice, not shown), or use --send-reset.")
@click.option("--send-reset", is_flag=True,
              help="Set no password: email the person a link to choose one (the password-reset link, in the "
                   "account's language). Needs working email settings and LMS_BASE_URL.")
@with_appcontext
def create_user(email: str, name: str, role: str, language: str | None, password: str | None, send_reset: bool) -> None:
    """Create an account. The password is asked for (typed twice, not shown) unless --password or --send-reset is
    given. Exits non-zero, creating nothing, on an invalid email address, a taken one, a weak password or a link
    that could not be sent."""
    locales = current_app.config["LMS_LOCALES"]
    if language is not None and language not in locales:
        raise click.BadParameter(f"{language!r}; use one of {', '.join(locales)}", param_hint="--language")
    if send_reset and password is not None:
        raise click.UsageError("Give --password or --send-reset, not both.")
    try:
        email = check_email_address(email)  # trimmed, its domain in ASCII (IDNA) form as the forms keep it
    except DomainError as exc:
        raise click.ClickException(f"{email!r}: {exc.message}") from exc
    if not send_reset and password is None:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        user = services.register_user(email.strip(), name, password, locale=language, role=SiteRole(role))
    except DomainError as exc:
        raise click.ClickException(exc.message) from exc
    if send_reset:
        _send_password_link(user)
    db.session.commit()
    click.echo(f"Created {user.email} ({user.role.value})")
    if send_reset:
        click.echo(f"Emailed {user.email} a link to choose a password")


def _send_password_link(user: User) -> None:
    """The password-reset link, in an email that says the account is new; nothing is kept if it cannot be sent."""
    from lms.notify.services import MailError, recipient_locale, send_email
    from lms.web.urls import external_url

    config = current_app.config
    token = password_reset.make_reset_token(user, config["SECRET_KEY"])
    try:
        with current_app.test_request_context():  # url_for outside a request
            link = external_url("lms.accounts.reset", token=token)
            again = external_url("lms.accounts.reset_request")
        send_email(user.email, "account_created", recipient_locale(user), user=user, link=link, again=again,
                   minutes=config["LMS_PASSWORD_RESET_MAX_AGE"] // 60)
    except (MailError, RuntimeError) as exc:
        db.session.rollback()
        raise click.ClickException(f"The account was not created: the email could not be sent ({exc}).") from exc
