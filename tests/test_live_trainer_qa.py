"""A Spanish-speaking trainer's QA pass of live sessions:

1. a session's own trainers cannot register for it (web and API), and its page does not offer them a seat;
2. a session that ended early and ran less than half its scheduled time says why nobody completed the module, to
   the trainee and to the trainer, and what happens next;
3. a correction's flash says what it did for the person (module, training hours); finalising says whose hours were
   recorded; before finalising the roster marks who will not complete the module;
4. marking someone absent or excused who still has time counted says so, and how to leave the time out;
6. the check-in code screen says when check-in is closed (finalised: no code, the real end);
13. a running session's page shows registration as closed (no seats left, no past deadline), one list of facts, and
    a link to the check-in code for its trainers.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from lms import db
from lms.catalog.models import Course
from lms.db import utcnow
from lms.live import attendance, registration
from lms.live.models import AttendanceStatus, Registration
from lms.live.roster import load_roster
from tests.live_support import attendance_row, live_course, page_text, seat, soon, stayed

SHARE = 75


@pytest.fixture
def module(trainer):
    return live_course(trainer)[1]


def flashed(client, response) -> str:
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return page_text(client.get(response.headers["Location"]))


def about_list(page: str) -> str:
    section = page[page.index('id="about-heading"'):]
    return section[:section.index("</section>")]


def ana_attended(module, trainer, make_user, minutes: int, *, final: bool = False):
    """A two-hour session that started three hours ago, and Ana Ruiz with a seat who was there ``minutes``; its
    attendance made final (75%) with ``final``."""
    session = soon(module, trainer, -180, minutes=120)
    ana = make_user(name="Ana Ruiz")
    seat(session, ana)
    stayed(session, ana, minutes)
    if final:
        attendance.finalize(session, trainer, utcnow(), SHARE)
        db.session.commit()
    return session, ana


# ---------------------------------------------------------------- 1. trainers do not register for their own session


def test_a_trainer_cannot_register_for_her_own_session(client, u, login, module, trainer, make_user):
    session = soon(module, trainer, 60 * 24, capacity=1)
    login(trainer)
    page = page_text(client.get(u("lms.sessions.detail", session_id=session.id)))
    assert "You lead this session, so you do not register for it" in page
    assert u("lms.sessions.register", session_id=session.id) not in page
    shown = flashed(client, client.submit(u("lms.sessions.register", session_id=session.id)))
    assert "You lead this session: trainers do not register for their own sessions" in shown
    api = client.post(u("lms.api.session_registration", session_id=session.id), headers={"X-CSRFToken": client.csrf_token()})
    assert api.status_code == 409 and api.json["error"]["code"] == "trainer_of_session"
    assert db.session.query(Registration).count() == 0  # nobody pushed onto the waitlist by her seat


def test_another_trainer_and_trainees_still_register(module, trainer, make_user):
    from lms.accounts.models import SiteRole

    session = soon(module, trainer, 60 * 24)
    colleague = make_user(name="Otto Other", role=SiteRole.TRAINER)
    for person in (colleague, make_user()):
        assert registration.register(session, person, person, utcnow()).status.value == "registered"
    with pytest.raises(registration.TrainerOfSession, match="Carmen Coach leads this session"):
        registration.register(session, trainer, colleague, utcnow())


# ---------------------------------------------------------------- 2. a session that ran too short


def test_a_session_that_ran_too_short_says_why_nobody_completed_the_module(client, u, login, as_, module, trainer,
                                                                          make_user):
    session, ana = ana_attended(module, trainer, make_user, 20)
    login(trainer)
    ended = (session.starts_at + timedelta(minutes=20)).strftime("%Y-%m-%dT%H:%M")  # Africa/Abidjan: UTC
    shown = flashed(client, client.submit(u("lms.sessions.finalize_attendance", session_id=session.id),
                                          {"confirm": "yes", "early": "yes", "ended_at": ended}))
    assert "0 completed the module. The session ran less than 50% of its scheduled time, so attending it completes " \
           "nobody's module; a make-up session can complete it." in shown
    assert "Training hours were recorded for 1 person, for their employer to approve." in shown
    assert "It ran less than 50% of its scheduled time, so attending it completed nobody's module" in shown  # roster

    as_(ana)
    page = page_text(client.get(u("lms.sessions.detail", session_id=session.id)))
    assert "You attended this session: 20 minutes." in page
    assert "It ended early and ran less than 50% of its scheduled time, so attending it could not complete the " \
           "module “Role-play practice” for anyone." in page
    assert "attend another session of this course" in page and "That was not enough" not in page
    assert "Find another session of this course" in page


def test_someone_who_left_early_still_reads_that_it_was_not_enough(client, u, login, module, trainer, make_user):
    session, ana = ana_attended(module, trainer, make_user, 30, final=True)
    login(ana)
    page = page_text(client.get(u("lms.sessions.detail", session_id=session.id)))
    assert "You attended part of this session: 30 minutes." in page and "ran less than" not in page


# ---------------------------------------------------------------- 3. what a change did


def test_the_roster_marks_who_will_not_complete_before_finalising(client, u, login, module, trainer, make_user):
    session = soon(module, trainer, -180, minutes=120)
    ana, ben, eva = make_user(name="Ana Ruiz"), make_user(name="Ben Cruz"), make_user(name="Eva Diaz")
    seat(session, ana, ben, eva)
    stayed(session, ana, 120)
    stayed(session, ben, 86)  # 71%
    stayed(session, eva, 120)
    attendance.set_statuses(session, load_roster(session, utcnow()), {eva.id: AttendanceStatus.EXCUSED}, trainer,
                            utcnow(), SHARE)
    db.session.commit()
    login(trainer)
    page = page_text(client.get(u("lms.sessions.attendance", session_id=session.id)))
    rows = {name: re.search(rf"{name}</a>.*?</tr>", page, re.S).group(0) for name in ("Ana Ruiz", "Ben Cruz", "Eva Diaz")}
    assert "will not complete" not in rows["Ana Ruiz"]
    assert "71% of the session" in rows["Ben Cruz"] and "Below 75%: will not complete the module" in rows["Ben Cruz"]
    assert "Excused: will not complete the module" in rows["Eva Diaz"]
    assert "yet this time counts as training hours" in rows["Eva Diaz"]  # 4: time still counted


def test_a_correction_says_what_it_did_for_the_person(client, u, login, module, trainer, make_user):
    session, ana = ana_attended(module, trainer, make_user, 60, final=True)
    assert not attendance_row(session, ana).completed_module
    login(trainer)
    start = session.starts_at
    shown = flashed(client, client.submit(u("lms.sessions.attendance_person", session_id=session.id, user_id=ana.id), {
        "action": "time", "time-joined_at": (start + timedelta(minutes=60)).strftime("%Y-%m-%dT%H:%M"),
        "time-left_at": (start + timedelta(minutes=120)).strftime("%Y-%m-%dT%H:%M"), "time-reason": "She stayed on",
    }))
    assert "Saved. Ana Ruiz has now completed the module." in shown
    assert "Ana Ruiz: 2 hours in their own training records only" in shown  # on nobody's staff: no approver


# ---------------------------------------------------------------- 4. absent, yet time counted


def test_marking_someone_absent_after_finalising_says_their_time_still_counts(client, u, login, module, trainer,
                                                                             make_user):
    session, ana = ana_attended(module, trainer, make_user, 50, final=True)
    login(trainer)
    shown = flashed(client, client.submit(u("lms.sessions.attendance_person", session_id=session.id, user_id=ana.id),
                                          {"action": "status", "status-status": "absent", "status-reason": "Not there"}))
    assert "Ana Ruiz is marked “Absent”, yet 50 minutes in the session still count as training hours" in shown
    assert "use “Set aside” beside each time on their page" in shown
    roster = page_text(client.get(u("lms.sessions.attendance", session_id=session.id)))
    assert "yet this time counts as training hours" in roster
    shown = flashed(client, client.submit(u("lms.sessions.attendance", session_id=session.id),
                                          {f"status-{ana.id}": "excused", "reason": "Excused after all"}))
    assert "Ana Ruiz is marked “Excused”" in shown


# ---------------------------------------------------------------- 6. the check-in code screen


def test_the_code_screen_says_check_in_is_closed_once_attendance_is_final(client, u, login, module, trainer, make_user):
    session = soon(module, trainer, -30, minutes=120)
    login(trainer)
    client.submit(u("lms.sessions.checkin_code", session_id=session.id))
    db.session.refresh(session)
    code = session.checkin_code
    shown = page_text(client.get(u("lms.sessions.checkin_code", session_id=session.id)))
    assert code[:3] in shown and code[3:] in shown and "Check-in is closed." not in shown
    attendance.finalize(session, trainer, utcnow(), SHARE, early=True, ended_at=session.starts_at + timedelta(minutes=25))
    db.session.commit()
    page = page_text(client.get(u("lms.sessions.checkin_code", session_id=session.id)))
    assert "Check-in is closed." in page and "Attendance for this session is final" in page
    assert 'class="checkin-code"' not in page and "data:image/svg+xml" not in page and "Check-in is open from" not in page
    assert "Make a new code" not in page
    end = session.starts_at + timedelta(minutes=25)
    shown_end = re.search(r"The session ended at ([^<]+?) GMT\.", page).group(1).replace("\u202f", " ")
    # the real end, not the scheduled one (with its date in front when it falls on the next day)
    assert shown_end.endswith(end.strftime("%-I:%M %p")) and shown_end != (session.ends_at).strftime("%-I:%M %p")


# ---------------------------------------------------------------- 13. a running session's page


def test_a_running_sessions_page_shows_registration_closed(client, u, login, module, trainer, make_user):
    session = soon(module, trainer, -30, minutes=120)
    login(make_user())
    page = page_text(client.get(u("lms.sessions.detail", session_id=session.id)))
    about = about_list(page)
    assert about.count("<dl") == 1 and "Trainers" in about  # one list
    assert "seats left" not in about and "Registration closes" not in about and "Registration is closed." in about
    login(trainer)
    page = page_text(client.get(u("lms.sessions.detail", session_id=session.id)))
    assert u("lms.sessions.checkin_code", session_id=session.id) in page


def test_an_upcoming_session_still_shows_seats_and_the_deadline(client, u, login, module, trainer, make_user):
    session = soon(module, trainer, 60 * 24)
    login(make_user())
    about = about_list(page_text(client.get(u("lms.sessions.detail", session_id=session.id))))
    assert about.count("<dl") == 1 and "10 seats left" in about and "Registration closes" in about


def test_the_course_page_lists_a_too_short_session_as_such(client, u, login, module, trainer, make_user):
    from lms.enrollment import services as enrollment

    session = soon(module, trainer, -180, minutes=120)
    course = db.session.get(Course, module.course_id)
    ana = make_user(name="Ana Ruiz")
    enrollment.enroll(ana, course)
    seat(session, ana)
    stayed(session, ana, 20)
    login(trainer)
    ended = (session.starts_at + timedelta(minutes=20)).strftime("%Y-%m-%dT%H:%M")
    client.submit(u("lms.sessions.finalize_attendance", session_id=session.id),
                  {"confirm": "yes", "early": "yes", "ended_at": ended})
    login(ana)
    page = page_text(client.get(u("lms.courses.course", course_slug=course.slug)))
    assert "Attended; the session ran too short to complete the module" in page
    assert "Attended part of the session" not in page
