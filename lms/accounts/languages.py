"""The interface language a person uses, and its history.

For a signed-in person the interface language is the profile's (:func:`lms.i18n.select_language`), changed on the
profile page or with the language switcher. Each change is an audit row ``user.language_changed`` (the new language,
and the old one under ``was``), so what languages someone used over a stretch of time can be told afterwards: a
certificate's "language of delivery" rests on it (:mod:`lms.certificates.delivery`): the language in use when each
lesson was read and each quiz answered.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable
from datetime import datetime
from itertools import pairwise
from typing import Any

from sqlalchemy import select

from lms import audit, db
from lms.audit import AuditEvent

ACTION = "user.language_changed"  # written out where recorded, as the audit-title test reads the source


def set_language(user: Any, locale: str | None, actor: Any) -> None:
    """Set the profile's language (None: the site's default) and record the change (nothing when it is the same)."""
    old, user.locale = user.locale, locale or None
    if user.locale != old:
        audit.record("user.language_changed", user, actor, **audit.changed({"locale": old}, {"locale": user.locale}))


def time_per_language(user: Any, start: datetime, end: datetime, default: str) -> dict[str, float]:
    """Seconds of ``start`` to ``end`` that the person's interface spent in each language (``default`` for no language
    chosen), from the changes recorded; most used first. The language before the first recorded change in the
    stretch is that change's old one, else the profile's current language."""
    rows = db.session.execute(
        select(AuditEvent.at, AuditEvent.data).where(
            AuditEvent.action == ACTION, AuditEvent.object_type == "User", AuditEvent.object_id == user.id,
            AuditEvent.at > start, AuditEvent.at <= end,
        ).order_by(AuditEvent.at, AuditEvent.id)
    ).all()
    spent: dict[str, float] = {}
    current = (rows[0][1].get("was") or {}).get("locale") if rows else user.locale
    since = start
    for at, data in rows:
        key = current or default
        spent[key] = spent.get(key, 0.0) + max((at - since).total_seconds(), 0.0)
        current, since = data.get("locale"), at
    key = current or default
    spent[key] = spent.get(key, 0.0) + max((end - since).total_seconds(), 0.0)
    return dict(sorted(spent.items(), key=lambda pair: -pair[1]))


def weight_per_language(user: Any, spans: Iterable[tuple[datetime, datetime, float]], default: str) -> dict[str, float]:
    """Each ``(start, end, weight)`` span's weight split over the interface languages in use during it, in proportion
    to their time (a span of no length: all of it to the language in use at that moment); ``default`` for no language
    chosen. One query for the changes recorded since the earliest start: the language before the first of them is its
    old one, else the profile's current language."""
    spans = list(spans)
    if not spans:
        return {}
    rows = db.session.execute(
        select(AuditEvent.at, AuditEvent.data).where(
            AuditEvent.action == ACTION, AuditEvent.object_type == "User", AuditEvent.object_id == user.id,
            AuditEvent.at > min(start for start, _end, _weight in spans),
        ).order_by(AuditEvent.at, AuditEvent.id)
    ).all()
    changes = [at for at, _data in rows]  # in use[i] from changes[i - 1] up to changes[i]
    in_use = [(rows[0][1].get("was") or {}).get("locale") if rows else user.locale]
    in_use += [data.get("locale") for _at, data in rows]
    weights: dict[str, float] = {}
    for start, end, weight in spans:
        first, last = bisect_right(changes, start), bisect_right(changes, end)
        length = (end - start).total_seconds()
        if first == last or length <= 0:
            key = in_use[last] or default
            weights[key] = weights.get(key, 0.0) + weight
            continue
        for index, (since, until) in enumerate(pairwise([start, *changes[first:last], end]), start=first):
            key = in_use[index] or default
            weights[key] = weights.get(key, 0.0) + weight * (until - since).total_seconds() / length
    return weights
