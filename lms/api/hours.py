"""Hours ledger API: my entries, submitting external training (idempotent), an organisation's entries, decisions.

``POST /me/hours`` needs an ``Idempotency-Key`` header: the first request with a key creates the entry (201), any
later one with the same key and the same details returns that entry (200) and creates nothing; the same key with
other details is refused (422 ``idempotency_key_reused``), since that is another training. The lists page with an
opaque ``cursor`` (:mod:`lms.api.paging`); ``offset`` still works for older clients.
"""

from __future__ import annotations

from typing import Any

from flask import jsonify, request, url_for

from lms import db
from lms.api import bodies, bp, dates, paging
from lms.api.hours_spec import OPENAPI_SCHEMAS
from lms.api.query_args import InvalidParameter, refuse_repeated, refuse_unknown
from lms.errors import DomainError
from lms.hours import approvals, entries, external_training, ledger, review_queue
from lms.hours.models import EntrySource, EntryStatus, HoursEntry
from lms.hours.review_queue import QueueFilters
from lms.i18n import _
from lms.live.times import iso_utc
from lms.orgs import services as org_services
from lms.security import access, current_user
from lms.web.hours.sent_back import tell_sent_back


def entry_json(entry: HoursEntry, person: Any = None) -> dict[str, Any]:
    data = {
        "id": entry.id,
        "user_id": entry.user_id,
        "org_id": entry.org_id,
        "source": entry.source.value,
        "status": entry.status.value,
        "activity_date": entry.activity_date.isoformat(),
        "minutes": entry.minutes,
        "measured_minutes": entry.measured_minutes,
        "title": entry.title,
        "provider": entry.provider,
        "description": entry.description,
        "competency_areas": list(entry.competency_areas or []),
        "course_id": entry.course_id,
        "module_id": entry.module_id,
        "session_id": entry.session_id,
        "corrects_id": entry.corrects_id,
        "supervisor_name": entry.supervisor_name,
        "supervisor_title": entry.supervisor_title,
        "has_evidence": entry.evidence_id is not None,
        "created_at": iso_utc(entry.created_at),
        "decided_at": iso_utc(entry.decided_at),
        "decided_by_id": entry.decided_by_id,
        "rejection_reason": entry.rejection_reason,
        "rate_cents": entry.rate_cents,
        "paid_period_start": entry.paid_period_start.isoformat() if entry.paid_period_start else None,
    }
    if person is not None:
        data["person"] = {"id": person.id, "name": person.name, "email": person.email}
    return data


def _choice_arg(name: str, enum: Any, default: Any = None, everything: str | None = None) -> Any:
    """One of ``enum``'s values; ``everything`` (e.g. ``all``) is also accepted and means no filter (None)."""
    value = request.args.get(name)
    if not value:
        return default
    if everything is not None and value == everything:
        return None
    allowed = [m.value for m in enum] + ([everything] if everything else [])
    if value not in allowed:
        raise InvalidParameter(_("%(name)s must be one of: %(values)s.", name=name, values=", ".join(allowed)),
                               parameter=name)
    return enum(value)


#: The filters of the organisation's list, besides paging.
ORG_FILTERS = ("person", "from", "to", "source", "status", "paid_period")


def _strict_args(*known: str) -> None:
    """400 for a query parameter the list does not take (``stauts``) or one given twice: both used to be read as
    no filter, or as the first value, and the answer looked right."""
    refuse_unknown(*known)
    refuse_repeated()


@bp.get("/me/hours")
@access.signed_in
def my_hours():
    _strict_args(*paging.ARGS)
    pages = paging.paging_args()
    page = entries.list_user_entries(current_user, pages.limit, pages.offset, after=pages.after)
    last = entries.key_of(page.entries[-1]) if page.entries else None
    return jsonify({"entries": [entry_json(e) for e in page.entries],
                    **paging.page_json(pages.limit, pages, page.has_more, last)})


@bp.post("/me/hours")
@access.signed_in
def submit_hours():
    body = bodies.json_object(OPENAPI_SCHEMAS["ExternalTraining"]["properties"])
    key = (request.headers.get("Idempotency-Key") or "").strip()
    if not key or len(key) > ledger.KEY_MAX:
        raise DomainError(_("Send an Idempotency-Key header (a random string of at most %(num)d characters).",
                            num=ledger.KEY_MAX))
    try:
        entry, created = external_training.submit_external(current_user._get_current_object(), _external(body), key)
    except ledger.IdempotencyKeyReused as exc:
        return _key_reused(exc)
    except DomainError as exc:
        raise _naming_field(exc) from None
    db.session.commit()
    response = jsonify(entry_json(entry))
    response.status_code = 201 if created else 200
    response.headers["Location"] = url_for("lms.api.my_hours")
    return response


#: The service's name of a field where the body calls it otherwise.
_BODY_NAMES = {"org_id": "org_slug"}


def _naming_field(exc: DomainError) -> DomainError:
    """The service's refusal with the field it points at in ``fields`` ("Use at most 200 characters." may be the
    title's or the provider's); a refusal that names no field, unchanged."""
    field = exc.details.get("field")
    if type(exc) is not DomainError or not isinstance(field, str):
        return exc
    return bodies.FieldError(exc.message, fields=[_BODY_NAMES.get(field, field)])


def _key_reused(exc: ledger.IdempotencyKeyReused) -> Any:
    """422, in words for a program (the service's message speaks of a web form), with the first entry's id."""
    db.session.rollback()
    entry = entries.load_entry(exc.details["entry_id"])
    message = _("This Idempotency-Key was already used for another entry (%(title)s, %(date)s, %(minutes)d "
                "minutes), so nothing was saved. Send each new training with a new key.",
                title=entry.title, date=entry.activity_date.isoformat(), minutes=entry.minutes)
    response = jsonify({"error": {"code": exc.code, "message": message, "entry_id": entry.id}})
    response.status_code = 422
    return response


def _external(body: dict[str, Any]) -> external_training.ExternalTraining:
    day = dates.strict_date(body.get("activity_date"))  # YYYY-MM-DD only; the service says what else is wrong
    areas = body.get("competency_areas") or []
    if not isinstance(areas, list) or not all(isinstance(a, str) for a in areas):
        raise bodies.FieldError(_("competency_areas must be a list of area codes."), fields=["competency_areas"])
    org_id = None
    if body.get("org_slug"):
        org = org_services.find_org(str(body["org_slug"]))
        if org is None:
            raise bodies.FieldError(_("You were not on the staff of that organisation on that date."), fields=["org_slug"])
        org_id = org.id
    text = {name: bodies.text_field(body, name) for name in ("title", "provider")}
    return external_training.ExternalTraining(title=text["title"] or "", provider=text["provider"], activity_date=day,
                                              minutes=body.get("minutes"), competency_areas=tuple(areas), org_id=org_id)


@bp.get("/orgs/<org_slug>/hours")
@access.org_manager
def org_hours(org_slug: str):
    org = org_services.get_org(org_slug)
    _strict_args(*paging.ARGS, *ORG_FILTERS)
    paid_period = dates.date_arg("paid_period")
    if paid_period is not None:
        dates.checked_period(org, "paid_period", paid_period)  # 400 naming the period holding that day
    start, end = dates.date_arg("from"), dates.date_arg("to")
    dates.refuse_reversed("from", start, "to", end)
    filters = QueueFilters(
        user_id=paging.int_arg("person", 0, 2**31 - 1) or None, start=start, end=end,
        source=_choice_arg("source", EntrySource), status=_choice_arg("status", EntryStatus, everything="all"),
        paid_period=paid_period,
    )
    pages = paging.paging_args()
    page = review_queue.list_queue(org, filters, pages.limit, pages.offset, after=pages.after)
    last = entries.key_of(page.rows[-1][0]) if page.rows else None
    return jsonify({"organisation": {"slug": org.slug, "name": org.name},
                    "entries": [entry_json(e, person) for e, person in page.rows],
                    **paging.page_json(pages.limit, pages, page.has_more, last)})


@bp.post("/orgs/<org_slug>/hours/<int:entry_id>/approve")
@access.org_manager
def approve_hours(org_slug: str, entry_id: int):
    entry = review_queue.get_org_entry(org_services.get_org(org_slug), entry_id)
    _approval_body()
    approvals.approve(entry, current_user._get_current_object())
    db.session.commit()
    return jsonify(entry_json(entry))


def _approval_body() -> None:
    """Approving takes no field: no body, or the JSON object ``{}``. Any other body is refused as every endpoint
    refuses it (:mod:`lms.api.bodies`), so a reject payload sent here by mistake approves nothing."""
    if not (request.content_length or request.form or request.get_data(cache=True)):
        return
    bodies.json_object(OPENAPI_SCHEMAS["Approval"]["properties"])


@bp.post("/orgs/<org_slug>/hours/<int:entry_id>/reject")
@access.org_manager
def reject_hours(org_slug: str, entry_id: int):
    entry = review_queue.get_org_entry(org_services.get_org(org_slug), entry_id)
    body = bodies.json_object(OPENAPI_SCHEMAS["Rejection"]["properties"])
    try:
        decision = approvals.reject(entry, current_user._get_current_object(), bodies.text_field(body, "reason"))
    except DomainError as exc:  # "Give a reason ...", "Use at most ... characters.": about reason (fields)
        raise _naming_field(exc) from None
    db.session.commit()
    if not decision.repeated:  # after the commit: the rejection stands even if the email cannot be sent
        tell_sent_back([decision.entry, *decision.also_rejected], show=False)
    return jsonify(entry_json(entry))
