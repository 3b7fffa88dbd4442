"""Every error about a query parameter names it in ``parameter`` and says what is wrong (docs/api.md, "Query
arguments"): a value that is not valid is a 400 ``invalid_parameter`` (it used to be a bare ``invalid``, and
``offset=-1`` was told to be "a whole number"), a range that ends before it starts is refused rather than answered
with an empty list, and a body field of the wrong type is told so. ``GET /sessions`` filters by ``language``; ``lang``
only chooses the language of the titles, as on every address."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from lms import db
from lms.accounts.models import SiteRole
from lms.db import utcnow
from lms.hours.models import EntryStatus, HoursEntry
from lms.live.models import Attendance, Registration, RegistrationStatus
from lms.live.times import to_zone
from tests.api_support import bearer as _bearer
from tests.live_support import LA, live_course, schedule
from tests.test_hours_ledger import external, make_staff


@pytest.fixture
def staff(make_user, make_org, add_member):
    return make_staff(make_user, make_org, add_member)


def _error(response, status: int = 400) -> dict:
    assert response.status_code == status, response.data
    return response.json["error"]


@pytest.mark.parametrize(("query", "parameter", "message"), [
    ({"status": "bogus"}, "status", "status must be one of: pending, approved, rejected, withdrawn, all."),
    ({"source": "x"}, "source", None),
    ({"limit": "abc"}, "limit", "limit must be a whole number."),
    ({"limit": "0"}, "limit", "limit must be 1 or more."),
    ({"limit": "-5"}, "limit", "limit must be 1 or more."),
    ({"offset": "-1"}, "offset", "offset must be 0 or more."),
    ({"offset": "1.5"}, "offset", "offset must be a whole number."),
    ({"person": "-3"}, "person", "person must be 0 or more."),
    ({"from": "2026-12-01", "to": "2026-01-01"}, "to",
     "to (2026-01-01) is before from (2026-12-01): give a range that ends on or after the day it starts."),
])
def test_a_value_that_is_not_valid_is_an_invalid_parameter_naming_it(client, u, staff, query, parameter, message):
    error = _error(client.get(u("lms.api.org_hours", org_slug="acme"), query_string=query,
                              headers=_bearer(staff.manager)))
    assert (error["code"], error["parameter"]) == ("invalid_parameter", parameter)
    if message:
        assert error["message"] == message


def test_a_one_day_range_and_negative_zero_are_still_taken(client, u, staff):
    path = u("lms.api.org_hours", org_slug="acme")
    headers = _bearer(staff.manager)
    assert client.get(path, query_string={"from": "2026-01-01", "to": "2026-01-01"}, headers=headers).status_code == 200
    assert client.get(path, query_string={"offset": "-0"}, headers=headers).status_code == 200


def test_dates_and_cursors_name_their_parameter_and_keep_their_codes(client, u, staff):
    path, headers = u("lms.api.org_hours", org_slug="acme"), _bearer(staff.manager)
    date_error = _error(client.get(path, query_string={"from": "20261120"}, headers=headers))
    assert (date_error["code"], date_error["parameter"]) == ("invalid_date", "from")
    cursor_error = _error(client.get(path, query_string={"cursor": "nope"}, headers=headers))
    assert (cursor_error["code"], cursor_error["parameter"]) == ("invalid_cursor", "cursor")


def test_the_other_lists_name_the_parameter_too(client, u, staff):
    headers = _bearer(staff.manager)
    past = _error(client.get(u("lms.api.org_pay_periods", org_slug="acme", past="-1"), headers=headers))
    assert (past["code"], past["parameter"], past["message"]) == ("invalid_parameter", "past", "past must be 0 or more.")
    mine = _error(client.get(u("lms.api.my_hours", limit="x"), headers=_bearer(staff.trainee)))
    assert (mine["code"], mine["parameter"]) == ("invalid_parameter", "limit")
    kind = _error(client.get(u("lms.api.list_courses", kind="bogus")))
    assert (kind["code"], kind["parameter"]) == ("invalid_parameter", "kind")


def test_a_reason_that_is_not_text_is_told_so_and_nothing_is_rejected(client, u, staff):
    entry = external(staff.trainee)
    path = u("lms.api.reject_hours", org_slug="acme", entry_id=entry.id)
    error = _error(client.post(path, json={"reason": 5}, headers=_bearer(staff.manager)))
    assert (error["code"], error["fields"], error["message"]) == ("invalid", ["reason"], "reason must be a string.")
    missing = _error(client.post(path, json={"reason": " "}, headers=_bearer(staff.manager)))
    assert missing["fields"] == ["reason"] and missing["message"].startswith("Give a reason for rejecting")
    assert db.session.get(HoursEntry, entry.id).status is EntryStatus.PENDING


def test_an_attendance_reason_that_is_not_text_is_told_so(client, u, staff, make_user):
    trainer = make_user("teresa@example.org", name="Teresa Trainer", role=SiteRole.TRAINER)
    _course, module = live_course(trainer)
    [session] = schedule(module, trainer)
    db.session.add(Registration(session_id=session.id, user_id=staff.trainee.id, status=RegistrationStatus.REGISTERED))
    db.session.commit()
    path = u("lms.api.update_attendance", session_id=session.id, user_id=staff.trainee.id)
    error = _error(client.put(path, json={"status": "present", "reason": 5}, headers=_bearer(trainer)))
    assert (error["fields"], error["message"]) == (["reason"], "reason must be a string.")  # not saved as "5"
    assert db.session.scalar(select(func.count()).select_from(Attendance)) == 0


@pytest.fixture
def two_languages(trainer):
    _course, module = live_course(trainer)
    english = schedule(module, trainer, locale="en")[0]
    day = to_zone(utcnow(), LA).date() + timedelta(days=8)
    spanish = schedule(module, trainer, locale="es", day=day)[0]
    return english, spanish


def test_sessions_filter_by_language_and_lang_only_translates(client, u, two_languages):
    english, spanish = two_languages
    only_spanish = client.get(u("lms.api.list_sessions", language="es")).json["sessions"]
    assert [s["id"] for s in only_spanish] == [spanish.id]
    shown = client.get(u("lms.api.list_sessions", lang="es")).json["sessions"]
    assert [s["id"] for s in shown] == [english.id, spanish.id]  # lang no longer filters
    assert {s["course"]["title"] for s in shown} == {"Curso de práctica"}
    english_titles = client.get(u("lms.api.list_sessions", lang="en", language="es")).json["sessions"]
    assert [(s["id"], s["course"]["title"]) for s in english_titles] == [(spanish.id, "Practice course")]


def test_session_list_filters_that_are_not_valid_name_the_parameter(client, u, two_languages):
    for query, code, parameter in [({"language": "xx"}, "invalid_parameter", "language"),
                                   ({"lang": "xx"}, "invalid_parameter", "lang"),
                                   ({"mode": "x"}, "invalid_parameter", "mode"),
                                   ({"from": "soon"}, "invalid_date", "from"),
                                   ({"from": "2026-12-20", "until": "2026-12-10"}, "invalid_parameter", "until")]:
        error = _error(client.get(u("lms.api.list_sessions"), query_string=query))
        assert (error["code"], error["parameter"]) == (code, parameter), query


def test_the_documents_say_what_the_session_filters_do(client, u):
    operation = client.get(u("lms.api.openapi")).json["paths"]["/sessions"]["get"]
    parameters = {p["name"]: p for p in operation["parameters"]}
    assert parameters["language"]["schema"]["enum"] == parameters["lang"]["schema"]["enum"] == ["en", "es"]
    assert "Not a filter" in parameters["lang"]["description"]
    assert "past and completed sessions are never listed" in operation["description"]
