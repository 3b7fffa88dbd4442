"""Times of live sessions read one way: a session that ends on another day gives both ends the same form (full date,
then the time, joined the language's way), and a moment with a date (a registration deadline, a time on another day)
has the language's separator between the date and the time ("5 dic 2026, 9:13 p.m.", not "5 dic 2026 9:13 p.m.")."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from lms.live.times import instant_text, wall_clock_text, when_text
from tests.live_support import LA, schedule

NNBSP = "\u202f"  # Babel puts a narrow no-break space before AM and PM
ZONE = ZoneInfo(LA)
EVENING = datetime(2038, 12, 4, 21, 13, tzinfo=ZONE)  # a Saturday
PAST_MIDNIGHT = datetime(2038, 12, 5, 0, 13, tzinfo=ZONE)


@pytest.mark.parametrize(("locale", "expected"), [
    ("en", f"Saturday, December 4, 2038, 9:13{NNBSP}PM – Sunday, December 5, 2038, 12:13{NNBSP}AM PST"),
    ("es_US", f"sábado, 4 de diciembre de 2038, 9:13{NNBSP}p.m. – domingo, 5 de diciembre de 2038, 12:13{NNBSP}a.m. PST"),
])
def test_a_session_past_midnight_has_the_same_form_at_both_ends(locale, expected):
    assert when_text(EVENING.astimezone(UTC), PAST_MIDNIGHT.astimezone(UTC), LA, locale) == expected


def test_a_session_within_a_day_keeps_the_day_once():
    end = EVENING + timedelta(hours=2)
    assert when_text(EVENING, end, LA, "es_US") == f"sábado, 4 de diciembre de 2038 · 9:13{NNBSP}p.m. – 11:13{NNBSP}p.m. PST"


def test_past_midnight_on_the_night_the_clocks_go_back_names_both_zones():
    start = datetime(2038, 11, 6, 23, 30, tzinfo=ZONE)  # PDT; at 02:00 the clocks go back to 01:00 PST
    end = start.astimezone(UTC) + timedelta(hours=3)
    assert when_text(start, end, LA, "en") == (
        f"Saturday, November 6, 2038, 11:30{NNBSP}PM PDT – Sunday, November 7, 2038, 1:30{NNBSP}AM PST")


@pytest.mark.parametrize(("locale", "expected"), [
    ("en", f"Dec 4, 2038, 9:13{NNBSP}PM PST"),
    ("es_US", f"4 dic 2038, 9:13{NNBSP}p.m. PST"),
])
def test_a_deadline_has_a_separator_between_date_and_time(locale, expected):
    assert instant_text(EVENING, LA, locale) == expected


def test_a_time_on_another_day_has_the_separator_too():
    assert wall_clock_text(PAST_MIDNIGHT, LA, "es_US", date(2038, 12, 4)) == f"5 dic 2038, 12:13{NNBSP}a.m."
    assert wall_clock_text(EVENING, LA, "es_US", date(2038, 12, 4)) == f"9:13{NNBSP}p.m."


def test_the_session_page_reads_the_range_and_the_deadline_consistently(client, u, login, module, trainer, make_user):
    (session,) = schedule(module, trainer, day=date(2038, 12, 4), at=time(21, 13), minutes=180,
                          deadline=datetime(2038, 12, 3, 17, 0))
    reader = make_user(locale="es", timezone=LA)
    login(reader)
    page = client.get(u("lms.sessions.detail", session_id=session.id)).get_data(as_text=True)
    assert (f"sábado, 4 de diciembre de 2038, 9:13{NNBSP}p.m. – domingo, 5 de diciembre de 2038, "
            f"12:13{NNBSP}a.m. PST") in page
    assert f"3 dic 2038, 5:00{NNBSP}p.m. PST" in page  # registration closes
    assert f"3 dic 2038 5:00{NNBSP}p.m." not in page and "5 dic 2038 12:13" not in page
