"""Home page, dashboard, the language switcher and static files."""

from __future__ import annotations

from flask import Blueprint, current_app, redirect, render_template, request, send_from_directory, session, url_for

from lms import db
from lms.accounts import languages
from lms.hours.compliance import list_own_ce_status
from lms.hours.resubmissions import count_sent_back, only_sent_back
from lms.i18n import SESSION_KEY, current_locale, supported_locales
from lms.orgs.services import list_user_memberships
from lms.security import access, current_user
from lms.web import static_files
from lms.web.learn.listing import my_courses
from lms.web.safety import safe_next

bp = Blueprint("main", __name__)


@bp.get("/")
@access.public
def home():
    if not current_user:
        return render_template("lms/main/home.html")
    memberships = list_user_memberships(current_user)
    sent_back = count_sent_back(current_user)
    return render_template("lms/main/dashboard.html", memberships=memberships,
                           enrollments=my_courses(current_user, current_locale()),
                           ce=list_own_ce_status(memberships), sent_back=sent_back,
                           sent_back_entry=only_sent_back(current_user) if sent_back == 1 else None)


@bp.post("/language")
@access.public
def set_language():
    """Switch language: kept in the session, and saved to the profile of a signed-in user."""
    lang = request.form.get("lang", "")
    if lang in supported_locales():
        session[SESSION_KEY] = lang
        if current_user:
            user = current_user._get_current_object()
            languages.set_language(user, lang, user)
            db.session.commit()
    return redirect(safe_next(request.form.get("next")) or url_for("lms.main.home"))


@bp.get("/static/<path:filename>")
@access.public
def static(filename: str):
    """A static file; under its current version (``?v=``, :func:`lms.web.static_files.static_url`) for a year and
    ``immutable``. No session is read (``lms.web.auth.SESSIONLESS_ENDPOINTS``): the same response for everyone."""
    versioned = request.args.get("v") is not None and request.args.get("v") == static_files.version(filename)
    max_age = static_files.VERSIONED_MAX_AGE if versioned else (
        current_app.config.get("SEND_FILE_MAX_AGE_DEFAULT") or static_files.PLAIN_MAX_AGE)
    response = send_from_directory(static_files.STATIC_DIR, filename, max_age=max_age)
    response.cache_control.public = True
    response.cache_control.immutable = versioned
    return response
