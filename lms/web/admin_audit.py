"""The site administrators' audit log (how rows read: :mod:`lms.web.audit_display`): filtered by action,
organisation, who made the change and whom it was about (:mod:`lms.web.audit_people`)."""

from __future__ import annotations

from flask import render_template, request

from lms import audit
from lms.i18n import zone_of
from lms.orgs import services as orgs
from lms.security import access, current_user
from lms.web import admin
from lms.web.audit_display import ACTION_TITLES, action_title, changes, what
from lms.web.audit_names import names_of, org_subjects
from lms.web.audit_people import PersonFilter, find_people, person_subjects
from lms.web.hours.ledger import page_number
from lms.web.hours.queue import event_reason

#: Longest search text read from the address (longer ones are refused with a message, see ``find_people``).
_MAX_ARG = 1000


@admin.bp.get("/audit")
@access.admin
def audit_log():
    """The audit log, newest first, of one action, one organisation (with its staff's enrolments, registrations and
    attendance), the actions of the people ``by`` finds and/or the rows ``about`` the people it finds (each an email
    address, or part of a name or address), with who did it and what changed."""
    action = request.args.get("action", "").strip()[:64]
    by, about = (_person(key) for key in ("by", "about"))
    all_orgs = orgs.list_orgs()
    org_slug = request.args.get("org", "").strip()
    org = next((o for o in all_orgs if o.slug == org_slug), None)
    page, size = page_number(), admin.LOG_PAGE_SIZE
    failed = any(person and person.error for person in (by, about))
    # an organisation the site does not have: nothing matches (as an unknown action), not the whole log
    events = [] if failed or (org_slug and org is None) else audit.list_events(
        action=action or None, org_id=org.id if org else None, actor_ids=by.ids if by else None,
        about=person_subjects(about.ids) if about else None,
        org_subjects=org_subjects(org.id) if org else None, limit=size + 1, offset=(page - 1) * size)
    events, has_more = events[:size], len(events) > size
    actions = sorted(ACTION_TITLES, key=lambda a: (action_title(a).casefold(), a))
    names = names_of(events, {o.id: o.name for o in all_orgs})
    args = {key: value for key, value in (("action", action), ("org", org.slug if org else ""),
                                          ("by", by.text if by else ""), ("about", about.text if about else "")) if value}
    return render_template(
        "lms/admin/audit.html", events=events, has_more=has_more, number=page, orgs=all_orgs, failed=failed,
        org_names={o.id: o.name for o in all_orgs}, org=org, action=action, by=by, about=about,
        actions=actions if not action or action in ACTION_TITLES else [action, *actions], args=args,
        names=names, action_title=action_title, changes=lambda event: changes(event, names),
        what=lambda event: what(event, names), event_reason=event_reason, zone=zone_of(current_user),
    )


def _person(key: str) -> PersonFilter | None:
    """The people the ``key`` argument finds; None when it is empty (no filter)."""
    text = " ".join(request.args.get(key, "")[:_MAX_ARG].split())
    return find_people(text) if text else None
