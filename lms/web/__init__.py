"""The web layer: blueprints, request hooks, error handlers and template helpers, registered by the extension."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Flask, current_app, url_for
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup, escape
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException

from lms import errors, security, security_headers
from lms.catalog.quiz_texts import quiz_title
from lms.i18n import (
    current_locale,
    format_minutes,
    format_money,
    format_when,
    format_when_zoned,
    is_rtl,
    language_name,
    language_url,
    locale_names,
    remember_asked_language,
)
from lms.resources import resource_path
from lms.timezones import format_zone
from lms.web.auth import load_user
from lms.web.error_summary import error_summary_attrs, focus_box_attrs, page_shows_errors
from lms.web.static_files import static_url
from lms.web.urls import link


def register(app: Flask, lms_bp: Blueprint) -> None:
    """Attach every LMS area to the ``lms`` blueprint and the few app-wide helpers the templates need."""
    from lms.api import bp as api_bp
    from lms.cli import lms_cli
    from lms.web import accounts, admin, authoring, certs, health, hours, learn, live, main, orgs

    lms_bp.template_folder = str(resource_path("templates"))
    for area in (main.bp, health.bp, accounts.bp, learn.bp, authoring.bp, live.bp, hours.bp, certs.bp, orgs.bp,
                 admin.bp, api_bp):
        lms_bp.register_blueprint(area)
    lms_bp.before_request(load_user)
    lms_bp.before_request(remember_asked_language)  # before a redirect to sign in (an emailed link's ``?lang=``)
    lms_bp.before_request(security.enforce_policy)
    lms_bp.before_request(security.reject_nul_bytes)
    lms_bp.before_request(security.reject_out_of_range_ids)
    lms_bp.before_request(security.check_csrf)
    _register_error_handlers(lms_bp)
    if app.config["LMS_HANDLE_APP_ERRORS"]:
        app.before_request(load_user)
        _register_error_handlers(app)
    # Every response of the app, or (mounted in a host that keeps its own headers) the LMS's only: not both.
    (app if app.config["LMS_SECURE_ALL_RESPONSES"] else lms_bp).after_request(security_headers.add_security_headers)
    app.context_processor(_template_context)
    app.jinja_env.globals["lms_link"] = link  # the layout's links, built once per process
    app.jinja_env.globals["lms_static"] = static_url  # a static file's address, carrying its content's version
    # globals, not context: the form macros are imported without the page's context
    app.jinja_env.globals.update(lms_error_summary=error_summary_attrs, lms_focus_box=focus_box_attrs,
                                 lms_page_shows_errors=page_shows_errors)
    app.jinja_env.filters.update(lms_when=format_when, lms_when_zoned=format_when_zoned, lms_minutes=format_minutes,
                                 lms_money=format_money, lms_lines=text_lines, lms_zone=format_zone)
    app.cli.add_command(lms_cli)


def _register_error_handlers(target: Any) -> None:
    target.register_error_handler(OperationalError, errors.handle_database_down)
    target.register_error_handler(HTTPException, errors.handle_http_error)
    target.register_error_handler(errors.DomainError, errors.handle_domain_error)
    target.register_error_handler(Exception, errors.handle_unexpected)


def _template_context() -> dict[str, Any]:
    return {
        "lms_user": security.current_user._get_current_object(),  # once per page, not through the proxy each time
        "lms_locale": current_locale,
        "lms_locales": locale_names,
        "lms_language_url": language_url,
        "lms_language_name": language_name,
        "lms_rtl": is_rtl,
        "lms_base": current_app.config["LMS_BASE_TEMPLATE"],
        "lms_site_name": current_app.config["LMS_SITE_NAME"],
        "lms_csrf_token": generate_csrf,
        "lms_managed_orgs": lambda: sorted(security.manager_org_slugs(security.current_user))
        if security.current_user
        else [],
        "lms_url": url_for,
        "lms_may_register_org": _may_register_org,
        "lms_may_log_field": _may_log_field,
        "lms_quiz_title": quiz_title,
    }


def _may_register_org() -> bool:
    """Whether to offer "Register an organisation" (``LMS_ORG_CREATION``; the page refuses it the same way)."""
    from lms.orgs.creation import may_create_orgs

    user = security.current_user._get_current_object()
    return may_create_orgs(user, current_app.config["LMS_ORG_CREATION"])


def _may_log_field() -> bool:
    """Whether to offer "Log field experience": the person has an employer today, whose managers sign it off
    (:func:`lms.hours.field_experience.has_employer_today`)."""
    from lms.hours.field_experience import has_employer_today

    return has_employer_today(security.current_user._get_current_object())


def text_lines(value: str | None) -> Markup:
    """Plain text shown with its line breaks (a summary pasted as a list of points): escaped, then each line break a
    ``<br>``, so no HTML an author typed gets through."""
    return Markup("<br>\n").join(escape(line) for line in (value or "").splitlines())
