"""Fixes from a trainer's QA pass on a phone: the Join button reaches the meeting with CSP form-action 'self' (through
the site's "Open the meeting" page: tests/test_live_join_interstitial.py),
the roster lists the waitlist and finds a person by email, a walk-in who checked in is told so on the session page,
a cancelled session offers no calendar file nor join link, the roster of an online session has no check-in code
button. (Hours and email fixes: tests/test_live_qa_fixes_hours.py; browser: tests/browser/test_live_qa_fixes.py.)"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from lms import db
from lms.audit import AuditEvent
from lms.catalog.models import Course
from lms.db import utcnow
from lms.enrollment import services as enrollment
from lms.live import checkin
from lms.live.models import Registration, RegistrationStatus, SessionMode
from lms.live.times import to_zone, zoned_clock_text
from tests.live_support import LA, ONLINE, add_time, page_text, seat, soon

GRACE = timedelta(minutes=15)


def _csp(response) -> str:
    return response.headers["Content-Security-Policy"]


# ---------------------------------------------------------------- 1. the Join button's page


def test_every_page_keeps_form_action_self_the_join_button_answers_on_the_site(client, u, login, module, trainer,
                                                                               make_user):
    """The Join button's POST is answered with the site's "Open the meeting" page, never a redirect off the site, so
    no page widens ``form-action`` (a meeting link redirecting on to another origin was blocked by it)."""
    session = soon(module, trainer, -5, **{**ONLINE, "join_url": "https://us02web.zoom.us/j/123?pwd=abc"})
    ana = make_user("ana@example.org")
    seat(session, ana)
    login(ana)
    page = client.get(u("lms.sessions.detail", session_id=session.id))
    assert u("lms.sessions.join", session_id=session.id) in page_text(page)
    assert "form-action 'self';" in _csp(page)
    joined = client.submit(u("lms.sessions.join", session_id=session.id))
    assert joined.status_code == 303 and joined.headers["Location"].endswith(u("lms.sessions.joined", session_id=session.id))
    assert "form-action 'self';" in _csp(client.get(joined.headers["Location"]))


def test_before_joining_opens_the_page_keeps_the_site_only_policy(client, u, login, module, trainer, make_user):
    session = soon(module, trainer, 240, **ONLINE)
    ana = make_user("ana@example.org")
    seat(session, ana)
    login(ana)
    page = client.get(u("lms.sessions.detail", session_id=session.id))
    assert u("lms.sessions.join", session_id=session.id) not in page_text(page) and "form-action 'self';" in _csp(page)


# ---------------------------------------------------------------- 2. the roster: the waitlist, a person by email


def test_the_roster_lists_the_waitlist_with_links_to_record_time(client, u, login, module, trainer, make_user):
    session = soon(module, trainer, -10, capacity=1)
    ana, ben, cleo = (make_user(f"{n}@example.org", name=n.title()) for n in ("ana", "ben", "cleo"))
    seat(session, ana)
    seat(session, cleo, status=RegistrationStatus.WAITLISTED)
    seat(session, ben, status=RegistrationStatus.WAITLISTED)
    login(trainer)
    page = page_text(client.get(u("lms.sessions.attendance", session_id=session.id)))
    waiting = page.split('id="waiting-heading"')[1]
    assert "Waitlisted (2)" in waiting
    assert waiting.index("Cleo") < waiting.index("Ben")  # first in line first
    person = u("lms.sessions.attendance_person", session_id=session.id, user_id=ben.id)
    assert f'href="{person}">Ben</a>' in waiting
    assert client.get(person).status_code == 200

    add_time(session, ben, 0, None)  # came anyway and has time: on the roster's table, off the list of those waiting
    page = page_text(client.get(u("lms.sessions.attendance", session_id=session.id)))
    assert "Waitlisted (1)" in page and "Came without a seat" in page  # as the counts say (tests/test_live_fix3.py)


def test_the_roster_loads_in_the_same_queries_whatever_the_waitlist(app, client, u, login, module, trainer, make_user,
                                                                   count_queries):
    session = soon(module, trainer, -10, capacity=1)
    seat(session, make_user())
    login(trainer)
    path = u("lms.sessions.attendance", session_id=session.id)

    def queries() -> int:
        with count_queries() as counter:
            assert client.get(path).status_code == 200
        return counter.count

    seat(session, make_user(), status=RegistrationStatus.WAITLISTED)
    few = queries()
    seat(session, *(make_user() for _ in range(6)), status=RegistrationStatus.WAITLISTED)
    assert queries() == few


def _find(client, u, session, email: str):
    return client.submit(u("lms.sessions.find_attendee", session_id=session.id), {"find-email": email})


def test_add_a_person_by_email_leads_to_their_attendance_page_and_is_audited(client, u, login, module, trainer, make_user):
    session = soon(module, trainer, -10)
    erin = make_user("erin@example.org", name="Erin Walkin")
    enrollment.enroll(erin, db.session.get(Course, module.course_id), erin)  # takes the course, did not register: a walk-in
    db.session.commit()
    login(trainer)
    response = _find(client, u, session, "  Erin@Example.org ")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(u("lms.sessions.attendance_person", session_id=session.id, user_id=erin.id))
    [row] = db.session.execute(select(AuditEvent).where(AuditEvent.action == "live.attendee_found")).scalars()
    assert (row.object_id, row.actor_id, row.data["user_id"]) == (session.id, trainer.id, erin.id)


def test_an_unknown_email_and_an_unlinked_account_get_the_same_answer(client, u, login, module, trainer, make_user):
    session = soon(module, trainer, -10)
    make_user("stranger@example.org")
    login(trainer)
    answers = []
    for email in ("nobody@example.org", "stranger@example.org"):
        response = _find(client, u, session, email)
        assert response.status_code == 400
        answers.append(re.search(r'<p class="error" id="find-email-error">(.*?)</p>', page_text(response)).group(1))
    assert answers[0] == answers[1]  # nothing tells that an account exists
    assert answers[0].startswith("This person is not on this session")
    assert db.session.execute(select(AuditEvent).where(AuditEvent.action == "live.attendee_found")).first() is None
    assert _find(client, u, session, "").status_code == 400


def test_another_trainer_cannot_use_the_form(client, u, login, module, trainer, teresa, make_user):
    session = soon(module, trainer, -10)
    ana = make_user("ana@example.org")
    seat(session, ana)
    login(teresa)
    assert _find(client, u, session, "ana@example.org").status_code == 404


# ---------------------------------------------------------------- 3. walk-ins who checked in


@pytest.mark.parametrize("how", ["waitlisted", "unregistered"])
def test_a_walk_in_who_checked_in_is_told_and_can_check_out(client, u, login, module, trainer, make_user, how):
    session = soon(module, trainer, -10, capacity=1)
    seat(session, make_user())
    walk_in = make_user("ben@example.org", name="Ben")
    if how == "waitlisted":
        seat(session, walk_in, status=RegistrationStatus.WAITLISTED)
    checkin.new_code(session, trainer)
    checkin.check_in(session, walk_in, utcnow(), GRACE)
    db.session.commit()
    login(walk_in)
    page = page_text(client.get(u("lms.sessions.detail", session_id=session.id)))
    [interval] = checkin.open_intervals(session, walk_in)
    assert f"You checked in at {checkin_clock(session, interval.joined_at)}." in page
    assert f'href="{u("lms.sessions.checked_in", session_id=session.id)}">Check out</a>' in page


def checkin_clock(session, value) -> str:
    """A check-in time as the session page writes it to a reader in the site's default zone (Los Angeles)."""
    return zoned_clock_text(value, LA, "en", to_zone(session.starts_at, LA).date())


# ---------------------------------------------------------------- 7. a cancelled session's page


def test_a_cancelled_session_offers_no_calendar_file_nor_join_link(client, u, login, module, trainer, make_user):
    session = soon(module, trainer, 240, **ONLINE)
    ana = make_user("ana@example.org")
    seat(session, ana)
    login(trainer)
    path = u("lms.sessions.detail", session_id=session.id)
    assert "https://meet.example.org/tanya" in page_text(client.get(path))
    assert client.submit(u("lms.sessions.cancel", session_id=session.id), {"reason": "Trainer is ill"}).status_code == 302
    for person in (trainer, ana):
        login(person)
        page = page_text(client.get(path))
        assert "This session is cancelled." in page
        assert "Add to my calendar (.ics)" not in page and u("lms.sessions.ics", session_id=session.id) not in page
        assert "meet.example.org" not in page and "Join" not in page


# ---------------------------------------------------------------- 9. the roster's check-in code button


@pytest.mark.parametrize(("mode", "shown"), [(SessionMode.ONLINE, False), (SessionMode.IN_PERSON, True),
                                             (SessionMode.HYBRID, True)])
def test_the_roster_offers_a_check_in_code_only_where_people_meet(client, u, login, module, trainer, mode, shown):
    fields = {**ONLINE} if mode is SessionMode.ONLINE else {"mode": mode}
    if mode is SessionMode.HYBRID:
        fields["join_url"] = "https://meet.example.org/hybrid"
    session = soon(module, trainer, -10, **fields)
    login(trainer)
    page = page_text(client.get(u("lms.sessions.attendance", session_id=session.id)))
    assert (u("lms.sessions.checkin_code", session_id=session.id) in page) is shown
    assert "Import a meeting report" in page


def test_registration_rows_are_untouched_by_the_roster(module, trainer, make_user, app):
    """Reading the roster (with its waitlist) changes nobody's place."""
    from lms.live.roster import load_roster

    session = soon(module, trainer, -10, capacity=1)
    seat(session, make_user())
    seat(session, make_user(), status=RegistrationStatus.WAITLISTED)
    roster = load_roster(session, utcnow())
    assert len(roster.lines) == 1 and len(roster.waiting) == 1
    statuses = sorted(r.status.value for r in db.session.execute(select(Registration)).scalars())
    assert statuses == ["registered", "waitlisted"]
