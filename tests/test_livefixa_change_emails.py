"""A new language or cost of a session is emailed to everyone registered or waitlisted, as a new place is, in each
person's language, and the calendar's SEQUENCE counts it; new notes are emailed only when the trainer ticks "Email
the people registered about this change"."""

from __future__ import annotations

from icalendar import Calendar

from lms import db
from lms.live.models import LiveSession, RegistrationStatus
from tests.conftest import body_of
from tests.live_support import schedule, seat

TICK = "Email the people registered about this change"


def _fields(session: LiveSession, **changes: str) -> dict:
    """The edit form as a browser sends it (the length only, as before the form showed the end time)."""
    from lms.live import scheduling

    data = scheduling.data_of(session)
    values = {
        "module": str(data.module_id), "starts_on": data.starts_on.isoformat(),
        "start_time": data.start_time.strftime("%H:%M"), "end_time": "", "minutes": str(data.minutes),
        "timezone": data.timezone, "locale": data.locale, "mode": data.mode.value, "address": data.address,
        "join_url": data.join_url, "capacity": str(data.capacity), "deadline": "",
        "cost": f"{data.cost_cents / 100:.2f}" if data.cost_cents else "", "notes": data.notes,
        "trainers": [str(t) for t in data.trainer_ids],
    }
    return {**values, **changes}


def _edit(client, u, session: LiveSession, **changes: str) -> str:
    response = client.submit(u("lms.sessions.edit", session_id=session.id), _fields(session, **changes))
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    return client.get(response.headers["Location"]).get_data(as_text=True)


def _sequence(client, u, session: LiveSession) -> int:
    response = client.get(u("lms.sessions.ics", session_id=session.id))
    (event,) = Calendar.from_ical(response.get_data()).walk("VEVENT")
    return int(event["SEQUENCE"])


def _people(make_user, session):
    ana = make_user("ana@example.org", name="Ana", locale="en")
    rosa = make_user("rosa@example.org", name="Rosa", locale="es")
    wait = make_user("wait@example.org", name="Walt", locale="en")
    seat(session, ana, rosa)
    seat(session, wait, status=RegistrationStatus.WAITLISTED)
    return ana, rosa, wait


def test_a_new_language_is_emailed_to_everyone_in_their_language(client, u, login, module, trainer, make_user, mailbox):
    (session,) = schedule(module, trainer, locale="es", capacity=2)
    _people(make_user, session)
    login(trainer)
    mailbox.clear()
    before = _sequence(client, u, session)

    page = _edit(client, u, session, locale="en")

    assert "Session saved. 3 people are being told of the change by email." in page
    by_to = {m["To"]: body_of(m) for m in mailbox}
    assert set(by_to) == {"ana@example.org", "rosa@example.org", "wait@example.org"}
    assert "Language now: English" in by_to["ana@example.org"]
    assert "Language now: English" in by_to["wait@example.org"]
    assert "Hola, Rosa" in by_to["rosa@example.org"] and "inglés" in by_to["rosa@example.org"].lower()
    assert _sequence(client, u, session) == before + 1


def test_free_to_paid_and_a_new_price_are_emailed(client, u, login, module, trainer, make_user, mailbox):
    (session,) = schedule(module, trainer, capacity=2)
    ana, _rosa, _wait = _people(make_user, session)
    login(trainer)
    mailbox.clear()

    _edit(client, u, session, cost="25")
    assert len(mailbox) == 3, [(m["To"], m["Subject"]) for m in mailbox]
    ana_mail = next(m for m in mailbox if m["To"] == ana.email)
    assert ana_mail["Subject"].startswith("Changed:") and "Cost now: $25.00 per participant" in body_of(ana_mail)
    assert "Language now" not in body_of(ana_mail)  # only what changed is named

    mailbox.clear()
    _edit(client, u, session, cost="30.50")
    assert len(mailbox) == 3 and "Cost now: $30.50 per participant" in body_of(mailbox[0])

    mailbox.clear()
    _edit(client, u, session, cost="")
    assert len(mailbox) == 3 and "It is now free: there is no cost." in body_of(mailbox[0])

    mailbox.clear()
    _edit(client, u, session, cost="0")  # no cost and a cost of 0 are both free: nothing to tell
    assert mailbox == []


def test_new_notes_are_emailed_only_when_the_box_is_ticked(client, u, login, module, trainer, make_user, mailbox):
    (session,) = schedule(module, trainer, capacity=2)
    ana, _rosa, wait = _people(make_user, session)
    login(trainer)
    form = client.get(u("lms.sessions.edit", session_id=session.id)).get_data(as_text=True)
    assert TICK in form and 'name="tell"' in form
    mailbox.clear()
    before = _sequence(client, u, session)

    page = _edit(client, u, session, notes="Bring a pen")
    assert "Session saved." in page and "being told" not in page and mailbox == []
    assert _sequence(client, u, session) == before

    page = _edit(client, u, session, notes="Room 12, second floor", tell="y")
    assert "Session saved. 3 people are being told of the change by email." in page
    by_to = {m["To"]: body_of(m) for m in mailbox}
    assert "The notes for participants are now:" in by_to[ana.email] and "Room 12, second floor" in by_to[ana.email]
    waiting = by_to[wait.email]  # the notes are for people with a seat, as on the session page
    assert "Room 12" not in waiting and "The notes for participants changed too" in waiting
    assert _sequence(client, u, session) == before + 1

    mailbox.clear()
    _edit(client, u, session, notes="", tell="y")
    assert "The notes for participants were removed." in body_of(next(m for m in mailbox if m["To"] == ana.email))


def test_the_box_ticked_with_nothing_to_tell_emails_nobody(client, u, login, module, trainer, make_user, mailbox):
    (session,) = schedule(module, trainer, notes="Bring a pen", capacity=2)
    _people(make_user, session)
    login(trainer)
    mailbox.clear()
    page = _edit(client, u, session, tell="y")  # saved as it was
    assert "Session saved. Nobody was emailed: nothing they are told about changed." in page and mailbox == []
    assert db.session.get(LiveSession, session.id).sequence == 0


def test_other_trainers_are_told_the_new_language_and_cost(client, u, login, module, trainer, make_user, mailbox):
    from lms.accounts.models import SiteRole

    other = make_user("co@example.org", name="Cora", role=SiteRole.TRAINER)
    (session,) = schedule(module, trainer, trainer_ids=(trainer.id, other.id))
    login(trainer)
    mailbox.clear()
    _edit(client, u, session, locale="es", cost="10")
    (mail,) = [m for m in mailbox if m["To"] == other.email]
    body = body_of(mail)
    assert "Language now: Spanish" in body and "Cost now: $10.00 per participant" in body
