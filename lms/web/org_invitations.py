"""Invitations on the organisations pages: inviting someone to the staff, sending a link again, withdrawing it, and
accepting one (with an account, or creating it on the way). Registered on the organisations blueprint (``lms.orgs.*``)."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for

from lms import db
from lms.accounts.email_confirmation import mark_email_confirmed
from lms.accounts.passwords import WeakPassword
from lms.accounts.services import get_user_by_email, register_user
from lms.db import utcnow
from lms.errors import ConflictError, DomainError
from lms.hours import adoption
from lms.hours.titles import display_titles
from lms.i18n import _, current_locale, ngettext
from lms.orgs import invitations, joining, services
from lms.orgs.models import Invitation, MemberRole, Organisation
from lms.security import access, current_user
from lms.web.auth import login_user
from lms.web.employee_ids import warn_about_exported_ids
from lms.web.forms import InvitedSignupForm
from lms.web.invitation_mail import invitee, send_invitations
from lms.web.org_forms import AcceptInvitationForm, InviteForm, show_error
from lms.web.org_limits import invitations_per_org, invitations_per_user, spend_invitations
from lms.web.orgs import bp


@bp.route("/<org_slug>/invite", methods=["GET", "POST"])
@access.org_manager
@invitations_per_org
@invitations_per_user
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
            show_error(form, exc)
        else:
            return _send(org, form, invitation, raw)
    return render_template("lms/orgs/invite.html", org=org, form=form, open_invitation=open_invitation, staff=staff, now=utcnow())


def _send(org: Organisation, form: InviteForm, invitation: Invitation, raw: str):
    """Count the invitation against the limits, commit and email it; over a limit (the decorators found one left,
    another request took it since), nothing is saved and the form says when more can be sent."""
    refused = spend_invitations(1)
    if refused is not None:
        db.session.rollback()
        form.form_errors.append(refused.message)
        return render_template("lms/orgs/invite.html", org=org, form=form, open_invitation=None, staff=None,
                               now=utcnow()), 429, refused.headers
    db.session.commit()
    send_invitations(org, [(invitation, raw)])
    warn_about_exported_ids([invitation.employee_id])
    return redirect(url_for("lms.orgs.show", org_slug=org.slug))


@bp.post("/<org_slug>/invitations/<int:invitation_id>/resend")
@access.org_manager
@invitations_per_org
@invitations_per_user
def resend_invitation(org_slug: str, invitation_id: int):
    org = services.get_org(org_slug)
    try:
        invitation, raw = invitations.resend_invitation(
            org, invitation_id, current_user._get_current_object(), current_app.config["LMS_INVITATION_MAX_AGE_DAYS"]
        )
    except ConflictError as exc:  # accepted, withdrawn or sent again meanwhile, or they joined: nothing to send
        flash(exc.message, "error")
    else:
        refused = spend_invitations(1)
        if refused is not None:
            db.session.rollback()
            flash(refused.message, "error")
            return redirect(url_for("lms.orgs.show", org_slug=org.slug))
        db.session.commit()
        send_invitations(
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
                who=invitee(invitation)), "success")
    else:
        flash(_("The invitation to %(who)s was already accepted or withdrawn: nothing changed.", who=invitee(invitation)),
              "info")
    return redirect(url_for("lms.orgs.show", org_slug=org.slug))


@bp.route("/invitations/<token>", methods=["GET", "POST"])
@access.public
def accept(token: str):
    """Accept an invitation: with the account one has (one button, and the consent new accounts give too), or by
    creating one. The page says what the invitation is for: staff of the organisation, or managing it."""
    try:
        invitation = joining.get_invitation(token)
    except DomainError as exc:
        return render_template("lms/orgs/invitation_invalid.html", message=exc.message), exc.status
    has_account = get_user_by_email(invitation.email) is not None
    if not current_user and not has_account:
        return _accept_with_new_account(invitation)
    form = AcceptInvitationForm()
    if request.method == "POST":
        if not current_user:
            abort(401)
        if form.validate_on_submit():
            try:
                joined = joining.accept_invitation(invitation, current_user._get_current_object(),
                                                   agreed=form.agree.data)
                mark_email_confirmed(current_user._get_current_object())  # the link was sent to the address
            except DomainError as exc:  # withdrawn or replaced meanwhile, another address, details refused now
                flash(exc.message, "error")
            else:
                db.session.commit()
                flash(_joined(invitation), "success")
                if joined.sent_entries:
                    flash(_sent_for_review(invitation, joined.sent_entries), "success")
                return redirect(_after_joining(invitation))
    to_adopt = _would_adopt(invitation)
    return render_template("lms/orgs/accept.html", invitation=invitation, form=form, signup_form=None,
                           manager=MemberRole.MANAGER, to_adopt=to_adopt,
                           titles=display_titles(to_adopt, current_locale())), 400 if form.errors else 200


def _would_adopt(invitation: Invitation) -> list:
    """The signed-in invitee's own records that accepting would send to the organisation, listed before they agree
    (:func:`lms.hours.adoption.list_would_adopt`); none for anyone else."""
    if not current_user or current_user.email != invitation.email:
        return []
    return adoption.list_would_adopt(current_user.id, invitation.organisation, invitation.employment_start)


def _joined(invitation: Invitation, name: str | None = None) -> str:
    """What the person reads once they have joined (``name``: theirs, greeting a new account)."""
    org = invitation.organisation.name
    if invitation.role is MemberRole.MANAGER:
        return (_("Welcome, %(name)s! You now manage %(org)s.", name=name, org=org) if name
                else _("You now manage %(name)s.", name=org))
    return (_("Welcome, %(name)s! You have joined %(org)s.", name=name, org=org) if name
            else _("You have joined %(name)s.", name=org))


def _sent_for_review(invitation: Invitation, count: int) -> str:
    """What the person reads when joining sent pending entries of their own records to the organisation."""
    # i18n: after accepting an invitation: training hours logged before joining, dated within the employment, now
    # wait for the organisation's review
    return ngettext("%(num)d entry from your own training records was sent to %(org)s for review.",
                    "%(num)d entries from your own training records were sent to %(org)s for review.",
                    count, org=invitation.organisation.name)


def _after_joining(invitation: Invitation) -> str:
    """A new manager goes to the organisation's page, staff to their home page."""
    if invitation.role is MemberRole.MANAGER:
        return url_for("lms.orgs.show", org_slug=invitation.organisation.slug)
    return url_for("lms.main.home")


def _accept_with_new_account(invitation: Invitation):
    """An invitation is permission to create an account for its email, even where open sign-up is off."""
    form = InvitedSignupForm(name=invitation.name)
    if form.validate_on_submit():
        try:
            user = register_user(invitation.email, form.name.data, form.password.data, locale=current_locale())
        except WeakPassword as exc:  # e.g. made of the invited email address, which the form does not hold
            form.password.errors.append(exc.message)
            return _signup_page(invitation, form)
        except ConflictError:  # the form sent twice at once: the other request made the account and joined
            db.session.rollback()
            return render_template("lms/orgs/invitation_invalid.html", message=_(
                "Your account was created a moment ago, from this form sent twice. Sign in to continue.")), 409
        try:
            joining.accept_invitation(invitation, user, agreed=form.agree.data)
        except DomainError as exc:  # withdrawn or replaced while the form was open: no account is left behind
            db.session.rollback()
            return render_template("lms/orgs/invitation_invalid.html", message=exc.message), exc.status
        login_user(user)  # before the commit: signing in writes the sign-in session's row
        db.session.commit()
        flash(_joined(invitation, user.name), "success")
        return redirect(_after_joining(invitation))
    return _signup_page(invitation, form)


def _signup_page(invitation: Invitation, form: InvitedSignupForm):
    return render_template("lms/orgs/accept.html", invitation=invitation, form=AcceptInvitationForm(),
                           signup_form=form, manager=MemberRole.MANAGER)
