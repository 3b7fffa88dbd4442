"""iCalendar (RFC 5545) for live sessions, and personal calendar feeds with secret, revocable links.

Events carry a stable UID per session (so calendar apps update rather than duplicate them), start and end in UTC,
the module title, its course and the session's language in the reader's language (:func:`event_title`),
``STATUS:CANCELLED`` for cancelled sessions, and the place only when the reader may see it (registered people and
trainers). The meeting link itself is for trainers: a trainee's calendar sends them to the session page, whose Join
button records their attendance time (the raw link would not).
``SEQUENCE`` is the session's change counter (one more for each change people are told of: a new time, place, join
link, language or cost; and for cancelling) and
``LAST-MODIFIED`` its last edit, so a calendar app that imported an older version takes the new one instead of
ignoring it.

A feed link is ``/sessions/feed/<token>.ics`` where the token is signed with the site key and carries the user id and
the feed *version*. "Reset the link" bumps the version, so every older link stops working at once; turning the feed
off (``CalendarFeed.is_enabled``) does the same. No row means version 1, so viewing the link writes nothing.

Having a feed link is not having a calendar subscription: most people never add theirs to a calendar. A person *has
a subscription* (:func:`has_subscription`) once a calendar app (or anyone with the link) has read the feed's current
link and the feed is on: the first read of each link is kept as an audit row ``calendar_feed.first_read`` with the
link's version (:func:`note_feed_read`), so making a new link needs a new read, and no table changes. Only then does
registering say the session is in their calendar.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from icalendar import Calendar, Event
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from lms import audit, db
from lms.accounts.models import User
from lms.audit import AuditEvent
from lms.i18n import _, current_locale, language_name_in
from lms.live.listing import SessionCard
from lms.live.models import CalendarFeed, SessionMode, SessionStatus
from lms.live.times import language_name
from lms.signals import password_reset

FEED_SALT = "lms.calendar-feed"
FIRST_READ = "calendar_feed.first_read"
PRODID = "-//CHW Learn//Live sessions//EN"


# ---------------------------------------------------------------- documents


@dataclass(frozen=True)
class CalendarEntry:
    card: SessionCard
    link: str
    show_place: bool
    #: The meeting link itself (trainers); others join with the session page's button, which records their time.
    show_join_url: bool = False


def place_of(entry: CalendarEntry) -> str:
    session = entry.card.session
    parts = [session.address or "", session.join_url if entry.show_join_url else ""]
    return " · ".join(p for p in parts if p)


def _description(entry: CalendarEntry) -> str:
    s = entry.card.session
    language = language_name(s.locale, current_locale())
    lines = [
        _("Course: %(title)s", title=entry.card.course_title),
        _("Language: %(language)s", language=language),
        _("Mode: %(mode)s", mode=s.mode.title),
    ]
    if s.status is SessionStatus.CANCELLED:
        lines.insert(0, _("Cancelled: %(reason)s", reason=s.cancel_reason or ""))
    if entry.show_place and s.address:
        lines.append(_("Address: %(address)s", address=s.address))
    page_named = False
    if entry.show_place and s.join_url:
        if entry.show_join_url:
            lines.append(_("Join link: %(url)s", url=s.join_url))
        else:
            lines.append(join_sentence(entry.link))
            page_named = True
    if not entry.show_place and s.mode is not SessionMode.ONLINE:
        lines.append(_("The address is shown to registered people."))
    if entry.show_place and s.notes:
        lines.append(s.notes)
    if not page_named:
        lines.append(entry.link)
    return "\n".join(lines)


def event_title(card: SessionCard) -> str:
    """An event's title in the reader's language: the module, its course and the session's language, so that a feed
    of several courses' sessions (a trainer's, a trainee's) tells them apart at a glance."""
    title = card.title
    if card.course_title:
        # i18n: a calendar event's title: a live module's title, then its course's ("Role-play practice · Intro to CHW")
        title = _("%(module)s · %(course)s", module=card.title, course=card.course_title)
    if not card.session.locale:
        return title
    # i18n: a calendar event's title, then the language the session is given in: "Role-play practice · … (Spanish)"
    language = language_name_in(card.session.locale.replace("-", "_"), current_locale())  # running text: "español"
    return _("%(title)s (%(language)s)", title=title, language=language)


def session_event(entry: CalendarEntry, uid_domain: str, now: datetime) -> Event:
    s = entry.card.session
    event = Event()
    event.add("uid", f"session-{s.id}@{uid_domain}")
    event.add("dtstamp", now)
    event.add("dtstart", s.starts_at)
    event.add("dtend", s.ends_at)
    event.add("summary", event_title(entry.card))
    event.add("description", _description(entry))
    event.add("url", entry.link)
    if entry.show_place and place_of(entry):
        event.add("location", place_of(entry))
    elif s.mode is SessionMode.ONLINE:
        event.add("location", _("Online"))
    event.add("status", "CANCELLED" if s.status is SessionStatus.CANCELLED else "CONFIRMED")
    event.add("sequence", s.sequence or 0)
    event.add("created", s.created_at)
    event.add("last-modified", s.updated_at or s.created_at)
    return event


def build_calendar(name: str, entries: list[CalendarEntry], uid_domain: str, now: datetime) -> bytes:
    """A VCALENDAR with ``METHOD:PUBLISH`` and one VEVENT per entry, times in UTC."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", " ".join(name.split()))  # written as is: a line break would end the property
    for entry in entries:
        calendar.add_component(session_event(entry, uid_domain, now))
    return calendar.to_ical()


def entries_for(
    cards: list[SessionCard], link: Callable[[Any], str], may_see_place: Callable[[SessionCard], bool], is_trainer: bool
) -> list[CalendarEntry]:
    return [CalendarEntry(card, link(card.session), may_see_place(card), show_join_url=is_trainer) for card in cards]


def join_sentence(page_link: str) -> str:
    """How a trainee joins an online session: from the session page, never the meeting link itself (calendars and
    emails), so that their attendance time is recorded."""
    return _(
        "Online: join with the “Join the online session” button on the session page, so your attendance time is "
        "recorded: %(url)s",
        url=page_link,
    )


# ---------------------------------------------------------------- personal feeds


def _serializer(secret_key: str) -> URLSafeSerializer:
    return URLSafeSerializer(secret_key, salt=FEED_SALT)


def get_feed(user: Any) -> CalendarFeed | None:
    return db.session.execute(select(CalendarFeed).where(CalendarFeed.user_id == user.id)).scalar_one_or_none()


def feed_token(user: Any, secret_key: str) -> str | None:
    """The secret token of ``user``'s feed link, or None when they turned the feed off."""
    feed = get_feed(user)
    if feed is not None and not feed.is_enabled:
        return None
    return _serializer(secret_key).dumps({"u": user.id, "v": feed.version if feed else 1})


def user_for_feed_token(token: str, secret_key: str) -> User | None:
    """The owner of a valid, current feed link; None for a forged, old (reset) or disabled one."""
    try:
        payload = _serializer(secret_key).loads(token)
    except BadSignature:
        return None
    if not isinstance(payload, dict) or not isinstance(payload.get("u"), int) or not isinstance(payload.get("v"), int):
        return None
    user = db.session.get(User, payload["u"])
    if user is None or not user.is_active:
        return None
    feed = get_feed(user)
    current = feed.version if feed else 1
    if (feed is not None and not feed.is_enabled) or payload["v"] != current:
        return None
    return user


def _ensure_feed(user: Any) -> CalendarFeed:
    feed = get_feed(user)
    if feed is not None:
        return feed
    feed = CalendarFeed(user_id=user.id, version=1, is_enabled=True)
    db.session.add(feed)
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError:  # a second click raced us
        return get_feed(user)
    return feed


def reset_feed(user: Any) -> CalendarFeed:
    """Revoke every existing link of ``user``'s feed and make a new one (also turns the feed back on)."""
    feed = _ensure_feed(user)
    feed.version += 1
    feed.is_enabled = True
    audit.record("calendar_feed.reset", feed, user)
    db.session.flush()
    return feed


@password_reset.connect
def replace_feed_link_on_reset(user: Any, **_kwargs: Any) -> bool:
    """A password reset by emailed link ends every link of the person's feed, as it ends their API tokens: whoever held
    the account before may have copied it. A feed that is off stays off. True when a link was replaced."""
    if _current_version(user) is None:
        return False
    feed = _ensure_feed(user)
    feed.version += 1
    audit.record("calendar_feed.reset", feed, user, password_reset=True)
    db.session.flush()
    return True


def disable_feed(user: Any) -> CalendarFeed:
    feed = _ensure_feed(user)
    feed.is_enabled = False
    audit.record("calendar_feed.disabled", feed, user)
    db.session.flush()
    return feed


def _current_version(user: Any) -> int | None:
    """The version of ``user``'s working feed link, or None when the feed is off."""
    feed = get_feed(user)
    if feed is not None and not feed.is_enabled:
        return None
    return feed.version if feed else 1


def _last_read_version(user: Any) -> int | None:
    """The link version of the newest :data:`FIRST_READ` row of ``user``'s feed (None: never read)."""
    data = db.session.execute(
        select(AuditEvent.data).where(AuditEvent.object_type == "User", AuditEvent.object_id == user.id,
                                      AuditEvent.action == FIRST_READ)
        .order_by(AuditEvent.id.desc()).limit(1)
    ).scalar_one_or_none()
    version = (data or {}).get("version")
    return version if isinstance(version, int) else None


def note_feed_read(user: Any) -> bool:
    """Keep that the current link of ``user``'s feed was read (its first read only: one audit row per link, no actor,
    as whoever holds the link may read it). True when a row was added (the caller commits)."""
    version = _current_version(user)
    if version is None or _last_read_version(user) == version:
        return False
    audit.record("calendar_feed.first_read", user, None, version=version)
    db.session.flush()
    return True


def has_subscription(user: Any) -> bool:
    """Whether sessions ``user`` registers for reach a calendar of theirs: the feed is on and its current link has
    been read (:func:`note_feed_read`)."""
    version = _current_version(user)
    return version is not None and _last_read_version(user) == version
