"""Organisation pages: create, settings, staff, invitations and roster import."""

from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for

from lms import db
from lms.accounts.passwords import WeakPassword
from lms.accounts.services import get_user_by_email, register_user
from lms.db import utcnow
from lms.edit_versions import ChangedSinceError
from lms.errors import ConflictError, DomainError
from lms.hours.approvals import count_unexported
from lms.hours.pay_calendar import first_period_after_exports, new_schedule_start
from lms.i18n import _, current_locale, format_when, ngettext, to_local
from lms.notify.services import MailError, send_email
from lms.orgs import invitations, queries, roster, services
from lms.orgs.models import Invitation, Organisation
from lms.security import access, current_user
from lms.web.auth import login_user
from lms.web.edit_conflicts import EditCheck
from lms.web.employee_ids import warn_about_exported_ids
from lms.web.forms import EmptyForm, InvitedSignupForm
from lms.web.org_forms import InviteForm, NewOrgForAdminForm, OrgForm, RosterForm
from lms.web.urls import external_url

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
def create():
    """Register an organisation. Its creator manages it; a site administrator may instead name its first manager,
    who is invited (the administrator is then not put on its staff)."""
    form = NewOrgForAdminForm() if current_user.is_admin else OrgForm()
    if request.method == "GET":
        form.timezone.data = current_app.config["LMS_DEFAULT_TIMEZONE"]
    if form.validate_on_submit():
        try:
            org, sent = _register(form)
        except DomainError as exc:
            db.session.rollback()
            _show_error(form, exc, default="slug")
        else:
            if sent is None:
                flash(_("%(name)s is created. You are its manager.", name=org.name), "success")
            else:
                _send_invitations(org, [sent], _("%(name)s is created. We emailed %(email)s an invitation to manage "
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


def _show_error(form, exc: DomainError, default: str | None = None) -> None:
    """Show a service's refusal on the field it names (``field=``), else on ``default``, else above the form."""
    target = getattr(form, exc.details.get("field") or default or "", None)
    (target.errors if target is not None else form.form_errors).append(exc.message)


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
    )


@bp.route("/<org_slug>/settings", methods=["GET", "POST"])
@access.org_manager
def settings(org_slug: str):
    """The settings form carries the version it was opened on: a save over settings saved since (another tab, another
    manager) is refused with 409, naming them and showing their saved values (:mod:`lms.web.edit_conflicts`)."""
    org = services.get_org(org_slug)
    form = OrgForm()
    if request.method == "GET":
        form.fill_from(org)
    form.slug.data = org.slug  # the short name is fixed once created
    edit = EditCheck.carried(lambda: services.settings_version(org))
    if form.validate_on_submit():
        schedule = (org.pay_period, org.pay_period_anchor)
        try:
            moved = services.update_settings(org, form.settings(), current_user._get_current_object(), edit.seen)
        except ChangedSinceError as exc:
            db.session.rollback()
            edit.refused([OrgForm.FIELD_OF.get(name, name) for name in exc.fields], services.settings_version(org),
                         OrgForm.saved(org))
        except DomainError as exc:
            _show_error(form, exc)
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


@bp.route("/<org_slug>/invite", methods=["GET", "POST"])
@access.org_manager
def invite(org_slug: str):
    org = services.get_org(org_slug)
    form = InviteForm()
    open_invitation = staff = None
    if form.validate_on_submit():
        try:
            invitation, raw = invitations.invite(
                org,
                form.email.data,
                form.name.data,
                form.employment(),
                current_user._get_current_object(),
                current_app.config["LMS_INVITATION_MAX_AGE_DAYS"],
                replaces=form.confirmed_replacement(),
            )
        except invitations.OpenInvitationError as exc:
            open_invitation = exc.invitation
            form.ask_to_replace(open_invitation)
        except invitations.AlreadyStaffError as exc:
            staff = exc.membership
            form.email.errors.append(exc.message)
        except DomainError as exc:  # details refused (lms.orgs.employment_rules): on the field they are about
            db.session.rollback()
            _show_error(form, exc)
        else:
            db.session.commit()
            _send_invitations(org, [(invitation, raw)])
            warn_about_exported_ids([invitation.employee_id])
            return redirect(url_for("lms.orgs.show", org_slug=org.slug))
    return render_template("lms/orgs/invite.html", org=org, form=form, open_invitation=open_invitation, staff=staff, now=utcnow())


def _send_invitations(org: Organisation, issued: list[tuple[Invitation, str]], success: str | None = None) -> None:
    """Email each invitation and say how it went (``success``, if given, replaces the count of those sent)."""
    failed = []
    for invitation, raw in issued:
        link = external_url("lms.orgs.accept", token=raw)
        try:
            send_email(
                invitation.email,
                "invitation",
                current_app.config["LMS_LOCALES"],
                org=org,
                invitation=invitation,
                link=link,
                inviter=current_user.name,
                days=current_app.config["LMS_INVITATION_MAX_AGE_DAYS"],
            )
        except MailError:
            failed.append(invitation.email)
    sent = [invitation for invitation, _raw in issued if invitation.email not in failed]
    if sent and success:
        flash(success, "success")
    elif len(sent) == 1:
        flash(_("Invitation sent to %(who)s.", who=_who(sent[0])), "success")
    elif sent:
        flash(ngettext("%(num)d invitation sent.", "%(num)d invitations sent.", len(sent)), "success")
    if failed:
        flash(
            _("We could not email: %(emails)s. Their invitations are saved; send them again later.", emails=", ".join(failed)), "error"
        )


@bp.post("/<org_slug>/invitations/<int:invitation_id>/resend")
@access.org_manager
def resend_invitation(org_slug: str, invitation_id: int):
    org = services.get_org(org_slug)
    try:
        invitation, raw = invitations.resend_invitation(
            org, invitation_id, current_user._get_current_object(), current_app.config["LMS_INVITATION_MAX_AGE_DAYS"]
        )
    except ConflictError as exc:  # accepted, withdrawn or sent again meanwhile, or they joined: nothing to send
        flash(exc.message, "error")
    else:
        db.session.commit()
        _send_invitations(
            org, [(invitation, raw)], _("We sent a new link to %(email)s. The earlier link no longer works.", email=invitation.email)
        )
    return redirect(url_for("lms.orgs.show", org_slug=org.slug))


@bp.post("/<org_slug>/invitations/<int:invitation_id>/revoke")
@access.org_manager
def revoke_invitation(org_slug: str, invitation_id: int):
    """Acts at once (no confirmation): the message names the person and how to undo it (invite them again)."""
    org = services.get_org(org_slug)
    invitation, withdrawn = invitations.revoke_invitation(org, invitation_id, current_user._get_current_object())
    db.session.commit()
    if withdrawn:
        flash(_("The invitation to %(who)s is withdrawn: its link no longer works. To undo this, invite them again.",
                who=_who(invitation)), "success")
    else:
        flash(_("The invitation to %(who)s was already accepted or withdrawn: nothing changed.", who=_who(invitation)),
              "info")
    return redirect(url_for("lms.orgs.show", org_slug=org.slug))


def _who(invitation: Invitation) -> str:
    """An invitation's person in a message: their name and address, or the address alone."""
    if not invitation.name:
        return invitation.email
    # i18n: a person in a message: their name, then their email address
    return _("%(name)s (%(email)s)", name=invitation.name, email=invitation.email)


@bp.route("/<org_slug>/roster", methods=["GET", "POST"])
@access.org_manager
def roster_import(org_slug: str):
    org = services.get_org(org_slug)
    form = RosterForm()
    errors: list[str] = []
    if form.validate_on_submit():
        text = roster.decode(form.file.data.read())
        plan = roster.parse_roster(text, current_app.config["LMS_ROSTER_MAX_ROWS"])
        errors = roster.all_problems(org, plan)
        if plan.ok:
            try:
                result = roster.apply_roster(
                    org, plan, current_user._get_current_object(), current_app.config["LMS_INVITATION_MAX_AGE_DAYS"]
                )
            except roster.RosterRefused as exc:
                db.session.rollback()
                errors = exc.errors
            except DomainError as exc:
                db.session.rollback()
                errors = [exc.message]
            else:
                db.session.commit()
                if result.updated:
                    flash(_("Updated the details of %(num)d current staff.", num=len(result.updated)), "success")
                if result.unchanged:
                    flash(ngettext("%(num)d current staff member already has the details in the file: nothing "
                                   "changed for them.",
                                   "%(num)d current staff members already have the details in the file: nothing "
                                   "changed for them.", len(result.unchanged)), "info")
                _send_invitations(org, result.invited)
                if result.replaced:
                    flash(
                        ngettext(
                            "%(num)d person already had an open invitation: the new one replaces it and its "
                            "earlier link no longer works.",
                            "%(num)d people already had open invitations: the new ones replace them and their "
                            "earlier links no longer work.",
                            len(result.replaced),
                        ),
                        "info",
                    )
                warn_about_exported_ids(row.employment.employee_id for row in plan.rows)
                return redirect(url_for("lms.orgs.show", org_slug=org.slug))
    status = 400 if request.method == "POST" else 200
    return render_template("lms/orgs/roster.html", org=org, form=form, errors=errors, columns=roster.KNOWN), status


@bp.get("/<org_slug>/roster/template.csv")
@access.org_manager
def roster_template(org_slug: str):
    services.get_org(org_slug)
    # A byte-order mark, so that Excel reads the accents as UTF-8 (the import accepts the file with or without one).
    example = "maria@example.org,María López,E1001,Community Health Worker,2025-03-01,employee,member"
    body = "\ufeff" + ",".join(roster.KNOWN) + "\r\n" + example + "\r\n"
    disposition = 'attachment; filename="roster-template.csv"'
    return Response(body, mimetype="text/csv", headers={"Content-Disposition": disposition})


@bp.route("/invitations/<token>", methods=["GET", "POST"])
@access.public
def accept(token: str):
    try:
        invitation = invitations.get_invitation(token)
    except DomainError as exc:
        return render_template("lms/orgs/invitation_invalid.html", message=exc.message), exc.status
    has_account = get_user_by_email(invitation.email) is not None
    if not current_user and not has_account:
        return _accept_with_new_account(invitation)
    form = EmptyForm()
    if request.method == "POST":
        if not current_user:
            abort(401)
        if form.validate_on_submit():
            try:
                invitations.accept_invitation(invitation, current_user._get_current_object())
            except DomainError as exc:
                flash(exc.message, "error")
            else:
                db.session.commit()
                flash(_("You have joined %(name)s.", name=invitation.organisation.name), "success")
                return redirect(url_for("lms.main.home"))
    return render_template("lms/orgs/accept.html", invitation=invitation, form=form, signup_form=None)


def _accept_with_new_account(invitation: Invitation):
    """An invitation is permission to create an account for its email, even where open sign-up is off."""
    form = InvitedSignupForm(name=invitation.name)
    if form.validate_on_submit():
        try:
            user = register_user(invitation.email, form.name.data, form.password.data, locale=current_locale())
        except WeakPassword as exc:  # e.g. made of the invited email address, which the form does not hold
            form.password.errors.append(exc.message)
            return render_template("lms/orgs/accept.html", invitation=invitation, form=EmptyForm(), signup_form=form)
        except ConflictError:  # the form sent twice at once: the other request made the account and joined
            db.session.rollback()
            return render_template("lms/orgs/invitation_invalid.html", message=_(
                "Your account was created a moment ago, from this form sent twice. Sign in to continue.")), 409
        try:
            invitations.accept_invitation(invitation, user)
        except DomainError as exc:  # withdrawn or replaced while the form was open: no account is left behind
            db.session.rollback()
            return render_template("lms/orgs/invitation_invalid.html", message=exc.message), exc.status
        login_user(user)  # before the commit: signing in writes the sign-in session's row
        db.session.commit()
        flash(_("Welcome, %(name)s! You have joined %(org)s.", name=user.name, org=invitation.organisation.name), "success")
        return redirect(url_for("lms.main.home"))
    return render_template("lms/orgs/accept.html", invitation=invitation, form=EmptyForm(), signup_form=form)


# The staff member's pages register themselves on import (they use ``bp``).
from lms.web import org_staff  # noqa: E402,F401
