"""Times of a session that crosses midnight name their day at both ends ("from Dec 6, 11:24 PM PST to Dec 7,
2:54 AM PST", not "from 11:24 PM PST to Dec 7, ..."), on the check-in code screen and the trainer's attendance pages
(11:42 PM beside Dec 7, 2:31 AM read as the same night); a session within one day keeps its times short. The public
certificate check names the zone of the moment it was checked: a stranger may be anywhere."""

from __future__ import annotations

import re
from datetime import date, time, timedelta

from lms import db
from lms.db import utcnow
from lms.live import checkin
from lms.live.times import local_to_utc, one_day, wall_clock_text
from lms.web.live.attendance_support import session_clock
from tests.certificates_support import issued_world
from tests.live_support import LA, held_at, live_course

NNBSP = "\u202f"


def _night_session(trainer, *, start: time = time(23, 54), minutes: int = 180):
    """A session in Los Angeles a week from now, starting at ``start`` (a late one crosses midnight)."""
    day = (utcnow() + timedelta(days=7)).date()
    session = held_at(live_course(trainer)[1], trainer, local_to_utc(day, start, LA), minutes, tz=LA)
    checkin.new_code(session, trainer)
    db.session.commit()
    return session


def test_one_day_is_none_across_midnight():
    evening = local_to_utc(date(2026, 12, 6), time(18), LA)
    assert one_day(evening, evening + timedelta(hours=2), LA) == date(2026, 12, 6)
    assert one_day(evening, evening + timedelta(hours=7), LA) is None
    late = local_to_utc(date(2026, 12, 6), time(23, 42), LA)
    assert wall_clock_text(late, LA, "en_US", None) == f"Dec 6, 2026, 11:42{NNBSP}PM"
    assert wall_clock_text(late, LA, "en_US", date(2026, 12, 6)) == f"11:42{NNBSP}PM"


def test_the_code_screen_dates_both_ends_of_an_overnight_window(client, u, login, teresa):
    session = _night_session(teresa)
    login(teresa)
    page = client.get(u("lms.sessions.checkin_code", session_id=session.id)).get_data(as_text=True)
    opens, closes = re.search(r"Check-in is open from (.+?) to (.+?)\.</p>", page).groups()
    year = str(session.ends_at.year)
    assert year in opens and year in closes, (opens, closes)
    assert opens.endswith(("PST", "PDT")) and closes.endswith(("PST", "PDT"))


def test_the_code_screen_keeps_short_times_within_one_day(client, u, login, teresa):
    session = _night_session(teresa, start=time(18), minutes=120)
    login(teresa)
    page = client.get(u("lms.sessions.checkin_code", session_id=session.id)).get_data(as_text=True)
    opens, closes = re.search(r"Check-in is open from (.+?) to (.+?)\.</p>", page).groups()
    assert opens.startswith("5:") and closes.startswith("8:"), (opens, closes)  # 15 minutes' grace either side


def test_attendance_times_of_an_overnight_session_all_name_their_day(app, teresa):
    session = _night_session(teresa)
    with app.test_request_context():
        clock = session_clock(session)
        before_midnight, after = session.starts_at - timedelta(minutes=12), session.ends_at - timedelta(minutes=23)
        texts = clock(before_midnight), clock(after)
    local_day = (session.starts_at - timedelta(hours=8)).date()  # PST, or an hour off in summer: the day is the same
    assert all(str(local_day.year) in text for text in texts), texts
    assert texts[0] != texts[0].split(", ")[-1], "the evening time has its date"


def test_the_public_certificate_check_names_the_zone(client, u, make_user, make_org, add_member):
    world = issued_world(make_user, make_org, add_member)
    page = client.get(u("lms.certificates.verify_page", code=world["code"])).get_data(as_text=True)
    checked = re.search(r"Checked: ([^<]+)</p>", page).group(1)
    assert checked.endswith((" PST", " PDT")), checked
    assert re.search(r"\d{4}", checked), "with its date"


def test_the_zone_is_named_in_spanish_too(client, u, make_user, make_org, add_member):
    world = issued_world(make_user, make_org, add_member)
    page = client.get(u("lms.certificates.verify_page", code=world["code"], lang="es")).get_data(as_text=True)
    checked = re.search(r"(?:Checked|Verificado): ([^<]+)</p>", page).group(1)
    assert checked.endswith((" PST", " PDT")), checked  # es_US names US zones


