"""The live-session list (``/sessions/``) with "Until" before "From": the API refuses it (400), and the web page said
"No upcoming sessions match these filters", which read as "nothing is planned". The page now marks the "Until" box
with why, keeps what was typed and lists nothing (200, as the hours queue does with "To" before "From")."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from lms.db import utcnow
from lms.live import listing
from lms.live.models import SessionMode
from tests.live_support import LA, live_course, local, schedule

UNTIL_ERROR = "This date is before “From”, so no session can match. Choose the same day as “From” or a later one."


@pytest.fixture
def days(trainer):
    """A session in 5 days (Los Angeles, the site's zone), and (today, that day)."""
    _course, module = live_course(trainer)
    schedule(module, trainer, mode=SessionMode.ONLINE, join_url="https://meet.example.org/a")
    today = local(utcnow(), LA).date()
    return today, today + timedelta(days=5)


def _box(html: str, box_id: str) -> str:
    return re.search(rf'<input[^>]*id="{box_id}"[^>]*>', html, re.S).group(0)


def test_until_before_from_is_said_beside_the_until_box_and_keeps_the_filters(client, u, days):
    today, day = days
    response = client.get(u("lms.sessions.index", language="en", mode="online",
                            **{"from": day.isoformat(), "until": today.isoformat()}))
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    until = _box(html, "filter-until")
    assert f'value="{today.isoformat()}"' in until
    assert 'aria-invalid="true"' in until and 'aria-describedby="filter-until-error"' in until
    assert re.search(rf'<p class="error" id="filter-until-error">{UNTIL_ERROR}</p>', html)
    from_box = _box(html, "filter-from")
    assert f'value="{day.isoformat()}"' in from_box and "aria-invalid" not in from_box
    assert '<option value="online" selected>' in html and '<option value="en" lang="en" selected>' in html
    summary = re.search(r'<div class="error-summary" role="alert"[^>]*>(.*?)</div>', html, re.S).group(1)
    assert '<a href="#filter-until">Please correct the highlighted fields.</a>' in summary
    assert re.search(r"<title>Error: Live sessions", html)
    # nothing listed, and no sentence that reads as "nothing is planned"
    assert 'class="card live-card"' not in html and "No upcoming sessions match" not in html
    assert "0 sessions" not in html


def test_the_same_range_the_right_way_round_lists_the_session(client, u, days):
    today, day = days
    for first, last in ((today, day), (day, day)):
        html = client.get(u("lms.sessions.index", **{"from": first.isoformat(), "until": last.isoformat()})).text
        assert html.count('class="card live-card"') == 1 and "filter-until-error" not in html
        assert "error-summary" not in html


def test_a_spanish_reader_gets_the_page_in_spanish_with_the_box_marked(client, u, days):
    today, day = days
    response = client.get(u("lms.sessions.index", lang="es", **{"from": day.isoformat(), "until": today.isoformat()}))
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert '<a href="#filter-until">Corrija los campos marcados.</a>' in html  # the summary's words are translated
    assert 'id="filter-until-error"' in html and 'aria-invalid="true"' in _box(html, "filter-until")
    assert f'value="{today.isoformat()}"' in _box(html, "filter-until")
    assert f'value="{day.isoformat()}"' in _box(html, "filter-from")


def test_a_reversed_range_lists_nothing_without_asking_the_database(days, count_queries):
    today, day = days
    with count_queries() as counter:
        assert listing.list_upcoming(listing.SessionFilters(date_from=day, date_until=today), utcnow(), LA) == []
    assert counter.count == 0
    assert listing.SessionFilters(date_from=day, date_until=day).is_reversed is False
    assert listing.SessionFilters(date_until=today).is_reversed is False


def test_the_api_still_refuses_the_reversed_range(client, u, days):
    today, day = days
    response = client.get(u("lms.api.list_sessions", **{"from": day.isoformat(), "until": today.isoformat()}))
    assert response.status_code == 400
    assert response.json["error"]["code"] == "invalid_parameter" and response.json["error"]["parameter"] == "until"
