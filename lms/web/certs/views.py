"""Public verification, no sign-in: the form, the page a QR code lands on, bulk verification for employers, and the
signing keys. Every look-up is rate-limited per client and logged (hashed address); answers are never cached."""

from __future__ import annotations

from flask import Response, jsonify, redirect, render_template, request, url_for

from lms import db
from lms.certificates import bulk, keys
from lms.certificates.codes import display, normalize
from lms.certificates.verification import MAX_BULK
from lms.db import utcnow
from lms.i18n import _
from lms.security import access
from lms.web.certs import bp
from lms.web.certs.forms import BulkVerifyForm
from lms.web.certs.helpers import HTTP_STATUS, bulk_limit, download_headers, lookup, no_store, shown, verify_limit


@bp.get("/verify")
@access.public
def verify_form():
    """Type a code; ``?code=`` goes to its page (a mistyped code is explained here, without a look-up)."""
    raw = (request.args.get("code") or "").strip()
    code = normalize(raw)
    if code:
        return redirect(url_for("lms.certificates.verify_page", code=display(code)))
    error = _("This is not a certificate code. Codes have 28 letters and digits, often in groups of four.") if raw else None
    page = render_template("lms/certs/verify_form.html", raw=raw, error=error, max_bulk=MAX_BULK)
    return page, 400 if raw else 200


@bp.get("/verify/<code>")
@access.public
@verify_limit
def verify_page(code: str):
    [result] = lookup([code]) or [{"query": code, "code": code, "status": "invalid"}]
    db.session.commit()  # the look-up log
    page = render_template("lms/certs/verify.html", result=shown(result), checked_at=utcnow())
    return no_store(Response(page, HTTP_STATUS[result["status"]]))


@bp.route("/verify/bulk", methods=["GET", "POST"])
@access.public
@bulk_limit
def verify_bulk():
    form = BulkVerifyForm()
    if not form.validate_on_submit():
        return render_template("lms/certs/bulk.html", form=form, results=None), 400 if request.method == "POST" else 200
    try:
        queries = _queries(form)
    except bulk.UploadError as exc:
        form.file.errors = [*form.file.errors, str(exc)]
        return render_template("lms/certs/bulk.html", form=form, results=None), 400
    if len(queries) > MAX_BULK:
        form.codes.errors = [*form.codes.errors, _("You sent %(count)d codes; verify at most %(max)d at a time.",
                                                   count=len(queries), max=MAX_BULK)]
        return render_template("lms/certs/bulk.html", form=form, results=None), 400
    results = lookup(queries)
    db.session.commit()
    if request.form.get("format") == "csv":
        return no_store(Response(bulk.results_csv(results), mimetype="text/csv",
                                 headers=download_headers("certificate-verification.csv")))
    counts = {status: sum(1 for r in results if r["status"] == status) for status in HTTP_STATUS}
    page = render_template("lms/certs/bulk.html", form=form, results=[shown(r) for r in results], counts=counts,
                           queries="\n".join(r["code"] if r.get("number") else r["query"] for r in results))
    return no_store(Response(page))


def _queries(form: BulkVerifyForm) -> list[str]:
    queries = bulk.codes_from_text(form.codes.data or "")
    upload = form.file.data
    if upload:
        queries += bulk.codes_from_upload(upload.filename or "", upload.read(bulk.MAX_UPLOAD_BYTES + 1))
    return queries


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
