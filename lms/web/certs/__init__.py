"""Certificates on the web: public verification (single and bulk), PDFs, my certificates, staff certificates,
revocation and manual issuance."""

from flask import Blueprint

bp = Blueprint("certificates", __name__)

from lms.web.certs import people, views  # noqa: E402,F401
