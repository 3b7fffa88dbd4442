"""``lms certificates ...`` and ``lms keys ...``: issue, revoke, render and verify certificates; manage signing keys."""

from __future__ import annotations

import sys

import click
from flask.cli import with_appcontext

from lms import db
from lms.accounts.services import get_user_by_email
from lms.catalog.services import find_course
from lms.certificates import codes, credential, issuance, keys, revocation
from lms.errors import DomainError


@click.group("certificates", help="Certificates of completion.")
def certificates_group() -> None:
    pass


@certificates_group.command("issue")
@click.option("--email", required=True, help="The trainee's account email.")
@click.option("--course", "course_slug", required=True, help="Course slug.")
@click.option("--reason", required=True, help="Why the certificate is issued by hand (kept in the audit log).")
@click.option("--by", "by_email", default="", help="Email of the admin or trainer issuing it (default: first admin).")
@with_appcontext
def issue(email: str, course_slug: str, reason: str, by_email: str) -> None:
    """Issue a certificate by hand and print its verification code."""
    user = get_user_by_email(email)
    course = find_course(course_slug)
    if user is None:
        raise click.ClickException(f"No account with email {email}")
    if course is None:
        raise click.ClickException(f"No course with slug {course_slug}")
    actor = get_user_by_email(by_email) if by_email else _first_admin()
    if actor is None or not actor.is_trainer:
        raise click.ClickException("--by must be a site admin or trainer (and there is no admin to default to)")
    existing = issuance.get_certificate(user, course)
    try:
        cert = issuance.issue_manually(user, course, actor, reason)
    except DomainError as exc:
        raise click.ClickException(exc.message) from exc
    db.session.commit()
    line = f"{codes.display(cert.code)}  {cert.number}  {user.email}  {course.slug} v{cert.course_version}"
    if existing is not None:
        click.echo(f"{line}  (already issued on {cert.issued_at:%Y-%m-%d}, status {cert.status.value}; nothing new)")
    else:
        click.echo(line)


def _first_admin():
    from sqlalchemy import select

    from lms.accounts.models import SiteRole, User

    return db.session.execute(select(User).where(User.role == SiteRole.ADMIN).order_by(User.id)).scalars().first()


@certificates_group.command("revoke")
@click.argument("code")
@click.option("--reason", required=True, help="Why it is revoked (shown on verification).")
@click.option("--by", "by_email", default="", help="Email of the admin revoking it (default: first admin).")
@with_appcontext
def revoke(code: str, reason: str, by_email: str) -> None:
    """Revoke a certificate; verification shows it as revoked at once."""
    actor = get_user_by_email(by_email) if by_email else _first_admin()
    if actor is None:
        raise click.ClickException("--by must name an existing admin (and there is no admin to default to)")
    try:
        cert = revocation.revoke(code, reason, actor)
    except DomainError as exc:
        raise click.ClickException(exc.message) from exc
    db.session.commit()
    click.echo(f"Revoked {codes.display(cert.code)} ({cert.number})")


@certificates_group.command("pdf")
@click.argument("code")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, writable=True), help="PDF file to write.")
@click.option("--lang", default="en", show_default=True, help="Language of the certificate (en, es).")
@click.option("--bilingual", is_flag=True, help="English and Spanish, one page each.")
@with_appcontext
def pdf(code: str, output: str, lang: str, bilingual: bool) -> None:
    """Render a certificate's PDF to a file and print its path."""
    from flask import current_app

    from lms.certificates import queries, render
    from lms.certificates.models import CertificateStatus
    from lms.web.urls import external_url

    if lang not in current_app.config["LMS_LOCALES"]:
        raise click.ClickException(f"Unknown language {lang!r}; use one of {', '.join(current_app.config['LMS_LOCALES'])}")
    cert = queries.get_by_code(code)
    if cert is None:
        raise click.ClickException(f"No certificate has the code {code}")
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
    """Verify a credential.jwt offline against a JWKS (no database needed)."""
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
    click.echo(f"VALID: {claims.get('name')} issued by {claims.get('issuer', {}).get('name')} "
               f"on {claims.get('validFrom')}; credits {subject.get('creditsEarned')}")


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
