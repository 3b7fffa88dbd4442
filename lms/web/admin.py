"""Site administration: people and their site roles, and the audit log."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from sqlalchemy import select

from lms import audit, db
from lms.accounts import services
from lms.accounts.models import SiteRole, User
from lms.audit import AuditEvent
from lms.errors import DomainError
from lms.hours.models import HoursEntry
from lms.hours.titles import display_titles
from lms.i18n import _, _l, current_locale, format_minutes, format_money, format_when
from lms.orgs import services as orgs
from lms.orgs.models import CEYearBasis, EmploymentType, MemberRole, Membership, OrgKind, PayPeriod
from lms.orgs.queries import org_roles_by_user
from lms.security import access, current_user
from lms.web.forms import EmptyForm
from lms.web.hours.ledger import page_number
from lms.web.hours.queue import EVENT_TITLES, event_reason

bp = Blueprint("admin", __name__, url_prefix="/admin")

#: People listed at once; a search narrows the list (the page says when it is cut).
PAGE_SIZE = 100
#: Audit rows on one page of the log.
LOG_PAGE_SIZE = 50


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
    back = redirect(url_for("lms.admin.users", q=request.args.get("q", "")))
    if user.id == actor.id:
        flash(_("You cannot change your own account here."), "error")
        return back
    if action == "disable" and request.form.get("confirm") != "yes":  # only from the confirmation page
        return redirect(url_for("lms.admin.confirm_disable", user_id=user.id, q=request.args.get("q", "")))
    try:
        message = _change_user(user, action, actor)
    except DomainError as exc:  # e.g. it would leave the site without an active administrator
        db.session.rollback()
        flash(exc.message, "error")
        return back
    db.session.commit()
    flash(message, "success")
    return back


def _change_user(user: User, action: str, actor: User) -> str:
    """Apply the form's ``action`` to ``user``; the message to show. 400 for an action the form never sends."""
    if action in ("enable", "disable"):
        services.set_active(user, action == "enable", actor)
        if action == "enable":
            return _("%(name)s can sign in again. API tokens revoked when the account was disabled stay revoked.",
                     name=user.name)
        return _("%(name)s is disabled: signed out everywhere, and their API tokens are revoked.", name=user.name)
    if action == "role" and request.form.get("role") in {r.value for r in SiteRole}:
        services.set_role(user, SiteRole(request.form["role"]), actor)
        return _("%(name)s is now: %(role)s.", name=user.name, role=user.role.title)
    abort(400)


@bp.get("/users/<int:user_id>/disable")
@access.admin
def confirm_disable(user_id: int):
    """What disabling does, before it is done (it cannot all be undone: revoked API tokens stay revoked), and which
    organisations would be left without an active manager (a warning: the administrator may still go ahead)."""
    user = services.get_user(user_id)
    if user.id == current_user.id or not user.is_active:
        return redirect(url_for("lms.admin.users", q=request.args.get("q", "")))
    return render_template("lms/admin/disable.html", user=user, q=request.args.get("q", "")[:100], form=EmptyForm(),
                           sole_managed=orgs.sole_manager_orgs(user))


# ---------------------------------------------------------------- the audit log

#: The log's words for the actions of accounts and organisations; the hours actions keep the words of an entry's
#: history (``EVENT_TITLES``). Any other action is shown by its code.
ACTION_TITLES = {
    "user.registered": _l("Account created"),
    "user.password_changed": _l("Password changed"),
    "user.enabled": _l("Account enabled"),
    "user.disabled": _l("Account disabled"),
    "user.role_changed": _l("Site role changed"),
    "api_token.created": _l("API token created"),
    "api_token.revoked": _l("API token revoked"),
    "org.created": _l("Organisation created"),
    "org.settings_changed": _l("Organisation settings changed"),
    "membership.created": _l("Joined the organisation"),
    "membership.updated": _l("Staff details changed"),
    "membership.ended": _l("Employment ended"),
    "invitation.created": _l("Invitation sent"),
    "invitation.resent": _l("Invitation sent again"),
    "invitation.replaced": _l("Invitation replaced"),
    "invitation.revoked": _l("Invitation withdrawn"),
    "payroll.exported": _l("Payroll exported"),
    "certificate.revoked": _l("Certificate revoked"),
    **EVENT_TITLES,
}


def _titled(enum: Any) -> Callable[[Any], str]:
    return lambda value: enum(value).title


def _date(value: Any) -> str:
    return format_when(date.fromisoformat(value))


_MEMBER_FIELDS = {
    "role": (_l("Role in the organisation"), _titled(MemberRole)),
    "employee_id": (_l("Employee ID"), str),
    "job_title": (_l("Job title"), str),
    "employment_start": (_l("Employment start date"), _date),
    "employment_type": (_l("Type of employment"), _titled(EmploymentType)),
    "employment_end": (_l("Last day of employment"), _date),
    "ended_on": (_l("Last day of employment"), _date),
}
_ORG_FIELDS = {
    "name": (_l("Organisation name"), str),
    "kind": (_l("Type of organisation"), _titled(OrgKind)),
    "timezone": (_l("Time zone"), str),
    "pay_period": (_l("Pay period"), _titled(PayPeriod)),
    "pay_period_anchor": (_l("First day of any pay period"), _date),
    "training_pay_rate_cents": (_l("Default training pay rate (US dollars per hour)"), format_money),
    "ce_year_basis": (_l("Continuing-education year"), _titled(CEYearBasis)),
    "ce_fiscal_start_month": (_l("Fiscal year starts in month (1–12)"), str),
    "ce_annual_minimum_minutes": (_l("Yearly continuing-education minimum (hours)"), format_minutes),
    "signatory_name": (_l("Signatory's name"), str),
    "signatory_title": (_l("Signatory's title"), str),
}
#: How the fields of an action's data read: label and value formatter. Other data shows its keys and values as stored.
FIELDS = {
    "org.settings_changed": _ORG_FIELDS,
    **dict.fromkeys(("membership.created", "membership.updated", "membership.ended"), _MEMBER_FIELDS),
    "user.role_changed": {"role": (_l("Site role"), _titled(SiteRole))},
}


@dataclass(frozen=True)
class Change:
    """One line of a row's details: ``label: old → new``, or ``label: new`` (``old`` is None) when the row holds the
    new value only; ``label`` is empty for a row's own ``old``/``new``, of a field the log has no word for."""

    label: str
    new: str
    old: str | None = None


def action_title(action: str) -> str:
    title = str(ACTION_TITLES.get(action, action))
    return title[:1].upper() + title[1:]


def changes(event: AuditEvent) -> list[Change]:
    """An audit row's data, readable: each changed field with its old and new value where the row holds both."""
    data = dict(event.data or {})
    fields = FIELDS.get(event.action, {})
    if "old" in data and "new" in data:  # one attribute of the object changed (a site role, a status)
        field = next(iter(fields), "")
        label = str(fields[field][0]) if field else ""
        return [Change(label, _value(fields, field, data.pop("new")), _value(fields, field, data.pop("old")))] + [
            Change(key, _value(fields, key, value)) for key, value in data.items()]
    was = data.pop("was", None)
    was = was if isinstance(was, dict) else {}
    return [Change(str(fields[key][0]) if key in fields else key, _value(fields, key, value),
                   _value(fields, key, was[key]) if key in was else None) for key, value in data.items()]


def _value(fields: dict[str, Any], key: str, value: Any) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    try:
        return fields[key][1](value) if key in fields else str(value)
    except (ValueError, TypeError, KeyError):  # a value written by an older version: shown as stored
        return str(value)


@bp.get("/audit")
@access.admin
def audit_log():
    """The audit log, newest first, of one action and/or one organisation, with who did it and what changed."""
    action = request.args.get("action", "").strip()[:64]
    all_orgs = orgs.list_orgs()
    org = next((o for o in all_orgs if o.slug == request.args.get("org")), None)
    page = page_number()
    events = audit.list_events(action=action or None, org_id=org.id if org else None, limit=LOG_PAGE_SIZE + 1,
                               offset=(page - 1) * LOG_PAGE_SIZE)
    events, has_more = events[:LOG_PAGE_SIZE], len(events) > LOG_PAGE_SIZE
    actions = sorted(ACTION_TITLES, key=action_title)
    return render_template(
        "lms/admin/audit.html", events=events, has_more=has_more, number=page, orgs=all_orgs,
        org_names={o.id: o.name for o in all_orgs}, org=org, action=action,
        actions=actions if not action or action in ACTION_TITLES else [action, *actions],
        args={key: value for key, value in (("action", action), ("org", org.slug if org else "")) if value},
        names=_names(events, {o.id: o.name for o in all_orgs}), action_title=action_title, changes=changes,
        event_reason=event_reason,
    )


def _names(events: list[AuditEvent], org_names: dict[int, str]) -> dict[tuple[str, int | None], str]:
    """``(object type, id)`` → what the log calls it: people by name (actors are ``("User", id)`` too), staff by
    their person's name, hours entries by their title in the reader's language, invitations by the address they were
    sent to. A few queries per page, whatever the number of rows."""
    ids = _ids_by_type(events)
    people = _user_names(ids.get("User", set()))
    names: dict[tuple[str, int | None], str] = {("User", key): name for key, name in people.items()}
    names |= {("Organisation", key): name for key, name in org_names.items()}
    if ids.get("Membership"):
        rows = db.session.execute(select(Membership.id, User.name).join(User, User.id == Membership.user_id)
                                  .where(Membership.id.in_(sorted(ids["Membership"]))))
        names |= {("Membership", key): name for key, name in rows}
    if ids.get("HoursEntry"):
        entries = db.session.execute(select(HoursEntry).where(HoursEntry.id.in_(sorted(ids["HoursEntry"])))).scalars()
        names |= {("HoursEntry", key): title for key, title in display_titles(list(entries), current_locale()).items()}
    for event in events:
        if event.object_type == "Invitation" and isinstance((event.data or {}).get("email"), str):
            names[("Invitation", event.object_id)] = event.data["email"]
    return names


def _ids_by_type(events: Iterable[AuditEvent]) -> dict[str, set[int]]:
    found: dict[str, set[int]] = {"User": {e.actor_id for e in events if e.actor_id is not None}}
    for event in events:
        if event.object_id is not None:
            found.setdefault(event.object_type, set()).add(event.object_id)
    return found


def _user_names(ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    return dict(db.session.execute(select(User.id, User.name).where(User.id.in_(sorted(ids)))).all())
