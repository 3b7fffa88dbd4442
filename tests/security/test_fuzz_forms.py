"""Fuzzing the forms: arbitrary values in every field of every form (control characters, huge strings, any Unicode,
missing fields, repeated keys, numbers and dates where text goes and the other way round, junk files) never make a
500; a page that answers 200 or 400 is HTML with the form again and no stack trace.

Each target reads its form from the page a person would open, so new fields are fuzzed without editing this file.
"""

from __future__ import annotations

import io
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from flask import url_for
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from werkzeug.datastructures import MultiDict

from tests.security._injection import Control, PageForm, post_forms, seed

#: Examples per operation; raise it for a deeper local run, e.g. LMS_FUZZ_EXAMPLES=500.
EXAMPLES = int(os.environ.get("LMS_FUZZ_EXAMPLES", "25"))


@dataclass(frozen=True)
class Target:
    """A form to fuzz: who opens which page, the endpoint it posts to (default: the page itself), the fields that
    identify it among the page's forms, and whether a 200/400 answer shows that form again."""

    page: str
    role: str | None = None
    action: str | None = None
    names: tuple[str, ...] = ()
    shows_form: bool = True
    fixed: tuple[str, ...] = ()  # hidden fields that say which of a page's forms was sent: kept as on the page
    files: tuple[str, ...] = ()  # other types a 200 may be (a download the form asks for)
    prepare: Callable[[dict[str, Any]], None] | None = None  # puts the seeded world in the state that shows the form

    @property
    def id(self) -> str:
        return (self.action or self.page).removeprefix("lms.") + (f"[{','.join(self.names)}]" if self.names else "")


def _locked_out(world: dict[str, Any]) -> None:
    """The trainee used the quiz's only attempt without passing: the quiz page offers "Allow one more attempt"."""
    from lms import db
    from lms.catalog import services as catalog
    from lms.enrollment import quiz_attempts
    from lms.enrollment import services as enrollments

    course = world["course"]
    quiz = catalog.get_quiz(catalog.get_module(course, "first"))
    quiz.max_attempts = 1
    wrong = next(o.id for _q, options in catalog.load_questions(quiz) for o in options if not o.is_correct)
    enrollment = enrollments.get_enrollment(world["users"]["trainee"], course)
    quiz_attempts.submit_quiz(enrollment, quiz, {world["question_id"]: {wrong}})
    db.session.commit()


T = Target
TARGETS = [
    # accounts
    T("lms.accounts.signup"), T("lms.accounts.login"), T("lms.accounts.reset_request"), T("lms.accounts.reset"),
    T("lms.accounts.profile", "trainee", names=("name",)),
    T("lms.accounts.profile", "trainee", "lms.accounts.change_password"),
    T("lms.accounts.tokens", "trainee", names=("name",)),
    T("lms.main.home", "trainee", "lms.main.set_language", shows_form=False),
    T("lms.admin.users", "admin", "lms.admin.update_user", shows_form=False),
    # organisations
    T("lms.orgs.create", "manager"), T("lms.orgs.settings", "manager"),
    T("lms.orgs.member", "manager", names=("job_title",)),
    T("lms.orgs.member", "manager", "lms.orgs.end_member"),
    T("lms.orgs.invite", "manager"), T("lms.orgs.roster_import", "manager"),
    T("lms.orgs.accept", None, names=("name",)),
    # authoring
    T("lms.authoring.new_course", "trainer"), T("lms.authoring.edit_course", "trainer"),
    T("lms.authoring.course", "trainer", "lms.authoring.set_status", shows_form=False),
    T("lms.authoring.course", "trainer", "lms.authoring.move_module", shows_form=False),
    T("lms.authoring.new_module", "trainer"), T("lms.authoring.edit_module", "trainer"),
    T("lms.authoring.new_lesson", "trainer"), T("lms.authoring.edit_lesson", "trainer"),
    T("lms.authoring.quiz", "trainer", names=("pass_mark",)),
    T("lms.authoring.quiz", "trainer", "lms.authoring.grant_attempt", prepare=_locked_out),
    T("lms.authoring.new_question", "trainer"), T("lms.authoring.edit_question", "trainer"),
    T("lms.authoring.translate", "trainer"), T("lms.authoring.translate_question", "trainer"),
    # learning
    T("lms.courses.quiz", "trainee"), T("lms.courses.enroll_staff", "manager"),
    T("lms.courses.quiz", "trainee", "lms.courses.ask_attempt", prepare=_locked_out),
    # live sessions
    T("lms.sessions.create", "trainer"), T("lms.sessions.edit", "trainer"), T("lms.sessions.cancel", "trainer"),
    T("lms.sessions.staff", "manager", shows_form=False),
    T("lms.sessions.attendance", "trainer"),
    T("lms.sessions.attendance_person", "trainer", names=("time-joined_at",), fixed=("action",)),
    T("lms.sessions.attendance_person", "trainer", names=("status-status",), fixed=("action",)),
    T("lms.sessions.import_report", "trainer"),
    T("lms.sessions.checkin", "trainee"),
    T("lms.sessions.checkin_code", "trainer", shows_form=False),
    T("lms.sessions.mine", "trainee", "lms.sessions.calendar_feed", shows_form=False),
    T("lms.sessions.unregister", "trainee", shows_form=False),
    # hours
    T("lms.hours.submit_external", "trainee"), T("lms.hours.log_field", "trainee"),
    T("lms.hours.review", "manager", "lms.hours.reject"),
    T("lms.hours.queue", "manager", "lms.hours.bulk_decide"),
    T("lms.hours.adjust", "manager"),
    T("lms.hours.org_timesheet", "manager", "lms.hours.export_payroll", shows_form=False),
    # certificates
    T("lms.certificates.issue", "trainer"), T("lms.certificates.issue_hours", "trainer"),
    T("lms.certificates.revoke", "admin"),
    T("lms.certificates.verify_bulk", files=("text/csv",)),
]

# ---------------------------------------------------------------- values

CHARS = st.characters(exclude_categories=("Cs",), exclude_characters="\x00")
CONTROL = st.characters(min_codepoint=1, max_codepoint=31)
TEXT = st.text(alphabet=st.one_of(CHARS, CONTROL), max_size=40)
HUGE = st.builds(lambda piece, size: (piece * (size // len(piece) + 1))[:size],
                 st.text(alphabet=CHARS, min_size=1, max_size=6), st.integers(1_000, 120_000))
NUMBERS = st.one_of(st.integers(-(2**70), 2**70).map(str), st.floats().map(repr),
                    st.sampled_from(["NaN", "Infinity", "-inf", "1e309", "0x10", "٣", "①", "1_000", " 5 ", "-0", "",
                                     "9" * 40, "3.7", "-1", "2147483648", "0" * 4301, "9" * 4400, "9" * 400, "-" + "9" * 400,
                                     "snan", "-sNaN", "1e-400"]))
DATES = st.one_of(st.dates().map(str), st.datetimes().map(lambda d: d.isoformat(timespec="minutes")),
                  st.sampled_from(["2024-02-30", "0000-00-00", "9999-12-31T23:59", "25:61", "2024-13-01", "1/2/3",
                                   "00:00", "23:59:60", "T", "2024-01-01T24:00", "0001-01-01", "9999-12-31",
                                   "0001-01-01T00:00"]))
#: Browsers percent-encode line breaks and quotes in multipart field and file names, and our forms have no
#: backslashes in them; a raw one makes a malformed request (see test_a_multipart_part_without_a_readable_name_is_refused).
HEADER_SAFE = st.text(alphabet=st.one_of(st.characters(exclude_categories=("Cs",), exclude_characters='\x00\r\n"\\'),
                                         st.characters(min_codepoint=1, max_codepoint=31, exclude_characters="\r\n")),
                      max_size=40)
ANY = st.one_of(TEXT, HUGE, NUMBERS, DATES, st.sampled_from(["y", "on", "true", "[]", "{}", "None"]))
MISSING = object()


def _valid(control: Control) -> st.SearchStrategy[str]:
    choices = [o for o in control.options if o] or ([control.value] if control.value else [])
    return st.sampled_from(choices) if choices else ANY


def _file() -> st.SearchStrategy[tuple[io.BytesIO, str]]:
    content = st.one_of(st.binary(max_size=3000), TEXT.map(lambda t: t.encode("utf-8")),
                        st.lists(st.lists(TEXT, max_size=6), max_size=8).map(
                            lambda rows: "\r\n".join(",".join(row) for row in rows).encode("utf-8")),
                        st.just(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"), st.just(b"\x89PNG\r\n\x1a\n" + b"\x00" * 20))
    name = st.tuples(HEADER_SAFE, st.sampled_from([".csv", ".txt", ".tsv", ".pdf", ".png", ".exe", ""]))
    return st.builds(lambda data, n: (io.BytesIO(data), n[0] + n[1]), content, name)


def _value(control: Control) -> st.SearchStrategy[Any]:
    if control.kind == "file":
        return _file()
    return st.one_of(_valid(control), _valid(control), ANY)


def _field(control: Control) -> st.SearchStrategy[list[Any]]:
    """Nothing (missing), one value, or the key repeated."""
    return st.one_of(st.just([]), _value(control).map(lambda v: [v]), _value(control).map(lambda v: [v]),
                     st.lists(_value(control), min_size=2, max_size=4))


def form_data(form: PageForm, fixed: tuple[str, ...] = ()) -> st.SearchStrategy[list[tuple[str, Any]]]:
    controls = [c for c in {c.name: c for c in form.controls}.values() if c.name != "csrf_token" and c.name not in fixed]
    kept = [(c.name, c.value) for c in form.controls if c.name in fixed]
    extras = st.lists(st.tuples(HEADER_SAFE.filter(bool), ANY), max_size=2)

    def pairs(values: list[list[Any]], extra: list[tuple[str, Any]]) -> list[tuple[str, Any]]:
        return kept + [(c.name, v) for c, vs in zip(controls, values, strict=True) for v in vs] + extra

    return st.builds(pairs, st.tuples(*(_field(c) for c in controls)).map(list), extras)


# ---------------------------------------------------------------- running


@pytest.fixture
def app_config():
    return {"LMS_RATELIMIT_ENABLED": False}


def _url_args(app, endpoint: str, world: dict[str, Any]) -> dict[str, Any]:
    known = {"org_slug": "acme", "course_slug": "sample", "module_slug": "first", "lesson_slug": "intro",
             "question_id": world["question_id"], "locale": "es", "membership_id": world["membership_id"],
             "session_id": world["session_id"], "user_id": world["users"]["trainee"].id,
             "entry_id": world["entry_ids"][0], "code": world["code"], "token": world["invitation_token"]}
    if endpoint == "lms.accounts.reset":
        known["token"] = world["reset_token"]
    rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint)
    return {name: known[name] for name in rule.arguments}


def find_form(client, app, target: Target, world: dict[str, Any]) -> tuple[str, str, PageForm]:
    with app.test_request_context():
        page = url_for(target.page, **_url_args(app, target.page, world))
        action = url_for(target.action, **_url_args(app, target.action, world)) if target.action else page
    response = client.get(page)
    assert response.status_code == 200, (page, response.status_code)
    forms = [f for f in post_forms(response.get_data(as_text=True))
             if (f.action or page).split("#")[0].split("?")[0] == action and set(target.names) <= set(f.names())]
    assert forms, f"no form posting to {action} with {target.names} on {page}"
    return page, action, forms[0]


@pytest.mark.parametrize("target", TARGETS, ids=lambda t: t.id)
def test_every_field_at_once_with_an_edge_value(app, client, make_user, make_org, add_member, login, target):
    """Each form with all its fields (hidden ones that pick the form excepted) set to one edge value: a number no
    float holds, a signalling NaN, more digits than int() reads, the last day of the calendar."""
    world = seed(make_user, make_org, add_member)
    if target.prepare:
        target.prepare(world)
    if target.role:
        login(world["users"][target.role])
    _page, action, form = find_form(client, app, target, world)
    fixed = [(c.name, c.value) for c in form.controls if c.name in target.fixed]
    names = [n for n in form.names() if n not in ("csrf_token", *target.fixed)]
    for value in ("9" * 400, "snan", "0" * 4301, "9999-12-31T23:59", "9999-12-31"):
        data = MultiDict([("csrf_token", client.csrf_token()), *fixed, *((name, value) for name in names)])
        response = client.post(action, data=data)
        assert response.status_code < 500, (value[:12], response.status_code)


def test_forms_use_the_number_range_that_cannot_crash():
    """WTForms' own NumberRange raises on a 400-digit integer or a signalling NaN; forms import lms.web.validators'."""
    from pathlib import Path

    import lms

    root = Path(lms.__file__).parent
    imports = re.compile(r"from wtforms\.validators import (\([^)]*\)|[^\n]*)|wtforms\.validators\.NumberRange")
    offenders = [str(path.relative_to(root)) for path in root.rglob("*.py") if path.name != "validators.py"
                 for found in imports.finditer(path.read_text(encoding="utf-8"))
                 if re.search(r"\bNumberRange\b", found.group(0))]
    assert offenders == []


@pytest.mark.parametrize("target", TARGETS, ids=lambda t: t.id)
def test_no_form_input_makes_a_server_error(app, client, make_user, make_org, add_member, login, target):
    world = seed(make_user, make_org, add_member)
    if target.prepare:
        target.prepare(world)
    if target.role:
        login(world["users"][target.role])
    page, action, form = find_form(client, app, target, world)
    names = set(form.names()) - {"csrf_token"}

    def offers_form(body: str) -> bool:
        return any((f.action or page).split("#")[0].split("?")[0] == action and names & set(f.names()) for f in post_forms(body))

    @settings(max_examples=EXAMPLES, deadline=None, database=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example,
                                     HealthCheck.filter_too_much])
    @given(form_data(form, target.fixed))
    def send(pairs):
        data = MultiDict([("csrf_token", client.csrf_token()), *pairs])
        response = client.post(action, data=data)
        body = response.get_data(as_text=True)
        assert response.status_code < 500, (response.status_code, pairs)
        assert "Traceback" not in body
        if response.status_code in (200, 400) and response.mimetype not in target.files:
            assert response.mimetype == "text/html", response.mimetype
            # A refused form comes back with the form, unless the page no longer offers it (an entry decided, a
            # certificate revoked, a token used up by an earlier example).
            if target.shows_form and not offers_form(body):
                assert not offers_form(client.get(page).get_data(as_text=True)), (
                    f"{response.status_code} without the form: {body[:300]}")

    send()


@pytest.mark.parametrize("part", [("\n", ""), ("\\", ""), ("file", (io.BytesIO(b"x"), "a\r\n.csv"))],
                         ids=["line-break-name", "backslash-name", "line-break-filename"])
def test_a_multipart_part_without_a_readable_name_is_refused(app, client, make_user, make_org, add_member, login, u,
                                                            part):
    """A raw line break or a lone backslash in a multipart header makes the parser drop the part's name: that
    request is malformed (browsers escape them), so 400, not a 500."""
    world = seed(make_user, make_org, add_member)
    login(world["users"]["manager"])
    data = MultiDict([("csrf_token", client.csrf_token()), ("file", (io.BytesIO(b"email,name\r\n"), "r.csv")), part])
    assert client.post(u("lms.orgs.roster_import", org_slug="acme"), data=data).status_code == 400


NAMES = st.text(alphabet=st.one_of(CHARS, CONTROL, st.sampled_from("\r\n\x0b\x0c\x1c\x85\u2028\u2029")), min_size=1,
                max_size=60).filter(str.strip)


def test_line_breaks_in_names_never_break_email(app, client, make_user, make_org, add_member, login, u, mailbox):
    """An organisation's name goes into the subject of its invitations: any character a form lets through makes a
    one-line subject, never a server error."""
    world = seed(make_user, make_org, add_member)
    login(world["users"]["manager"])
    settings_page, invite = u("lms.orgs.settings", org_slug="acme"), u("lms.orgs.invite", org_slug="acme")
    defaults = next(f for f in post_forms(client.get(settings_page).get_data(as_text=True)) if "pay_rate" in f.names()).defaults()
    defaults.pop("seen_version", None)  # each save replaces the last one: no edit-conflict check between them
    counter = iter(range(10**6))

    @settings(max_examples=EXAMPLES, deadline=None, database=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
    @given(NAMES)
    def rename_and_invite(name):
        renamed = client.post(settings_page, data={**defaults, "name": name, "csrf_token": client.csrf_token()})
        # saved; or refused: by the text check (400), or by the form (200, shown again with its message; e.g. a name
        # holding an email address such as "x@y.z")
        assert renamed.status_code in (200, 302, 400)
        if renamed.status_code == 200:
            assert 'class="error"' in renamed.get_data(as_text=True)
        mailbox.clear()
        sent = client.submit(invite, {"email": f"person{next(counter)}@example.org", "employment_type": "employee",
                                      "role": "member"})
        assert sent.status_code == 302, sent.status_code
        assert mailbox and "\n" not in mailbox[-1]["Subject"] and "\r" not in mailbox[-1]["Subject"]

    rename_and_invite()


@pytest.mark.parametrize("number", [2**31, 10**30])
def test_ids_too_large_for_the_database_name_nothing(app, client, make_user, make_org, add_member, login, u, number):
    """Every page with an id in its URL, and the forms that send ids, answer 404 or re-render for an id no database
    integer holds (PostgreSQL refuses the query past 2**31 - 1, SQLite past 2**63 - 1)."""
    world = seed(make_user, make_org, add_member)
    login(world["users"]["admin"])
    args = _url_args_all(world)
    for rule in app.url_map.iter_rules():
        ints = [name for name, converter in rule._converters.items() if type(converter).__name__ == "IntegerConverter"]
        if not rule.endpoint.startswith("lms.") or not ints:
            continue
        for name in ints:
            values = {key: (number if key == name else args[key]) for key in rule.arguments}
            with app.test_request_context():
                path = url_for(rule.endpoint, **values)
            method = "GET" if "GET" in rule.methods else sorted(rule.methods - {"HEAD", "OPTIONS"})[0]
            response = client.open(path, method=method, data={"csrf_token": client.csrf_token()})
            assert response.status_code == 404, (rule.endpoint, name, response.status_code)
    session, trainee = world["session_id"], world["users"]["trainee"].id
    staff = client.submit(u("lms.sessions.staff", session_id=session, org_slug="acme"),
                          {"user_id": str(number), "action": "register"})
    assert staff.status_code == 302
    remove = client.submit(u("lms.sessions.attendance_person", session_id=session, user_id=trainee),
                           {"action": "remove", "remove-interval_id": str(number)})
    assert remove.status_code == 400


def _url_args_all(world: dict[str, Any]) -> dict[str, Any]:
    return {"org_slug": "acme", "course_slug": "sample", "module_slug": "first", "lesson_slug": "intro",
            "question_id": world["question_id"], "locale": "es", "membership_id": world["membership_id"],
            "session_id": world["session_id"], "user_id": world["users"]["trainee"].id, "entry_id": world["entry_ids"][0],
            "code": world["code"], "token": world["invitation_token"], "invitation_id": world["invitation_id"],
            "token_id": 1, "filename": "lms.css", "start": "2026-01-05"}


#: Query arguments some page reads (found with ``grep -r "args.get" lms``), plus junk ones.
QUERY_NAMES = ["page", "q", "start", "end", "on", "from", "to", "until", "person", "source", "status", "lang", "kind",
               "area", "show", "all", "module", "code", "corrects", "org", "course", "preview_locale", "bilingual",
               "mode", "next", "limit", "offset", "x"]


@pytest.mark.parametrize("role", ["admin", None])
def test_no_query_string_makes_a_server_error(app, client, make_user, make_org, add_member, login, role):
    """Every GET page (and GET API operation) with arbitrary query arguments: never a 500."""
    world = seed(make_user, make_org, add_member)
    if role:
        login(world["users"][role])
    args = _url_args_all(world)
    paths = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("lms.") and "GET" in rule.methods and rule.endpoint != "lms.main.static":
            with app.test_request_context():
                paths.append(url_for(rule.endpoint, **{name: args[name] for name in rule.arguments}))
    values = st.one_of(TEXT, NUMBERS, DATES, st.sampled_from(["es", "en", "all", "1", "approved", "external", "live"]))

    @settings(max_examples=EXAMPLES * 12, deadline=None, database=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
    @given(st.sampled_from(sorted(paths)), st.lists(st.tuples(st.sampled_from(QUERY_NAMES), values), max_size=5))
    def visit(path, query):
        response = client.get(path, query_string=query)
        assert response.status_code < 500, (path, query)

    visit()


#: Values at the edges of what Python can hold: dates next to date.min/max (period arithmetic and time-zone
#: conversion overflow there), more digits than int() reads (4,300), ids beyond 32 bits.
EDGES = {"start": "9999-12-31", "end": "9999-12-31", "on": "0001-01-01", "from": "9999-12-31", "to": "0001-01-01",
         "until": "9999-12-31", "page": "0" * 4301, "limit": "9" * 4400, "offset": "9" * 30, "person": "9" * 4400,
         "corrects": "0" * 4301, "module": "9" * 30}


@pytest.mark.parametrize("edge", sorted(EDGES))
def test_values_at_the_edges_never_make_a_server_error(app, client, make_user, make_org, add_member, login, u, edge):
    """Each edge value in the query string of every GET page (as an admin, who may open them all), and where a
    form takes the same kind of value."""
    world = seed(make_user, make_org, add_member)
    login(world["users"]["admin"])
    args = _url_args_all(world)
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("lms.") and "GET" in rule.methods and rule.endpoint != "lms.main.static":
            with app.test_request_context():
                path = url_for(rule.endpoint, **{name: args[name] for name in rule.arguments})
            response = client.get(path, query_string={edge: EDGES[edge]})
            assert response.status_code < 500, (rule.endpoint, edge)


def test_form_values_at_the_edges_are_refused_not_crashed(app, client, make_user, make_org, add_member, login, u):
    """Times whose conversion to UTC overflows, ids with more digits than int() reads, in the forms that take them."""
    world = seed(make_user, make_org, add_member)
    session, trainee = world["session_id"], world["users"]["trainee"].id
    login(world["users"]["trainer"])
    person = u("lms.sessions.attendance_person", session_id=session, user_id=trainee)
    for joined, left in (("2026-12-01T18:00", "9999-12-31T23:59"), ("0001-01-01T00:00", "")):
        response = client.submit(person, {"action": "time", "time-joined_at": joined, "time-left_at": left})
        assert response.status_code == 400, (joined, left, response.status_code)
    roster = client.submit(u("lms.sessions.attendance", session_id=session), {"status-" + "1" * 4301: "present"})
    assert roster.status_code == 302
    login(world["users"]["manager"])
    adjust = u("lms.hours.adjust", org_slug="acme", membership_id=world["membership_id"])
    response = client.submit(adjust, {"minutes": "30", "description": "Fix", "activity_date": "2026-01-05",
                                      "corrects_id": "0" * 4301, "idempotency_key": "edge"})
    assert response.status_code < 500


def test_bulk_verification_reads_old_mac_line_ends(app, client, make_user, make_org, add_member):
    """A CSV whose lines end with a lone carriage return (classic Mac spreadsheets) is read, not a server error."""
    world = seed(make_user, make_org, add_member)
    data = {"csrf_token": client.csrf_token(), "codes": "",
            "file": (io.BytesIO(f"code\r{world['code']}\rnot-a-code\r".encode()), "codes.csv")}
    response = client.post("/verify/bulk", data=data)
    assert response.status_code == 200, response.status_code
    assert world["code"] in response.get_data(as_text=True)
