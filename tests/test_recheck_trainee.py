"""Re-check QA of the trainee's pages: a session's page says she already completed the module before she registers
again; a walk-in checked in reads a page that agrees with itself and finds the session on "My registrations" and the
course page; the session list puts sessions under way apart ("Happening now"); someone on no organisation's staff
today is not offered "Log field experience" and the form says why first. (The course page's main button on a phone:
tests/browser/test_recheck_course_button.py.)"""

from __future__ import annotations

import html
import re
from datetime import timedelta

import pytest

from lms import db
from lms.accounts.models import SiteRole
from lms.catalog.models import ModuleKind
from lms.db import utcnow
from lms.enrollment import services as enrollment_services
from lms.i18n import today_for
from lms.live import attendance, listing
from lms.live.my_sessions import Standing, list_my_course_sessions
from lms.orgs.employment import remove_member
from tests.live_support import add_time, held_at, schedule, seat, stayed
from tests.test_hours_ledger import make_course

AGAIN = "You have already completed this module. Register only if you want to attend again: seats are limited."
AGAIN_WAITLIST = "You have already completed this module. Join the waitlist only if you want to attend again."
ADDRESS = "1200 Main Street, Fresno, CA"
SEAT_HINT = "The address or join link is shown here once you have a seat."
CLOSED = "Registration is closed."


def text_of(response) -> str:
    return html.unescape(re.sub(r"\s+", " ", response.get_data(as_text=True)))


def upcoming(module, trainer, days: int, **fields):
    (session,) = schedule(module, trainer, day=(utcnow() + timedelta(days=days)).date(), **fields)
    return session


@pytest.fixture
def maria(make_user):
    return make_user("maria@example.org", name="María")


# ---------------------------------------------------------------- 2. completed the module, before registering again

@pytest.fixture
def completed(module, trainer, maria):
    """María attended (finalised) a session of the module two days ago, completing it."""
    done = held_at(module, trainer, utcnow() - timedelta(days=2), 120)
    seat(done, maria)
    stayed(done, maria, 120)
    attendance.finalize(done, trainer, utcnow(), 75)
    db.session.commit()
    return done


def test_the_session_page_says_she_completed_the_module_before_she_registers(client, u, login, module, trainer,
                                                                             maria, completed, make_user):
    other = upcoming(module, trainer, 6)
    login(maria)
    page = text_of(client.get(u("lms.sessions.detail", session_id=other.id)))
    assert AGAIN in page and AGAIN_WAITLIST not in page
    assert u("lms.sessions.register", session_id=other.id) in page  # she may still register, to attend again
    client.submit(u("lms.sessions.register", session_id=other.id), {})
    page = text_of(client.get(u("lms.sessions.detail", session_id=other.id)))
    assert AGAIN not in page  # with a seat, the existing notice asks her to give it up if she will not come
    assert "If you will not attend, give up your seat" in page


def test_a_full_session_says_waitlist_and_others_see_nothing(client, u, login, module, trainer, maria, completed,
                                                             make_user):
    full = upcoming(module, trainer, 7, capacity=1)
    seat(full, make_user("first@example.org"))
    login(maria)
    page = text_of(client.get(u("lms.sessions.detail", session_id=full.id)))
    assert AGAIN_WAITLIST in page and AGAIN not in page
    other = upcoming(module, trainer, 9)
    login(make_user("new@example.org"))  # never attended: no notice
    page = text_of(client.get(u("lms.sessions.detail", session_id=other.id)))
    assert AGAIN not in page and u("lms.sessions.register", session_id=other.id) in page
    client.submit(u("lms.accounts.logout"), {})
    assert AGAIN not in text_of(client.get(u("lms.sessions.detail", session_id=other.id)))  # a visitor


# ---------------------------------------------------------------- 3. a walk-in checked in

@pytest.fixture
def walk_in(module, trainer, maria):
    """A session that started 20 minutes ago; María, with no seat, checked in 5 minutes in and is still there."""
    session = held_at(module, trainer, (utcnow() - timedelta(minutes=20)).replace(second=0, microsecond=0), 120,
                      address=ADDRESS)
    add_time(session, maria, 5, None)
    return session


def test_the_walk_ins_session_page_agrees_with_itself(client, u, login, maria, walk_in, make_user):
    login(maria)
    page = text_of(client.get(u("lms.sessions.detail", session_id=walk_in.id)))
    assert "You are checked in." in page and u("lms.sessions.checked_in", session_id=walk_in.id) in page
    assert ADDRESS in page and SEAT_HINT not in page  # she is there: the address is no secret
    assert page.count(CLOSED) == 1  # once, among the session's facts; not again under "Your place"
    login(make_user("late@example.org"))  # not checked in: as before
    page = text_of(client.get(u("lms.sessions.detail", session_id=walk_in.id)))
    assert ADDRESS not in page and SEAT_HINT in page and page.count(CLOSED) == 2


def test_the_walk_ins_session_is_on_my_registrations_and_the_course_page(client, u, login, module, trainer, maria,
                                                                         walk_in):
    login(maria)
    mine = client.get(u("lms.sessions.mine")).get_data(as_text=True)
    assert u("lms.sessions.detail", session_id=walk_in.id) in mine
    assert list_my_course_sessions(maria, module.course_id, utcnow()).items[0].standing is Standing.PENDING
    later = walk_in.ends_at + timedelta(hours=1)  # over, not final yet: still hers, pending
    (item,) = list_my_course_sessions(maria, module.course_id, later).items
    assert item.standing is Standing.PENDING
    attendance.finalize(walk_in, trainer, later, 75)
    db.session.commit()
    (item,) = list_my_course_sessions(maria, module.course_id, later).items
    assert item.standing is not Standing.PENDING
    assert [s.id for s in listing.list_user_sessions(maria, utcnow() - timedelta(days=1))] == [walk_in.id]


def test_a_voided_check_in_does_not_make_the_session_hers(app, module, trainer, maria, walk_in):
    from lms.live.models import AttendanceInterval

    for interval in db.session.query(AttendanceInterval).filter_by(user_id=maria.id):
        interval.is_void = True
    db.session.commit()
    assert listing.list_user_sessions(maria, utcnow() - timedelta(days=1)) == []
    assert list_my_course_sessions(maria, module.course_id, utcnow()).items == []


# ---------------------------------------------------------------- 4. sessions under way on the session list

def test_sessions_under_way_are_listed_apart_from_upcoming_ones(client, u, module, trainer):
    started = held_at(module, trainer, (utcnow() - timedelta(minutes=30)).replace(second=0, microsecond=0), 120)
    later = upcoming(module, trainer, 4)
    page = client.get(u("lms.sessions.index", course="practice")).get_data(as_text=True)
    now_part, upcoming_part = page.split('id="upcoming-heading"', 1)
    assert ">Happening now</h2>" in now_part and ">Upcoming sessions</h2>" in upcoming_part[:40]
    assert u("lms.sessions.detail", session_id=started.id) in now_part.split('id="now-heading"', 1)[1]
    assert u("lms.sessions.detail", session_id=started.id) not in upcoming_part
    assert u("lms.sessions.detail", session_id=later.id) in upcoming_part
    assert "<h3><a" in upcoming_part  # headings stay in order under the two h2
    cards = listing.describe([started, later], "en", None, utcnow())
    assert [[c.session.id for c in part] for part in listing.split_started(cards, utcnow())] == [[started.id],
                                                                                               [later.id]]


def test_without_sessions_under_way_the_list_is_as_before(client, u, module, trainer):
    later = upcoming(module, trainer, 4)
    page = client.get(u("lms.sessions.index")).get_data(as_text=True)
    assert "Happening now" not in page and 'id="upcoming-heading"' not in page
    assert f'<h2><a href="{u("lms.sessions.detail", session_id=later.id)}">' in page


# ---------------------------------------------------------------- 5. field experience with no employer today

NO_EMPLOYER_NOTE = ("A manager of the organisation you work for signs it off, and you are not on the staff of any "
                    "organisation today.")
FORMER = "You are not on the staff of any organisation today."
NEVER = "Field experience is signed off by a manager of the organisation you work for, and you are not on the staff"


@pytest.fixture
def field_course(make_user):
    trainer = make_user(role=SiteRole.TRAINER)
    course, modules = make_course(trainer, slug="fieldcourse", field=(ModuleKind.FIELD, 120))
    return course, modules["field"]


@pytest.fixture
def people(make_user, make_org, add_member, field_course):
    """Ana works for Acme; Flor worked there and left yesterday; Nadia never worked for anyone. All enrolled."""
    org = make_org("acme")
    ana, flor, nadia = (make_user(f"{n}@example.org", name=n.title()) for n in ("ana", "flor", "nadia"))
    add_member(org, ana, employment_start=utcnow().date() - timedelta(days=400))
    left = add_member(org, flor, employment_start=utcnow().date() - timedelta(days=400))
    remove_member(left, ana, today_for(flor) - timedelta(days=1))
    for person in (ana, flor, nadia):
        enrollment_services.enroll(person, field_course[0])
    db.session.commit()
    return {"ana": ana, "flor": flor, "nadia": nadia}


def test_the_course_page_offers_field_experience_only_with_an_employer_today(client, u, login, people, field_course):
    course, field = field_course
    link = u("lms.hours.log_field", module=field.id)
    login(people["ana"])
    page = text_of(client.get(u("lms.courses.course", course_slug=course.slug)))
    assert link in page and NO_EMPLOYER_NOTE not in page
    for who in ("flor", "nadia"):
        login(people[who])
        page = text_of(client.get(u("lms.courses.course", course_slug=course.slug)))
        assert link not in page and u("lms.hours.log_field") + '"' not in page, who
        assert NO_EMPLOYER_NOTE in page, who  # what is left says why


def test_the_form_says_why_first(client, u, login, people):
    login(people["ana"])
    page = text_of(client.get(u("lms.hours.log_field")))
    assert FORMER not in page and NEVER not in page and 'name="description"' in page
    login(people["flor"])  # she may log a day from when she worked there: the form stays, under the reason
    page = text_of(client.get(u("lms.hours.log_field")))
    assert page.index(FORMER) < page.index('name="description"')
    login(people["nadia"])  # every date would be refused: no form
    response = client.get(u("lms.hours.log_field"))
    page = text_of(response)
    assert response.status_code == 200 and NEVER in page and 'name="description"' not in page
