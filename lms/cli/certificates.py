"""``lms certificates ...`` and ``lms keys ...``: issue, revoke, render and verify certificates; manage signing keys."""

from __future__ import annotations

import sys
from datetime import datetime
from decimal import Decimal, InvalidOperation

import click
from flask.cli import with_appcontext

from lms import db
from lms.accounts.services import get_confirmed_user_by_email, get_user_by_email
from lms.catalog.services import find_course
from lms.certificates import codes, credential, dates, issuance, keys, lookup, revocation, training
from lms.errors import DomainError


@click.group("certificates", help="Certificates of completion.")
def certificates_group() -> None:
    pass


def _hours(_ctx: click.Context, param: click.Parameter, value: str | None) -> int | None:
    """An hours option as minutes: a number with a decimal point, in quarter hours (as the web form takes them)."""
    if value is None:
        return None
    try:
        hours = Decimal(value.strip())
    except InvalidOperation:
        raise click.BadParameter(f"{value!r} is not a number of hours (e.g. 1.5)", param=param) from None
    if not hours.is_finite() or hours < 0 or hours * 4 != (hours * 4).to_integral_value():
        raise click.BadParameter(f"{value!r}: give 0 or more hours in quarter-hour steps (e.g. 1.25 or 1.5)", param=param)
    if hours > training.MAX_STATED_HOURS:
        raise click.BadParameter(f"{value!r}: at most {training.MAX_STATED_HOURS} hours", param=param)
    return int(hours * 60)


def _hours_option(name: str, kind: str):
    return click.option(
        name,
        callback=_hours,
        metavar="HOURS",
        help=f"Hours of {kind} training the certificate states (default: what the trainee completed in the LMS).",
    )


@certificates_group.command("issue")
@click.option("--email", required=True, help="The trainee's account email.")
@click.option("--course", "course_slug", required=True, help="Course slug.")
@click.option("--reason", required=True, help="Why the certificate is issued by hand (kept in the audit log).")
@click.option("--by", "by_email", default="",
              help="Email of the active admin or trainer issuing it (default: nobody named; the audit log shows it was "
                   "issued from the command line).")
@_hours_option("--live-hours", "live (synchronous)")
@_hours_option("--self-paced-hours", "self-paced (asynchronous)")
@_hours_option("--field-hours", "supervised field experience")
@click.option(
    "--completed-on",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="Day the training was completed, YYYY-MM-DD (default: the day the LMS recorded, or today).",
)
@with_appcontext
def issue(
    email: str,
    course_slug: str,
    reason: str,
    by_email: str,
    live_hours: int | None,
    self_paced_hours: int | None,
    field_hours: int | None,
    completed_on: datetime | None,
) -> None:
    """Issue a certificate by hand and print its verification code.

    It states the hours given for each kind of training; a kind not given states the credited minutes of the modules
    of that kind the trainee completed in the LMS. A total of 0 is refused, as on the web.
    """
    user = get_confirmed_user_by_email(email)  # never an account made with someone else's address
    course = find_course(course_slug)
    if user is None:
        raise click.ClickException(f"No account with email {email}, or its owner has not confirmed it yet")
    if course is None:
        raise click.ClickException(f"No course with slug {course_slug}")
    actor = _actor(by_email)
    existing = issuance.get_certificate(user, course)
    if existing is not None:
        click.echo(
            f"{_line(existing, user, course)}  (already issued on {existing.snapshot['issued_on']}, "
            f"status {existing.status.value}; nothing new)"
        )
        return
    stated = _stated(training.get_credited_minutes(user, course), live_hours, self_paced_hours, field_hours)
    replaced = issuance.get_revoked(user, course)
    try:
        cert = issuance.issue_manually(user, course, actor, reason, stated, completed_on.date() if completed_on else None)
    except DomainError as exc:
        raise click.ClickException(exc.message) from exc
    db.session.commit()
    click.echo(_line(cert, user, course))
    if replaced is not None:
        click.echo(f"Replaces {replaced.number}, revoked on {dates.revoked_on(replaced).isoformat()}")
    click.echo(
        f"States {_h(stated.total)} h: live {_h(stated.live)} h, self-paced {_h(stated.self_paced)} h, "
        f"field experience {_h(stated.field)} h"
    )


def _stated(
    credited: training.TrainingMinutes, live: int | None, self_paced: int | None, field: int | None
) -> training.TrainingMinutes:
    """The minutes given on the command line, the LMS-credited ones for a kind not given; never 0 in all."""
    stated = training.TrainingMinutes(
        live=credited.live if live is None else live,
        self_paced=credited.self_paced if self_paced is None else self_paced,
        field=credited.field if field is None else field,
    )
    if stated.total == 0:
        raise click.ClickException(
            "A certificate cannot state 0 hours of training, and the LMS credits none for the kinds not given: "
            "give the hours completed with --live-hours, --self-paced-hours or --field-hours"
        )
    return stated


def _line(cert, user, course) -> str:
    return f"{codes.display(cert.code)}  {cert.number}  {user.email}  {course.slug} v{cert.course_version}"


def _h(minutes: int) -> str:
    """Minutes as hours for the terminal: ``90`` → ``1.5``, ``80`` → ``1.33``."""
    return f"{minutes / 60:.2f}".rstrip("0").rstrip(".")


class CommandLine:
    """Who issues or revokes when ``--by`` names nobody: whoever runs the command on the server, whom the LMS cannot
    name. Its rows have no person (``id`` None) and say they were made from the command line (:mod:`lms.cli`)."""

    id = None
    is_trainer = True
    is_admin = True


def _actor(by_email: str):
    """The active site admin or trainer ``--by`` names, else :class:`CommandLine` without ``--by``; a one-line reason
    (exit 1) for an address of nobody, of someone else, or of a disabled account."""
    if not by_email.strip():
        return CommandLine()
    actor = get_user_by_email(by_email)
    if actor is None:
        raise click.ClickException(f"--by {by_email}: no account has this email address")
    if not actor.is_trainer:
        raise click.ClickException(f"--by {by_email}: a site admin or trainer is needed, and this account is a "
                                   f"{actor.role.value}")
    if not actor.is_active:
        raise click.ClickException(f"--by {by_email}: this account is disabled")
    return actor


@certificates_group.command("revoke")
@click.argument("code")
@click.option("--reason", required=True, help="Why it is revoked (shown on verification).")
@click.option("--by", "by_email", default="",
              help="Email of the active admin or trainer revoking it (default: nobody named; the audit log shows it "
                   "was revoked from the command line).")
@with_appcontext
def revoke(code: str, reason: str, by_email: str) -> None:
    """Revoke a certificate; verification shows it as revoked at once. CODE is its verification code (28 letters
    and digits, hyphens optional) or its number (CHW-2026-000123)."""
    actor = _actor(by_email)
    cert = _find(code)
    try:
        cert = revocation.revoke(cert.code, reason, actor)
    except DomainError as exc:
        raise click.ClickException(exc.message) from exc
    db.session.commit()
    click.echo(f"Revoked {codes.display(cert.code)} ({cert.number})")


def _find(code: str):
    cert = lookup.find_by_code_or_number(code)
    if cert is None:
        raise click.ClickException(f"No certificate has the verification code or number {code}")
    return cert


@certificates_group.command("pdf")
@click.argument("code")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, writable=True), help="PDF file to write.")
@click.option("--lang", default="en", show_default=True, help="Language of the certificate (en, es).")
@click.option("--bilingual", is_flag=True, help="English and Spanish, one page each.")
@with_appcontext
def pdf(code: str, output: str, lang: str, bilingual: bool) -> None:
    """Render a certificate's PDF to a file and print its path. CODE is its verification code (28 letters and
    digits, hyphens optional) or its number (CHW-2026-000123)."""
    from flask import current_app

    from lms.certificates import render
    from lms.certificates.models import CertificateStatus
    from lms.web.urls import external_url

    if lang not in current_app.config["LMS_LOCALES"]:
        raise click.ClickException(f"Unknown language {lang!r}; use one of {', '.join(current_app.config['LMS_LOCALES'])}")
    cert = _find(code)
    if cert.status is CertificateStatus.REVOKED:
        raise click.ClickException(f"Certificate {cert.number} is revoked; no PDF is made for it")
    with current_app.test_request_context():  # to build the verification URL printed and encoded in the QR code
        try:
            verify_url = external_url("lms.certificates.verify_page", code=codes.display(cert.code))
        except RuntimeError as exc:
            raise click.ClickException(str(exc)) from exc
        data = render.render_pdf(cert, lang, verify_url, bilingual=bilingual)
    try:
        with open(output, "wb") as handle:
            handle.write(data)
    except OSError as exc:
        raise click.ClickException(f"Cannot write {output}: {exc.strerror}") from exc
    click.echo(output)


@certificates_group.command("verify-jwt")
@click.argument("file", type=click.File("r"))
@click.option("--jwks", "jwks_source", required=True, help="JWKS file path or URL (e.g. https://site/.well-known/jwks.json).")
def verify_jwt(file, jwks_source: str) -> None:
    """Verify a credential.jwt against a JWKS: its signature, then, when this site's database can be read, whether
    it is revoked or expired. Exits 1 if it is invalid, revoked or expired; says so when only the signature was checked."""
    try:
        key_set = credential.load_jwks(jwks_source)
    except (OSError, ValueError, KeyError) as exc:
        raise click.ClickException(f"Cannot read the JWKS: {exc}") from exc
    try:
        claims = credential.verify_jwt(file.read(), key_set)
    except credential.CredentialInvalid as exc:
        click.echo(f"INVALID: {exc}", err=True)
        sys.exit(1)
    subject = claims.get("credentialSubject", {})
    what = (
        f"{claims.get('name')} issued by {claims.get('issuer', {}).get('name')} "
        f"on {claims.get('validFrom')}; credits {subject.get('creditsEarned')}"
    )
    check, unchecked_because = _credential_status(claims)
    cert = check.certificate
    if check.status == "revoked":
        click.echo(f"REVOKED: {what}; revoked on {dates.revoked_on(cert).isoformat()}: {cert.revocation_reason}", err=True)
        sys.exit(1)
    if check.status == "expired":
        click.echo(f"EXPIRED: {what}; valid until {claims.get('validUntil')}", err=True)
        sys.exit(1)
    if check.status == "valid":
        click.echo(f"VALID: {what} (signature checked; not revoked and not expired in this site's database)")
        return
    status_url = (claims.get("credentialStatus") or {}).get("id")
    click.echo(
        f"SIGNATURE VALID, STATUS NOT CHECKED: {what}. Revocation was not checked: {unchecked_because}. Check it at {status_url}"
    )


def _credential_status(claims: dict):
    """The credential's status in this site's database (loading the app when run outside it), or what the signed
    claims alone say, with the reason the database could not tell."""
    from flask import current_app
    from flask.cli import ScriptInfo

    from lms.certificates import status
    from lms.db import utcnow

    now = utcnow()
    try:
        if current_app:
            check = status.check_credential(claims, now)
        else:
            with click.get_current_context().ensure_object(ScriptInfo).load_app().app_context():
                check = status.check_credential(claims, now)
    except Exception as exc:  # no app, no configuration or no database here: only the signature could be checked
        reason = (str(exc).strip().splitlines() or [type(exc).__name__])[0][:200]
        return status.signed_status(claims, now), f"this site's database could not be read ({reason})"
    return check, "this site's database has no certificate for this credential"


@click.group("keys", help="Credential-signing keys.")
def keys_group() -> None:
    pass


@keys_group.command("generate")
@with_appcontext
def generate() -> None:
    """Create the signing key if there is none (safe to run again)."""
    key = keys.current_key()
    if key is not None:
        click.echo(f"Signing key already present: {key.kid}")
        return
    key = keys.generate_key()
    db.session.commit()
    click.echo(f"Generated signing key {key.kid}")


@keys_group.command("rotate")
@with_appcontext
def rotate() -> None:
    """Make a new current key; older public keys stay published so earlier credentials still verify."""
    key = keys.generate_key()
    db.session.commit()
    click.echo(f"New signing key {key.kid}; older keys remain in the JWKS")
