"""Text no field may hold, refused with the field named (lms.json_text, lms.api.bodies; docs/api.md, "Request
bodies"): a lone surrogate (``\\ud800``) used to reach the database and end in a 500 (UnicodeEncodeError) on
POST /me/hours, POST .../reject and the public POST /certificates/verify; a NUL was a bare "bad request", or, sent as a
raw byte, "the problem is at line 1, column 11". Query strings and forms cannot carry a surrogate at all, and no
search page answers 500 to one, to a NUL or to bytes that are not UTF-8.
"""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from lms import db
from lms.accounts.models import SiteRole, User
from lms.hours.models import HoursEntry
from lms.live.models import Registration, RegistrationStatus
from tests.api_support import bearer
from tests.live_support import live_course, schedule
from tests.test_api_input_errors import HOURS
from tests.test_hours_ledger import entries_of, external, make_staff

SURROGATE = "The field {} contains a lone surrogate (a code point from \\ud800 to \\udfff), which is not a character: " \
            "send each character whole. Nothing was done."
NUL = "The field {} contains a NUL character (\\u0000), which is not accepted in any text. Nothing was done."

#: Each endpoint that takes a body: a body that would be accepted, with ``{}`` where the bad text goes, and the field.
BAD_BODIES = {
    "verify": ('{"codes": ["K7QM", "{}"]}', "codes[1]"),
    "hours": ('{"title": "{} x", "provider": "Clinic", "activity_date": "2026-03-10", "minutes": 60}', "title"),
    "reject": ('{"reason": "{}"}', "reason"),
    "attendance": ('{"status": "present", "reason": "late {}"}', "reason"),
}


@pytest.fixture
def staff(make_user, make_org, add_member):
    return make_staff(make_user, make_org, add_member)


@pytest.fixture
def calls(u, staff, make_user):
    """Every endpoint that takes a JSON body: ``(method, path, headers, _)``, as in tests/test_api_input_errors.py."""
    entry = external(staff.trainee)
    trainer = make_user("teresa@example.org", name="Teresa Trainer", role=SiteRole.TRAINER)
    [session] = schedule(live_course(trainer)[1], trainer)
    db.session.add(Registration(session_id=session.id, user_id=staff.trainee.id, status=RegistrationStatus.REGISTERED))
    db.session.commit()
    return {
        "verify": ("POST", u("lms.api.verify_certificates"), {}, None),
        "hours": ("POST", u("lms.api.submit_hours"), {**bearer(staff.trainee), "Idempotency-Key": "k-1"}, None),
        "reject": ("POST", u("lms.api.reject_hours", org_slug="acme", entry_id=entry.id), bearer(staff.manager), None),
        "attendance": ("PUT", u("lms.api.update_attendance", session_id=session.id, user_id=staff.trainee.id),
                       bearer(trainer), None),
    }


def _count() -> int:
    return db.session.scalar(select(func.count()).select_from(HoursEntry))


def _send(client, calls, name: str, text: str | bytes):
    method, path, headers, _body = calls[name]
    return client.open(path, method=method, headers=headers, data=text, content_type="application/json")


def _state(staff):
    return _count(), [(e.status, e.title) for e in entries_of(staff.trainee)]


@pytest.mark.parametrize("name", list(BAD_BODIES))
@pytest.mark.parametrize("escape", ["\\ud800", "\\udfff", "\\ude00\\ud83d"], ids=["high", "low", "pair-reversed"])
def test_a_lone_surrogate_is_a_400_naming_the_field(client, calls, staff, name, escape):
    template, field = BAD_BODIES[name]
    before = _state(staff)
    response = _send(client, calls, name, template.replace("{}", escape))
    assert response.status_code == 400, response.get_data(as_text=True)
    assert response.json["error"] == {"code": "invalid_json", "message": SURROGATE.format(field)}
    assert _state(staff) == before


@pytest.mark.parametrize("name", list(BAD_BODIES))
def test_a_surrogate_sent_as_utf8_bytes_is_refused_too(client, calls, name):
    template, field = BAD_BODIES[name]
    response = _send(client, calls, name, template.replace("{}", "\udc80").encode("utf-8", "surrogatepass"))
    assert response.status_code == 400 and response.json["error"]["message"] == SURROGATE.format(field)


@pytest.mark.parametrize("name", list(BAD_BODIES))
def test_a_surrogate_in_a_field_name_is_refused_before_the_unknown_fields(client, calls, name):
    response = _send(client, calls, name, '{"\\ud800note": 1}')
    assert response.status_code == 400
    assert response.json["error"]["message"] == (
        "The field name \\ud800note contains a lone surrogate (a code point from \\ud800 to \\udfff), which is not "
        "a character: send each character whole. Nothing was done.")


def test_nested_places_are_named(client, calls):
    body = {"status": "present", "interval": {"joined_at": "2026-03-10T10:00:00\ud800", "left_at": None}}
    response = _send(client, calls, "attendance", json.dumps(body))  # ensure_ascii: sent as the escape
    assert response.json["error"]["message"] == SURROGATE.format("interval.joined_at")
    response = _send(client, calls, "verify", '{"codes": [[], {"\\u0000": 1}]}')
    assert response.status_code == 400 and response.json["error"]["message"] == (
        "The field name codes[1].\\u0000 contains a NUL character (\\u0000), which is not accepted in any text. "
        "Nothing was done.")


def test_the_public_bulk_verification_no_longer_answers_500(client, u):
    """No sign-in, no token: anyone could trigger the 500 before."""
    response = client.post(u("lms.api.verify_certificates"), data='{"codes": ["\\udc00"]}',
                           content_type="application/json")
    assert response.status_code == 400 and response.json["error"]["message"] == SURROGATE.format("codes[0]")


def test_a_surrogate_pair_is_one_character_and_is_taken(client, u, staff):
    headers = {**bearer(staff.trainee), "Idempotency-Key": "emoji"}
    body = json.dumps({**HOURS, "title": "Salud \U0001f600"})  # ensure_ascii: "\ud83d\ude00"
    assert "\\ud83d\\ude00" in body
    response = client.post(u("lms.api.submit_hours"), data=body, content_type="application/json", headers=headers)
    assert response.status_code == 201 and response.json["title"] == "Salud \U0001f600"
    assert [e.title for e in entries_of(staff.trainee)] == ["Salud \U0001f600"]


@pytest.mark.parametrize("name", list(BAD_BODIES))
@pytest.mark.parametrize("nul", ["\\u0000", "\x00"], ids=["escaped", "raw"])
def test_a_nul_is_a_400_naming_the_field(client, calls, staff, name, nul):
    template, field = BAD_BODIES[name]
    before = _state(staff)
    response = _send(client, calls, name, template.replace("{}", nul))
    assert response.status_code == 400
    assert response.json["error"] == {"code": "invalid_json", "message": NUL.format(field)}
    assert _state(staff) == before


def test_another_raw_control_character_is_said_to_be_one(client, calls):
    response = _send(client, calls, "reject", '{"reason": "two\nlines"}')
    assert response.status_code == 400 and response.json["error"] == {"code": "invalid_json", "message": (
        "The body could not be read as JSON: there is a control character (such as a line break or a tab) inside a "
        "string at line 1, column 16. Write it escaped, as \\n or \\t.")}
    other = _send(client, calls, "reject", '{"reason": "x",}')  # other faults keep their words
    assert other.json["error"]["message"] == "The body could not be read as JSON: the problem is at line 1, column 16."


# ---------------------------------------------------------------- query strings and forms

#: Raw query values: a surrogate as UTF-8 bytes, the escape written out, a NUL, an overlong NUL, bytes not UTF-8.
ODD = ["%ED%A0%80", "%5Cud800", "%00", "%C0%80", "%FF%FE", "x%ED%B0%80y"]


@pytest.fixture
def searcher(make_user, make_org, login):
    admin = make_user("root@example.org", name="Root Admin", role=SiteRole.ADMIN)
    make_org("acme", manager=admin)
    login(admin)
    return admin


SEARCHES = [
    ("lms.admin.users", {}, ("q",)),
    ("lms.admin.audit_log", {}, ("by", "about", "action", "org")),
    ("lms.courses.catalog", {}, ("language", "kind", "area")),
    ("lms.sessions.index", {}, ("language",)),
    ("lms.certificates.verify_form", {}, ("code",)),
    ("lms.hours.queue", {"org_slug": "acme"}, ("person", "source", "status", "start", "end")),
    ("lms.api.list_courses", {}, ("area", "kind", "language", "lang")),
    ("lms.api.list_sessions", {}, ("language",)),
    ("lms.api.org_hours", {"org_slug": "acme"}, ("person", "source", "status", "limit", "cursor")),
    ("lms.api.org_members", {"org_slug": "acme"}, ("include_former",)),
]


@pytest.mark.parametrize(("endpoint", "values", "names"), SEARCHES, ids=[s[0] for s in SEARCHES])
def test_search_pages_never_answer_500_to_odd_text(client, u, searcher, endpoint, values, names):
    path = u(endpoint, **values)
    for name in names:
        for value in ODD:
            response = client.get(path, query_string=f"{name}={value}")
            assert response.status_code < 500, (name, value, response.status_code)
            if value == "%00":  # refused before any view reads it
                assert response.status_code == 400, (name, value)


def test_a_surrogate_in_a_query_or_form_arrives_as_plain_text(client, u, searcher):
    """Werkzeug keeps bytes that are not UTF-8 as the %XX text that was sent: no surrogate reaches a view, so none
    reaches the database; a NUL in a form is refused (400)."""
    page = client.get(u("lms.admin.users"), query_string="q=%ED%A0%80")
    assert page.status_code == 200 and 'name="q" type="search" value="%ED%A0%80"' in page.get_data(as_text=True)
    profile = u("lms.accounts.profile")
    token = client.csrf_token(profile)
    form = f"csrf_token={token}&locale=en&timezone=America/Chicago&name="
    response = client.post(profile, data=form + "Ana%ED%A0%80", content_type="application/x-www-form-urlencoded")
    assert response.status_code < 500
    assert db.session.scalar(select(User.name).where(User.id == searcher.id)) in ("Ana%ED%A0%80", "Root Admin")
    nul = client.post(profile, data=form + "Ana%00", content_type="application/x-www-form-urlencoded")
    assert nul.status_code == 400
