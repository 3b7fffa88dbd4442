"""A manager's page for a live session: their current staff, each with a button to register them or (after a
confirmation, :mod:`staff_seats`) cancel their place; the person is emailed either way."""

from __future__ import annotations

from flask import flash, redirect, request, url_for

from lms import db
from lms.accounts.services import get_user
from lms.db import utcnow
from lms.errors import DomainError
from lms.i18n import _, current_locale
from lms.live import listing, notices, registration
from lms.live.models import RegistrationStatus
from lms.live.registration_overlaps import RegistrationOverlap
from lms.orgs import services as org_services
from lms.security import access, current_user
from lms.web.forms import EmptyForm
from lms.web.live import bp, staff_seats
from lms.web.live.schedule_support import link, load_session, render, tell_promoted, viewer


@bp.route("/<int:session_id>/staff/<org_slug>", methods=["GET", "POST"])
@access.org_manager
def staff(session_id: int, org_slug: str):
    """A manager's page: their current staff with a register / cancel button each."""
    session = load_session(session_id)
    org = org_services.get_org(org_slug)
    if request.method == "POST" and staff_seats.cancel_asked(request.form) is not None:  # asks first
        return _staff_page(session, org, confirm_id=staff_seats.cancel_asked(request.form))
    if request.method == "POST":
        refused = _change_staff(session, org)
        if refused is not None:
            return _staff_page(session, org, refused, 409)
        return redirect(url_for(".staff", session_id=session_id, org_slug=org_slug))
    return _staff_page(session, org)


def _staff_page(session, org, overlap: dict | None = None, status: int = 200, confirm_id: int | None = None):
    members = org_services.list_members(org)
    card = listing.describe([session], current_locale(), viewer(), utcnow())[0]
    seats = registration.registrations_of(session.id, [m.user_id for m in members])
    confirm = staff_seats.confirmation(confirm_id, members, seats) if confirm_id is not None else None
    if confirm_id is not None and confirm is None:
        staff_seats.nothing_to_confirm()
    return render("lms/live/staff.html", card=card, org=org, members=members, seats=seats, form=EmptyForm(),
                  Status=RegistrationStatus, overlap=overlap, confirm=confirm), status


def _change_staff(session, org) -> dict | None:
    """Register or cancel one staff member (flashing what happened); returns the overlap box when registering was
    refused because the person holds another session at that time."""
    user_id = request.form.get("user_id", type=int)
    action = request.form.get("action", "")
    if user_id is None or action not in ("register", "cancel"):
        flash(_("Choose a person and what to do."), "error")
        return None
    try:
        if action == "register":  # a seat free while people wait goes to them first: they are emailed below
            placed = registration.register_staff(session, org, user_id, viewer(), utcnow())
            seat, promoted = placed.registration, placed.promoted
        else:
            (promoted, cancelled), seat = staff_seats.cancel(session, org, user_id), None
    except RegistrationOverlap as exc:
        db.session.rollback()
        other_staff_page = url_for(".staff", session_id=exc.details["other"], org_slug=org.slug)
        return {**staff_seats.overlap_box(exc, other_staff_page), "name": get_user(user_id).name}
    except DomainError as exc:
        db.session.rollback()
        flash(exc.message, "error")
        return None
    db.session.commit()
    if seat is not None:
        _tell_registered(session, seat)
    else:
        staff_seats.tell_cancelled(session, cancelled)
    tell_promoted(session, promoted)
    return None


def _tell_registered(session, seat) -> None:
    failed = notices.tell("session_registered", session, [seat], link(session), by=current_user.name)
    name = get_user(seat.user_id).name
    if seat.status is RegistrationStatus.REGISTERED:
        flash(_("%(name)s is registered. We emailed them the details.", name=name), "success")
    else:
        flash(_("The session is full: %(name)s is on the waitlist. We emailed them.", name=name), "info")
    if failed:
        flash(_("We could not email: %(emails)s.", emails=", ".join(failed)), "error")
