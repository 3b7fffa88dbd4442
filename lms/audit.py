"""The audit log: who did what to which record, when and why. Rows are only ever appended."""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import g, has_request_context
from sqlalchemy import JSON, ColumnElement, ForeignKey, Index, Select, String, Text, and_, or_, select, union
from sqlalchemy.orm import Mapped, mapped_column
from werkzeug.local import LocalProxy

from lms import db
from lms.db import Model, created_at_column


class AuditEvent(Model):
    __tablename__ = "lms_audit_events"
    # The log's filters (organisation, who made the change) read newest first by id: with the id in the index a
    # page is the index's last entries, not every row of the filter sorted. They also serve lookups by the first
    # column alone (the foreign key's ON DELETE SET NULL), so no single-column index beside them (migration 0013).
    __table_args__ = (
        Index("ix_lms_audit_events_object", "object_type", "object_id"),
        Index("ix_lms_audit_events_org_id_id", "org_id", "id"),
        Index("ix_lms_audit_events_actor_id_id", "actor_id", "id"),
        # rows of one rare action, e.g. attendance corrected after approval (lms/hours/status_changes.py; 0020)
        Index("ix_lms_audit_events_action_id", "action", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = created_at_column()
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("lms_users.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(String(64))
    object_type: Mapped[str] = mapped_column(String(64))
    object_id: Mapped[int | None]
    org_id: Mapped[int | None]
    reason: Mapped[str | None] = mapped_column(Text)
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


#: Where the changes being made come from when it is not the web: ``"cli"`` while an ``lms`` command runs
#: (:func:`made_from`). Each row written then holds it under ``origin``, and the log shows "Command line".
_origin: ContextVar[str | None] = ContextVar("lms_audit_origin", default=None)


@contextmanager
def made_from(origin: str) -> Iterator[None]:
    """Rows recorded inside the block hold ``origin`` (``"cli"``: made with an ``lms`` command, by whoever runs it on
    the server, which the log cannot name)."""
    token = _origin.set(origin)
    try:
        yield
    finally:
        _origin.reset(token)


def origin() -> str | None:
    """Where the changes being made come from: ``"cli"`` (:func:`made_from`), ``"api"`` in a request signed in with
    a personal API token (:func:`api_token_id`); None on the web."""
    if (where := _origin.get()) is not None:
        return where
    return "api" if api_token_id() is not None else None


def api_token_id() -> int | None:
    """The id of the API token this request signed in with (``g.lms_api_token``, set by
    :func:`lms.web.auth.load_user`); None outside a request or for a browser's. Every row written meanwhile holds it
    under ``api_token``, so an administrator can trace what a token (a leaked one, say) did; the token's secret is
    never in the log, only this reference to its row (the log shows the token's name)."""
    if not has_request_context():
        return None
    return getattr(g.get("lms_api_token"), "id", None)


def record(
    action: str,
    obj: Any,
    actor: Any = None,
    *,
    reason: str | None = None,
    org_id: int | None = None,
    **data: Any,
) -> AuditEvent:
    """Append an audit row for ``obj`` (flushed with the caller's unit of work, never committed here). ``obj`` and
    ``actor`` may be a werkzeug proxy (``lms.security.current_user``): the row names the record behind it ("User"),
    never the proxy's own type."""
    obj, actor = _unproxied(obj), _unproxied(actor)
    event = AuditEvent(
        action=action,
        object_type=type(obj).__name__,
        object_id=getattr(obj, "id", None),
        actor_id=getattr(actor, "id", None),
        org_id=org_id,
        reason=reason,
        data={key: _jsonable(value) for key, value in data.items()},
    )
    if (where := origin()) is not None:
        event.data = {**event.data, "origin": where}
        if where == "api":
            event.data["api_token"] = api_token_id()
    db.session.add(event)
    return event


def _unproxied(obj: Any) -> Any:
    """The object behind a werkzeug ``LocalProxy`` (whose ``type()`` is the proxy's, though it passes for the object
    everywhere else: rows were once written about a "LocalProxy", which migration 0022 renamed); anything else as
    it is."""
    return obj._get_current_object() if isinstance(obj, LocalProxy) else obj


def changed(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, Any]:
    """The data of a row that records changed fields: ``after`` (each changed field's new value, under its name) with
    the old values under ``was``, e.g. ``{"role": "manager", "was": {"role": "member"}}``; nothing when nothing
    changed. (Rows written before old values were kept have the new values only.)"""
    if not after:
        return {}
    return {**after, "was": {key: before[key] for key in after}}


def _jsonable(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {key: _jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(item) for item in value]
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if hasattr(value, "value"):
        return value.value
    return value


def list_events(*, action: str | None = None, org_id: int | None = None, actor_id: int | None = None,
                org_subjects: Mapping[str, Select] | None = None, actor_ids: Collection[int] | None = None,
                about: Mapping[str, Select] | None = None, limit: int = 50, offset: int = 0) -> list[AuditEvent]:
    """Rows newest first, of one action, one organisation and/or one actor if given (ask for one more than a page to
    learn whether there is a next one: counting a large log costs more than the page).

    ``org_subjects`` (with ``org_id``): type name → a query of the ids of records whose rows count as the
    organisation's although they were written without it (its staff's enrolments). Each kind of row is then found
    through its own index (``org_id``; ``object_type, object_id``), the page's ids picked from them, and only those
    rows loaded, rather than one ``OR`` that would walk the whole log.

    ``actor_ids``: rows made by any of these people (the ``actor_id, id`` index). ``about`` (type name → a query of
    record ids, as ``org_subjects``): only the rows about those records (a person's account, staff record,
    enrolments...), each type through the ``object_type, object_id`` index; with ``org_id``, those of them written
    with the organisation or about its staff's records."""
    filters = [AuditEvent.action == action] if action else []
    if actor_id is not None:
        filters.append(AuditEvent.actor_id == actor_id)
    if actor_ids is not None:
        filters.append(AuditEvent.actor_id.in_(sorted(actor_ids)))
    if about is not None:
        return _page(union(*_about(about, [*filters, *_in_org(org_id, org_subjects)])), limit, offset)
    if org_id is None:
        query = select(AuditEvent).where(*filters)
    elif not org_subjects:
        query = select(AuditEvent).where(AuditEvent.org_id == org_id, *filters)
    else:
        return _page(union(select(AuditEvent.id).where(AuditEvent.org_id == org_id, *filters),
                           *_about(org_subjects, filters)), limit, offset)
    return list(db.session.execute(query.order_by(AuditEvent.id.desc()).limit(limit).offset(offset)).scalars())


def _in_org(org_id: int | None, org_subjects: Mapping[str, Select] | None) -> list[ColumnElement[bool]]:
    """The condition a row meets when it is one of the organisation's (see :func:`list_events`); none without one."""
    if org_id is None:
        return []
    staff = [and_(AuditEvent.object_type == kind, AuditEvent.object_id.in_(ids))
             for kind, ids in (org_subjects or {}).items()]
    return [or_(AuditEvent.org_id == org_id, *staff)]


@dataclass(frozen=True)
class Some:
    """Some of the rows about records of one type: ``ids`` is a query of the records' ids, ``where`` a condition on
    :class:`AuditEvent` the rows must meet (certain actions only, say)."""

    ids: Select
    where: ColumnElement[bool]


def list_events_about(subjects: Mapping[str, Select | Some], *, skip_actions: Collection[str] = (), limit: int = 50,
                      offset: int = 0) -> list[AuditEvent]:
    """Rows about the records ``subjects`` names (type name → a query of their ids: a course's modules, say; or
    :class:`Some` of their rows), newest first, but those of ``skip_actions``; one query. Each type is found through
    the ``object_type, object_id`` index, so the work grows with the rows about these records, not with the log."""
    filters = [AuditEvent.action.not_in(list(skip_actions))] if skip_actions else []
    return _page(union(*_about(subjects, filters)), limit, offset)


def _about(subjects: Mapping[str, Select | Some], filters: list[Any]) -> list[Select]:
    return [select(AuditEvent.id).where(AuditEvent.object_type == kind, *_of(about), *filters)
            for kind, about in subjects.items()]


def _of(about: Select | Some) -> list[ColumnElement[bool]]:
    if isinstance(about, Some):
        return [AuditEvent.object_id.in_(about.ids), about.where]
    return [AuditEvent.object_id.in_(about)]


def _page(found_ids: Any, limit: int, offset: int) -> list[AuditEvent]:
    """The rows whose ids ``found_ids`` (a union of id queries) gives, newest first: the page's ids are picked from
    it, and only those rows loaded."""
    found = found_ids.subquery()
    page = select(found.c.id).order_by(found.c.id.desc()).limit(limit).offset(offset)
    query = select(AuditEvent).where(AuditEvent.id.in_(page.scalar_subquery()))
    return list(db.session.execute(query.order_by(AuditEvent.id.desc())).scalars())
