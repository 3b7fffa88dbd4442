"""Site administration: people and their site roles."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for

from lms import db
from lms.accounts import services
from lms.accounts.models import SiteRole
from lms.i18n import _
from lms.orgs.queries import org_roles_by_user
from lms.security import access, current_user
from lms.web.forms import EmptyForm

bp = Blueprint("admin", __name__, url_prefix="/admin")

#: People listed at once; a search narrows the list (the page says when it is cut).
PAGE_SIZE = 100


@bp.get("/users")
@access.admin
def users():
    """Each account's site role and its roles in organisations (a manager is a trainee site-wide)."""
    search = request.args.get("q", "")[:100]
    people = services.list_users(search, limit=PAGE_SIZE + 1)
    people, cut = people[:PAGE_SIZE], len(people) > PAGE_SIZE
    return render_template(
        "lms/admin/users.html",
        users=people,
        cut=cut,
        page_size=PAGE_SIZE,
        q=search,
        roles=list(SiteRole),
        form=EmptyForm(),
        org_roles=org_roles_by_user(user.id for user in people),
    )


@bp.post("/users/<int:user_id>")
@access.admin
def update_user(user_id: int):
    if not EmptyForm().validate_on_submit():
        abort(400)
    user = services.get_user(user_id)
    actor = current_user._get_current_object()
    action = request.form.get("action", "")
    if user.id == actor.id:
        flash(_("You cannot change your own account here."), "error")
    elif action == "disable" and request.form.get("confirm") != "yes":  # only from the confirmation page
        return redirect(url_for("lms.admin.confirm_disable", user_id=user.id, q=request.args.get("q", "")))
    elif action in ("enable", "disable"):
        services.set_active(user, action == "enable", actor)
        flash(
            _("%(name)s can sign in again. API tokens revoked when the account was disabled stay revoked.", name=user.name)
            if action == "enable"
            else _("%(name)s is disabled: signed out everywhere, and their API tokens are revoked.", name=user.name),
            "success",
        )
    elif action == "role" and request.form.get("role") in {r.value for r in SiteRole}:
        services.set_role(user, SiteRole(request.form["role"]), actor)
        flash(_("%(name)s is now: %(role)s.", name=user.name, role=user.role.title), "success")
    else:
        abort(400)
    db.session.commit()
    return redirect(url_for("lms.admin.users", q=request.args.get("q", "")))


@bp.get("/users/<int:user_id>/disable")
@access.admin
def confirm_disable(user_id: int):
    """What disabling does, before it is done (it cannot all be undone: revoked API tokens stay revoked)."""
    user = services.get_user(user_id)
    if user.id == current_user.id or not user.is_active:
        return redirect(url_for("lms.admin.users", q=request.args.get("q", "")))
    return render_template("lms/admin/disable.html", user=user, q=request.args.get("q", "")[:100], form=EmptyForm())
