"""Site administration: people, their site roles and whether their accounts are active (the audit log is
:mod:`lms.web.admin_audit`)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for

from lms import db
from lms.accounts import admin_actions, email_change, names, services
from lms.accounts.admin_actions import MAX_ROLE_REASON
from lms.accounts.disabled import disabled_reasons
from lms.accounts.models import SiteRole, User
from lms.errors import DomainError
from lms.i18n import _
from lms.orgs import services as orgs
from lms.orgs.queries import current_memberships, org_roles_by_user
from lms.security import access, current_user
from lms.web.accounts.email_address import notify_email_changed
from lms.web.forms import AdminDisableForm, AdminEmailForm, AdminEnableForm, AdminNameForm, AdminRoleForm, EmptyForm
from lms.web.safety import safe_next

bp = Blueprint("admin", __name__, url_prefix="/admin")

#: People listed at once; a search narrows the list (the page says when it is cut).
PAGE_SIZE = 100
#: Audit rows on one page of the log (:mod:`lms.web.admin_audit`).
LOG_PAGE_SIZE = 50


@bp.get("/users")
@access.admin
def users():
    """Each account's site role, its roles in organisations (a manager is a trainee site-wide) and whether its email
    address is confirmed; ``email=unconfirmed`` lists only those whose address is not."""
    search = request.args.get("q", "")[:100]
    unconfirmed = request.args.get("email") == "unconfirmed"
    people = services.list_users(search, limit=PAGE_SIZE + 1, unconfirmed_only=unconfirmed)
    people, cut = people[:PAGE_SIZE], len(people) > PAGE_SIZE
    return render_template(
        "lms/admin/users.html",
        users=people,
        cut=cut,
        page_size=PAGE_SIZE,
        q=search,
        unconfirmed=unconfirmed,
        roles=list(SiteRole),
        max_reason=MAX_ROLE_REASON,
        form=EmptyForm(),
        org_roles=org_roles_by_user(user.id for user in people),
        disabled_reasons=disabled_reasons(user.id for user in people if not user.is_active),
        enable_form=AdminEnableForm(formdata=None),
    )


@bp.post("/users/<int:user_id>")
@access.admin
def update_user(user_id: int):
    if not EmptyForm().validate_on_submit():
        abort(400)
    user = services.get_user(user_id)
    actor = current_user._get_current_object()
    action = request.form.get("action", "")
    back = redirect(url_for("lms.admin.users", q=request.args.get("q", "")))
    if user.id == actor.id:
        flash(_("You cannot change your own account here."), "error")
        return back
    if action == "disable" and request.form.get("confirm") != "yes":  # only from the confirmation page
        return redirect(url_for("lms.admin.confirm_disable", user_id=user.id, q=request.args.get("q", "")))
    if action == "disable" and not (disable := AdminDisableForm()).validate():  # no reason, or too long a one
        return _disable_page(user, disable), 400
    if action == "enable" and not (enable := AdminEnableForm()).validate():  # too long a note: kept as typed
        return _enable_page(user, enable), 400
    if _makes_admin(user, action) and request.form.get("confirm") != "yes":  # likewise, keeping the reason typed
        return _admin_page(user, AdminRoleForm())
    if action == "role" and not (role_form := AdminRoleForm()).validate():  # no reason, or too long a one
        return _role_page(user, role_form), 400
    try:
        message = _change_user(user, action, actor)
    except DomainError as exc:  # e.g. it would leave the site without an active administrator (409)
        db.session.rollback()
        return _refused_page(user, action, exc), exc.status
    db.session.commit()
    flash(message, "success")
    return back


def _change_user(user: User, action: str, actor: User) -> str:
    """Apply the form's ``action`` to ``user``; the message to show. 400 for an action the form never sends."""
    if action in ("enable", "disable"):
        reason = request.form.get("reason" if action == "disable" else "note", "")
        return _set_active(user, action == "enable", actor, reason)
    if action == "role" and request.form.get("role") in {r.value for r in SiteRole}:
        if not admin_actions.set_role(user, SiteRole(request.form["role"]), actor, request.form.get("reason", "")):
            return _("Nothing changed: %(name)s is already: %(role)s.", name=user.name, role=user.role.title)
        return _("%(name)s is now: %(role)s.", name=user.name, role=user.role.title)
    abort(400)


def _refused_page(user: User, action: str, exc: DomainError) -> str:
    """The form the change was sent from, shown again with the service's refusal in its error summary and what was
    typed (the reason, the role chosen) kept; nothing was changed."""
    pages = {"role": (AdminRoleForm, _role_page), "disable": (AdminDisableForm, _disable_page),
             "enable": (AdminEnableForm, _enable_page)}
    form_class, page = pages[action]  # any other action was refused (400) before the service was called
    form = form_class()
    form.form_errors.append(exc.message)
    return page(user, form)


def _makes_admin(user: User, action: str) -> bool:
    return action == "role" and request.form.get("role") == SiteRole.ADMIN.value and user.role is not SiteRole.ADMIN


def _role_page(user: User, form: AdminRoleForm) -> str:
    """The role change sent again with its problems shown: the confirmation page for the administrator role, else a
    page with the role chosen and the reason as typed."""
    chosen = request.form.get("role")
    if chosen not in {r.value for r in SiteRole}:
        abort(400)  # a role the form never offers
    if chosen == SiteRole.ADMIN.value and user.role is not SiteRole.ADMIN:
        return _admin_page(user, form)
    return render_template("lms/admin/role.html", user=user, q=request.args.get("q", "")[:100], form=form,
                           roles=list(SiteRole), chosen=SiteRole(chosen))


def _admin_page(user: User, form: AdminRoleForm) -> str:
    return render_template("lms/admin/make_admin.html", user=user, q=request.args.get("q", "")[:100], form=form,
                           admin=SiteRole.ADMIN)


def _enable_page(user: User, form: AdminEnableForm) -> str:
    """Enabling sent again with its problem shown at the note, the note as typed."""
    return render_template("lms/admin/enable.html", user=user, q=request.args.get("q", "")[:100], form=form)


def _set_active(user: User, active: bool, actor: User, reason: str) -> str:
    changed = admin_actions.set_active(user, active, actor, reason)  # unchanged e.g. when sent from a page opened before a change
    if active:
        return (_("%(name)s can sign in again. API tokens revoked when the account was disabled stay revoked.",
                  name=user.name) if changed else _("Nothing changed: %(name)s can already sign in.", name=user.name))
    return (_("%(name)s is disabled: signed out everywhere, and their API tokens are revoked.", name=user.name)
            if changed else _("Nothing changed: %(name)s is already disabled.", name=user.name))


@bp.get("/users/<int:user_id>/disable")
@access.admin
def confirm_disable(user_id: int):
    """What disabling does, before it is done (it cannot all be undone: revoked API tokens stay revoked), the
    organisations whose staff the person is on (disabling does not end their employment), and which would be left
    without an active manager (a warning: the administrator may still go ahead)."""
    user = services.get_user(user_id)
    if user.id == current_user.id or not user.is_active:
        return redirect(url_for("lms.admin.users", q=request.args.get("q", "")))
    return _disable_page(user, AdminDisableForm(formdata=None))


def _disable_page(user: User, form: AdminDisableForm) -> str:
    return render_template("lms/admin/disable.html", user=user, q=request.args.get("q", "")[:100], form=form,
                           sole_managed=orgs.sole_manager_orgs(user), memberships=current_memberships(user))


@bp.get("/users/<int:user_id>/admin")
@access.admin
def confirm_admin(user_id: int):
    """What making someone a site administrator gives them, before it is done: everything, including taking the role
    from the other administrators."""
    user = services.get_user(user_id)
    if user.id == current_user.id or user.role is SiteRole.ADMIN:
        return redirect(url_for("lms.admin.users", q=request.args.get("q", "")))
    return _admin_page(user, AdminRoleForm(formdata=None))


@bp.route("/users/<int:user_id>/email", methods=["GET", "POST"])
@access.admin
def change_email(user_id: int):
    """Set someone's email address at once (they may have lost the old mailbox), with a reason for the audit log; the
    old address and the new one are told. An administrator's own address is changed on their profile, confirmed
    like anyone's."""
    user = services.get_user(user_id)
    q = request.args.get("q", "")[:100]
    if user.id == current_user.id:
        flash(_("Change your own email address on your profile."), "info")
        return redirect(url_for("lms.accounts.profile"))
    form = AdminEmailForm()
    if form.validate_on_submit():
        try:
            old = email_change.change_email(user, form.email.data, current_user._get_current_object(), form.reason.data)
        except DomainError as exc:  # taken, also by a request that won the race; or the address it has
            db.session.rollback()
            form.email.errors.append(exc.message)
        else:
            db.session.commit()
            flash(_("The email address of %(name)s is now %(email)s.", name=user.name, email=user.email), "success")
            notify_email_changed(user, old, by_admin=True)
            return redirect(url_for("lms.admin.users", q=q))
    status = 400 if form.errors else 200
    return render_template("lms/admin/email.html", user=user, form=form, q=q), status


@bp.route("/users/<int:user_id>/name", methods=["GET", "POST"])
@access.admin
def change_name(user_id: int):
    """Correct someone's name (misspelt on a certificate, say: a replacement prints the corrected name), with a reason
    for the audit log. Certificates already issued keep the name they print. An administrator's own name is changed on
    their profile, like anyone's; ``next`` is where to go back to (the certificate issue page that links here)."""
    user = services.get_user(user_id)
    q, back = request.args.get("q", "")[:100], safe_next(request.args.get("next"))
    if user.id == current_user.id:
        flash(_("Change your own name on your profile."), "info")
        return redirect(url_for("lms.accounts.profile"))
    form = AdminNameForm(obj=user)
    if form.validate_on_submit():
        try:
            old = names.correct_name(user, form.name.data, current_user._get_current_object(), form.reason.data)
        except DomainError as exc:  # the name it has, or one with nothing visible in it
            db.session.rollback()
            getattr(form, exc.details.get("field", "name")).errors.append(exc.message)
        else:
            db.session.commit()
            flash(_("%(old)s is now called %(name)s.", old=old, name=user.name), "success")
            return redirect(back or url_for("lms.admin.users", q=q))
    status = 400 if form.errors else 200
    return render_template("lms/admin/name.html", user=user, form=form, q=q, back=back), status


# The audit log's page registers itself on import (it uses ``bp``).
from lms.web import admin_audit  # noqa: E402,F401
