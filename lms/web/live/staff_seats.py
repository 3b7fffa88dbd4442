"""A manager cancelling a staff member's place in a live session (the staff page, :func:`lms.web.live.staff.staff`).

One click used to drop the seat: the button read "Cancel" (in Spanish "Cancelar", which also reads as "dismiss"), and
nothing was said or sent. Now the button names what it does ("Cancel the registration of Ana"), the page asks first
(without JavaScript: the button's form has no ``confirm``, so the page comes back with a confirmation box whose form
has ``confirm=yes``), and after it the page says what was done and the person is emailed
(``templates/lms/email/session_registration_cancelled.txt``), as they are when someone registers them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import flash
from werkzeug.datastructures import MultiDict

from lms.accounts.services import get_user
from lms.db import utcnow
from lms.i18n import _
from lms.live import notices, registration
from lms.live.models import LiveSession, Registration, RegistrationStatus
from lms.live.registration_overlaps import RegistrationOverlap
from lms.security import current_user
from lms.web.live.schedule_support import link, viewer


@dataclass(frozen=True)
class Cancelled:
    """A place just cancelled, and whether it was on the waitlist (the email says which)."""

    seat: Registration
    was_waitlisted: bool


def cancel_asked(form: MultiDict) -> int | None:
    """The staff member whose place the form asks to cancel without the confirmation yet (the row's button)."""
    if form.get("action") != "cancel" or form.get("confirm") == "yes":
        return None
    return form.get("user_id", type=int)


def confirmation(user_id: int | None, members: list[Any], seats: dict[int, Registration]) -> dict | None:
    """What the confirmation box says about ``user_id``'s place; None when they hold none (then nothing is asked)."""
    member = next((m for m in members if m.user_id == user_id), None)
    seat = seats.get(user_id) if user_id is not None else None
    if member is None or seat is None or seat.status not in (RegistrationStatus.REGISTERED, RegistrationStatus.WAITLISTED):
        return None
    return {"user_id": user_id, "name": member.user.name,
            "is_waitlisted": seat.status is RegistrationStatus.WAITLISTED}


def nothing_to_confirm() -> None:
    flash(_("Nothing was cancelled: this person has no place in this session."), "error")


def cancel(session: LiveSession, org: Any, user_id: int) -> tuple[list[Registration], Cancelled]:
    """Cancel the place (:func:`lms.live.registration.cancel_staff`); returns the people moved up from the waitlist
    and the place cancelled, for :func:`tell_cancelled` after the commit."""
    before = registration.registrations_of(session.id, [user_id]).get(user_id)
    was_waitlisted = before is not None and before.status is RegistrationStatus.WAITLISTED
    promoted = registration.cancel_staff(session, org, user_id, viewer(), utcnow())
    seat = registration.registrations_of(session.id, [user_id])[user_id]
    return promoted, Cancelled(seat, was_waitlisted)


def tell_cancelled(session: LiveSession, cancelled: Cancelled) -> None:
    """After the commit: email the person (a disabled account is not emailed) and say on the page what was done."""
    name = get_user(cancelled.seat.user_id).name
    failed = notices.tell("session_registration_cancelled", session, [cancelled.seat], link(session), show_place=False,
                          by=current_user.name, was_waitlisted=cancelled.was_waitlisted)
    if cancelled.was_waitlisted:
        flash(_("%(name)s is off the waitlist. We emailed them.", name=name), "success")
    else:
        flash(_("The registration of %(name)s is cancelled. We emailed them.", name=name), "success")
    if failed:
        flash(_("We could not email: %(emails)s.", emails=", ".join(failed)), "error")


def overlap_box(exc: RegistrationOverlap, cancel_url: str) -> dict:
    """What the page shows when registering was refused because of another session at that time: the refusal, and
    the link to give up the other place while that is still possible."""
    return {"message": exc.message, "cancel_url": cancel_url if exc.details["cancellable"] else None,
            "waitlisted": exc.details["waitlisted"]}
