"""Organisation pages: the list, create, the staff list and settings. The blueprint's other pages are in
``lms.web.org_staff`` (a staff member), ``lms.web.org_invitations`` (invitations) and ``lms.web.org_roster`` (roster
import)."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for

from lms import db
from lms.certificates import withheld
from lms.db import utcnow
from lms.edit_versions import ChangedSinceError
from lms.errors import DomainError, error_page
from lms.hours.pay_calendar import first_period_after_exports, new_schedule_start
from lms.hours.schedule_change import count_unexported
from lms.i18n import _, format_when, ngettext, to_local
from lms.orgs import creation, invitations, queries, services
from lms.orgs import settings as org_settings
from lms.orgs.models import Invitation, Organisation
from lms.security import access, current_user
from lms.web.edit_conflicts import EditCheck
from lms.web.forms import EmptyForm
from lms.web.invitation_mail import send_invitations
from lms.web.org_forms import NewOrgForAdminForm, OrgForm, show_error
from lms.web.org_limits import org_creation_limit

bp = Blueprint("orgs", __name__, url_prefix="/orgs")


@bp.get("/")
@access.signed_in
def index():
    if current_user.is_admin:
        overviews = queries.list_org_overviews()
        registered_on = {o.org.id: to_local(o.org.created_at).date() for o in overviews}  # the viewer's calendar
        return render_template("lms/orgs/index.html", orgs=None, overviews=overviews, registered_on=registered_on)
    return render_template("lms/orgs/index.html", orgs=services.managed_orgs(current_user), overviews=None)


@bp.route("/new", methods=["GET", "POST"])
@access.signed_in
@org_creation_limit
def create():
    """Register an organisation. Its creator manages it; a site administrator may instead name its first manager,
    who is invited (the administrator is then not put on its staff). Who may: ``LMS_ORG_CREATION``."""
    try:
        creation.check_may_create_orgs(current_user._get_current_object(), current_app.config["LMS_ORG_CREATION"])
    except creation.EmailNotConfirmed as exc:  # the banner above the message has the "Resend" button
        return error_page(403, _("Confirm your email address first"), exc.message)
    form = NewOrgForAdminForm() if current_user.is_admin else OrgForm()
    if request.method == "GET":
        form.timezone.data = current_app.config["LMS_DEFAULT_TIMEZONE"]
    if form.validate_on_submit():
        try:
            org, sent = _register(form)
        except DomainError as exc:
            db.session.rollback()
            show_error(form, exc, default="slug")
        else:
            if sent is None:
                flash(_("%(name)s is created. You are its manager.", name=org.name), "success")
            else:
                send_invitations(org, [sent], _("%(name)s is created. We emailed %(email)s an invitation to manage "
                                                "it; you are not on its staff.", name=org.name, email=sent[0].email))
            return redirect(url_for("lms.orgs.show", org_slug=org.slug))
    return render_template("lms/orgs/form.html", form=form, org=None)


def _register(form: OrgForm) -> tuple[Organisation, tuple[Invitation, str] | None]:
    """Create the organisation (and the first manager's invitation, when an administrator named one), and commit."""
    actor = current_user._get_current_object()
    email = getattr(form, "first_manager_email", None)
    if email is None or not (email.data or "").strip():
        org = services.create_org(form.slug.data, form.settings(), actor)
        db.session.commit()
        return org, None
    org, invitation, raw = invitations.register_for_manager(
        form.slug.data, form.settings(), actor, email.data, form.first_manager_name.data,
        current_app.config["LMS_INVITATION_MAX_AGE_DAYS"])
    db.session.commit()
    return org, (invitation, raw)


@bp.get("/<org_slug>/")
@access.org_manager
def show(org_slug: str):
    org = services.get_org(org_slug)
    return render_template(
        "lms/orgs/show.html",
        org=org,
        members=services.list_members(org),
        former=queries.list_former_members(org),
        invitations=invitations.list_open_invitations(org),
        now=utcnow(),
        csrf_form=EmptyForm(),
        withheld_ids=withheld.staff_ids_for_org(org.id),
    )


@bp.route("/<org_slug>/settings", methods=["GET", "POST"])
@access.org_manager
def settings(org_slug: str):
    """The settings form carries the version it was opened on: a save over settings saved since (another tab, another
    manager) is refused with 409, naming them and showing their saved values (:mod:`lms.web.edit_conflicts`)."""
    org = services.get_org(org_slug)
    form = OrgForm(kept_name=org.name)
    if request.method == "GET":
        form.fill_from(org)
    form.slug.data = org.slug  # the short name is fixed once created
    edit = EditCheck.carried(lambda: org_settings.settings_version(org))
    if form.validate_on_submit():
        schedule = (org.pay_period, org.pay_period_anchor)
        try:
            moved = org_settings.update_settings(org, form.settings(), current_user._get_current_object(), edit.seen)
        except ChangedSinceError as exc:
            db.session.rollback()
            edit.refused([OrgForm.FIELD_OF.get(name, name) for name in exc.fields], org_settings.settings_version(org),
                         OrgForm.saved(org))
        except DomainError as exc:
            show_error(form, exc)
        else:
            db.session.commit()
            _flash_settings_saved(org, schedule, moved)
            return redirect(url_for("lms.orgs.show", org_slug=org.slug))
    unexported = count_unexported(org)
    return render_template("lms/orgs/form.html", form=form, org=org, unexported=unexported, edit=edit,
                           new_schedule_start=new_schedule_start(org)), edit.status(200)


def _flash_settings_saved(org: Organisation, schedule: tuple, moved: int) -> None:
    flash(_("Settings saved."), "success")
    bridge = first_period_after_exports(org) if schedule != (org.pay_period, org.pay_period_anchor) else None
    if bridge:
        flash(_("Pay periods already exported keep their dates. The first pay period under the new schedule "
                "runs from %(start)s to %(end)s.", start=format_when(bridge[0]), end=format_when(bridge[1])),
              "info")
    if moved:
        flash(
            ngettext(
                "%(num)d approved entry not yet exported is now paid in the new pay period that holds "
                "its date. Check the timesheets before you export.",
                "%(num)d approved entries not yet exported are now paid in the new pay periods that "
                "hold their dates. Check the timesheets before you export.",
                moved,
            ),
            "info",
        )


# The staff member's, invitation and roster pages register themselves on import (they use ``bp``).
from lms.web import org_invitations, org_roster, org_staff  # noqa: E402,F401
