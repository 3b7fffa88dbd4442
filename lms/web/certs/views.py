"""Public verification, no sign-in: the form, the page a QR code lands on, bulk verification for employers, and
what Open Badges verifiers read: the signing keys, the issuer's profile and each certificate's revocation list. Every
look-up is rate-limited per client and logged (hashed address); verdicts for people are never cached, and the
revocation list only for a minute."""

from __future__ import annotations

from flask import Response, current_app, jsonify, redirect, render_template, request, url_for

from lms import db
from lms.certificates import bulk, issuance, keys, mistyped, queries, revocation, status
from lms.certificates.codes import display, normalize
from lms.certificates.pasted import too_many_lines
from lms.certificates.verification import MAX_BULK
from lms.db import utcnow
from lms.errors import upload_limit
from lms.i18n import _
from lms.orgs import services as org_services
from lms.security import access, current_user
from lms.web.certs import bp
from lms.web.certs.forms import BulkVerifyForm
from lms.web.certs.helpers import (
    HTTP_STATUS,
    bulk_limit,
    credential_base_url,
    download_headers,
    lookup,
    no_store,
    shown,
    verdicts,
    verify_limit,
    verify_url,
    wants_json,
)
from lms.web.file_names import verification_results_file_name

#: How long a verifier may keep a certificate's revocation list (seconds): a revocation reaches it within a minute.
REVOCATION_LIST_MAX_AGE = 60


@bp.get("/verify")
@access.public
def verify_form():
    """Type a code (or paste its verification link); ``?code=`` goes to its page (a mistyped code is explained here,
    without a look-up)."""
    raw = (request.args.get("code") or "").strip()
    code = normalize(raw)
    if code:
        return redirect(url_for("lms.certificates.verify_page", code=display(code)))
    error = mistyped.message(raw) if raw else None
    page = render_template("lms/certs/verify_form.html", raw=raw, error=error, max_bulk=MAX_BULK)
    return page, 400 if raw else 200


@bp.get("/verify/<code>")
@access.public
@verify_limit
def verify_page(code: str):
    """The verdict for people; for a client asking for JSON, the certificate's 1EdTech revocation list (every signed
    credential names this URL as its ``credentialStatus``)."""
    if wants_json():
        response = _revocation_list(code)
    else:
        [result] = mistyped.explained(lookup([code]) or [{"query": code, "code": code, "status": "invalid"}])
        db.session.commit()  # the look-up log
        reissue_url, reissue_problem = _reissue(result)
        page = render_template("lms/certs/verify.html", result=shown(result), checked_at=utcnow(), revoke_url=_revoke_url(result),
                               reissue_url=reissue_url, reissue_problem=reissue_problem)
        response = no_store(Response(page, HTTP_STATUS[result["status"]]))
    response.vary.add("Accept")
    return response


def _revoke_url(result: dict) -> str | None:
    """The revoke page of this certificate for a signed-in viewer who may revoke it (no look-up for anyone else)."""
    if not current_user or result["status"] not in ("valid", "expired"):
        return None
    cert = queries.get_by_code(result["code"])
    managed = set() if current_user.is_trainer else org_services.managed_org_ids(current_user)
    if cert is None or not revocation.can_revoke(cert, current_user, managed):
        return None
    return url_for("lms.certificates.revoke", code=display(cert.code))


def _reissue(result: dict) -> tuple[str | None, str | None]:
    """For a trainer or site administrator looking at a revoked certificate: the page that issues its holder a
    replacement for its course, or why none can be issued yet (:func:`lms.certificates.issuance.replacement_problem`:
    that page would refuse it); nothing for anyone else (no look-up)."""
    if result["status"] != "revoked" or not current_user.is_trainer:
        return None, None
    cert = queries.get_by_code(result["code"])
    course = issuance.replacement_course(cert) if cert is not None else None
    if course is None:
        return None, None
    problem = issuance.replacement_problem(cert, current_user)
    if problem:
        return None, problem
    return url_for("lms.certificates.issue_hours", course_slug=course.slug, user_id=cert.user_id), None


def _revocation_list(code: str) -> Response:
    [verdict] = verdicts([code]) or [None]
    db.session.commit()  # the look-up log
    cert = verdict.certificate if verdict else None
    if cert is None:
        return no_store(_json_error(verdict.status if verdict else "invalid", code))
    response = jsonify(status.revocation_list(cert, verify_url(cert.code), credential_base_url()))
    response.headers["Cache-Control"] = f"public, max-age={REVOCATION_LIST_MAX_AGE}"
    return response


def _json_error(verdict: str, code: str) -> Response:
    """The JSON API's error shape, for a code that is unknown (404) or not shaped like a code (400)."""
    message = _("No certificate has this code.") if verdict == "not_found" else mistyped.message(code)
    response = jsonify({"error": {"code": "not_found" if verdict == "not_found" else "invalid_code", "message": message}})
    response.status_code = HTTP_STATUS[verdict]
    return response


@bp.route("/verify/bulk", methods=["GET", "POST"])
@access.public
@upload_limit(lambda: bulk.MAX_UPLOAD_BYTES)
@bulk_limit
def verify_bulk():
    form = BulkVerifyForm()
    if not form.validate_on_submit():
        return render_template("lms/certs/bulk.html", form=form, results=None), 400 if request.method == "POST" else 200
    queries = _checked_queries(form)
    if queries is None:
        return render_template("lms/certs/bulk.html", form=form, results=None), 400
    results = bulk.mark_repeats(mistyped.explained(bulk.mark_numbers(lookup(queries))))
    db.session.commit()
    if request.form.get("format") == "csv":
        return no_store(
            Response(bulk.results_csv(results), mimetype="text/csv", headers=download_headers(verification_results_file_name()))
        )
    counts = bulk.summary(results, (*HTTP_STATUS, bulk.NUMBER))
    page = render_template(
        "lms/certs/bulk.html",
        form=form,
        results=[shown(r) for r in results],
        counts=counts,
        queries="\n".join(r["code"] if r.get("number") else r["query"] for r in results),
    )
    return no_store(Response(page))


def _checked_queries(form: BulkVerifyForm) -> list[str] | None:
    """The codes sent, or None with the reason on the form's field: a file that cannot be read, no code at all (an
    empty file, a header row alone: nothing to verify or download), or more than :data:`MAX_BULK`."""
    if too_many_lines(form.codes.data or ""):
        form.codes.errors = [*form.codes.errors, _("That is too much text: paste at most %(max)d codes.", max=MAX_BULK)]
        return None
    pasted = bulk.codes_from_text(form.codes.data or "")  # once: up to Flask's MAX_FORM_MEMORY_SIZE of text
    try:
        queries = pasted + _uploaded(form)
    except bulk.UploadError as exc:
        form.file.errors = [*form.file.errors, str(exc)]
        return None
    if not queries:
        field = form.file if form.file.data else form.codes
        field.errors = [*field.errors, _("No certificate codes were found in this file.") if form.file.data
                        else _("No certificate codes were found in what you pasted.")]
        return None
    if len(queries) > MAX_BULK:
        # on the field that sent too many: the file, unless the pasted codes alone are too many
        field = form.file if form.file.data and len(pasted) <= MAX_BULK else form.codes
        field.errors = [
            *field.errors,
            _("You sent %(count)d codes; verify at most %(max)d at a time.", count=len(queries), max=MAX_BULK),
        ]
        return None
    return queries


def _uploaded(form: BulkVerifyForm) -> list[str]:
    upload = form.file.data
    return bulk.codes_from_upload(upload.filename or "", upload.read(bulk.MAX_UPLOAD_BYTES + 1)) if upload else []


@bp.get("/.well-known/jwks.json")
@access.public
def jwks():
    """The public keys that sign the Open Badges credentials (the first one is made on first use)."""
    created = keys.current_key() is None
    keys.ensure_key()
    if created:
        db.session.commit()
    response = jsonify(keys.jwks())
    response.headers["Cache-Control"] = "public, max-age=300"
    return response


@bp.get("/issuer")
@access.public
def issuer():
    """The issuer's Open Badges Profile, at the ``issuer.id`` every signed credential names."""
    profile = status.issuer_profile(credential_base_url(), current_app.config["LMS_CERT_ISSUER_NAME"])
    response = jsonify(profile)
    response.headers["Cache-Control"] = "public, max-age=300"
    return response
