"""Ownership: Olivia's objects (enrolment, quiz attempt, hours entries, evidence file, timesheet, certificate PDF, API
token, live-session seat, the session's attendance roster) are refused to another trainee, to another organisation's
manager and (for the roster) to a trainer who does not run the session: 403 or 404, nothing changed, and no page or
file shows her name, email or the object's details.

Each case names who asks, the request, and what must happen:
- ``denied``: 403 or 404.
- ``refused``: any 4xx (a form that names someone who is not the manager's staff, for example).
- ``own``: the URL is the asker's own page (their organisation, their hours): any status, but nothing of Olivia's.
Every case also checks that no row changed (beyond telemetry) and, following a redirect, that nothing leaked.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest

from tests.security.conftest import leaks, snapshot, unexplained_changes


@dataclass(frozen=True)
class Case:
    who: str
    method: str
    endpoint: str
    expect: str  # denied | refused | own
    values: dict[str, Any] = field(default_factory=dict)  # URL arguments and query ("@role" → user id, "#key" → ids)
    data: dict[str, Any] | None = None  # form fields (a valid CSRF token is added)
    json: dict[str, Any] | None = None
    bearer: bool = False  # the asker's personal API token instead of their browser
    note: str = ""

    @property
    def id(self) -> str:
        return f"{self.who} {self.method} {self.endpoint}" + (f" ({self.note})" if self.note else "")


OTHER = {"org_slug": "other"}
CASES = [
    # enrolment
    Case("other_manager", "GET", "lms.courses.enroll_staff", "denied"),
    Case("other_manager", "GET", "lms.courses.enroll_staff", "own", OTHER, note="own org"),
    Case("other_manager", "POST", "lms.courses.enroll_staff", "refused", OTHER, data={"user-@manager": "1",
                                                                                       "listed": "@manager"},
         note="enrol another org's staff"),
    Case("peer", "GET", "lms.api.my_enrollments", "own", bearer=True),
    # quiz attempt and result
    Case("peer", "GET", "lms.courses.quiz_result", "own"),
    Case("outsider", "GET", "lms.courses.quiz_result", "own"),
    Case("peer", "GET", "lms.courses.quiz", "own"),
    # hours entries
    Case("peer", "GET", "lms.hours.entry", "denied"),
    Case("other_manager", "GET", "lms.hours.entry", "denied"),
    Case("other_manager", "GET", "lms.hours.review", "denied"),
    Case("other_manager", "GET", "lms.hours.review", "denied", OTHER, note="own org in URL"),
    Case("other_manager", "POST", "lms.hours.approve", "denied", OTHER, data={}),
    Case("other_manager", "POST", "lms.hours.reject", "denied", OTHER, data={"reason": "no"}),
    Case("other_manager", "POST", "lms.hours.bulk_decide", "own", OTHER, data={"entry-$entry_id": "1",
                                                                                "listed": "$entry_id", "action": "approve"}),
    Case("other_manager", "POST", "lms.api.approve_hours", "denied", OTHER, bearer=True),
    Case("other_manager", "POST", "lms.api.reject_hours", "denied", OTHER, json={"reason": "no"}, bearer=True),
    Case("other_manager", "GET", "lms.api.org_hours", "denied", bearer=True),
    Case("other_manager", "GET", "lms.api.org_hours", "own", {**OTHER, "person": "@trainee", "status": "pending"},
         bearer=True, note="filter on her id"),
    Case("other_manager", "GET", "lms.hours.queue", "own", {**OTHER, "person": "@trainee", "status": "pending"}),
    Case("other_manager", "GET", "lms.hours.adjust", "denied", OTHER),
    Case("other_manager", "GET", "lms.hours.adjust", "own",
         {**OTHER, "membership_id": "#outsider_membership_id", "corrects": "#approved_entry_id"},
         note="correct her entry"),
    Case("other_manager", "POST", "lms.hours.adjust", "denied", OTHER,
         data={"minutes": "30", "description": "bonus", "activity_date": "2026-01-05", "idempotency_key": "sweep-2"}),
    Case("other_manager", "POST", "lms.hours.adjust", "refused", {**OTHER, "membership_id": "#outsider_membership_id"},
         data={"minutes": "-30", "description": "fix", "corrects_id": "#approved_entry_id",
               "idempotency_key": "sweep-adjust"}, note="correct her entry"),
    Case("peer", "GET", "lms.api.my_hours", "own", bearer=True),
    Case("peer", "GET", "lms.hours.mine", "own"),
    # evidence file
    Case("peer", "GET", "lms.hours.evidence", "denied"),
    Case("outsider", "GET", "lms.hours.evidence", "denied"),
    Case("other_manager", "GET", "lms.hours.evidence", "denied"),
    # timesheets, checklists, payroll
    Case("other_manager", "GET", "lms.hours.person_timesheet", "denied"),
    Case("other_manager", "GET", "lms.hours.person_timesheet", "denied", OTHER, note="own org in URL"),
    Case("other_manager", "GET", "lms.hours.checklist_csv", "denied", OTHER),
    Case("other_manager", "GET", "lms.hours.checklist_pdf", "denied", OTHER),
    Case("other_manager", "GET", "lms.hours.download_payroll", "denied", OTHER),
    Case("other_manager", "GET", "lms.hours.org_timesheet", "own", {**OTHER, "start": "#exported_start"}),
    Case("other_manager", "GET", "lms.hours.compliance_dashboard", "own", OTHER),
    Case("other_manager", "GET", "lms.api.org_timesheets_csv", "denied",
         {"start": "#exported_start", "end": "#exported_end"}, bearer=True),
    Case("peer", "GET", "lms.hours.my_timesheet", "own", {"org": "acme", "start": "#exported_start"}),
    # certificate PDF
    Case("peer", "GET", "lms.certificates.pdf", "denied"),
    Case("other_manager", "GET", "lms.certificates.pdf", "denied"),
    Case("peer", "GET", "lms.certificates.revoke", "denied"),
    Case("peer", "POST", "lms.certificates.revoke", "denied", data={"reason": "not mine"}),
    Case("other_manager", "POST", "lms.certificates.revoke", "denied", data={"reason": "not my staff"}),
    Case("other_manager", "GET", "lms.certificates.staff", "own", OTHER),
    Case("peer", "GET", "lms.certificates.mine", "own"),
    # API token
    Case("peer", "POST", "lms.accounts.revoke_token", "denied", data={}),
    Case("peer", "GET", "lms.accounts.tokens", "own"),
    Case("peer", "GET", "lms.api.me", "own", bearer=True),
    # live registration
    Case("other_manager", "GET", "lms.sessions.staff", "denied"),
    Case("other_manager", "GET", "lms.sessions.staff", "own", OTHER),
    Case("other_manager", "POST", "lms.sessions.staff", "own", OTHER,
         data={"user_id": "@trainee", "action": "cancel", "confirm": "yes"}, note="cancel her seat"),
    Case("other_manager", "POST", "lms.sessions.staff", "own", OTHER, data={"user_id": "@peer", "action": "register"},
         note="register her colleague"),
    Case("peer", "GET", "lms.sessions.mine", "own"),
    Case("peer", "GET", "lms.api.get_session", "own", bearer=True),
    Case("anonymous", "GET", "lms.sessions.detail", "own"),
    Case("anonymous", "GET", "lms.sessions.ics", "own"),
    Case("peer", "GET", "lms.sessions.checked_in", "denied"),
    # the attendance roster
    Case("other_trainer", "GET", "lms.sessions.attendance", "denied"),
    Case("other_trainer", "POST", "lms.sessions.attendance", "denied", data={"status-@trainee": "absent"}),
    Case("other_trainer", "GET", "lms.sessions.attendance_person", "denied"),
    Case("other_trainer", "POST", "lms.sessions.attendance_person", "denied",
         data={"action": "status", "status-status": "absent"}),
    Case("other_trainer", "POST", "lms.sessions.finalize_attendance", "denied", data={}),
    Case("other_trainer", "GET", "lms.sessions.import_report", "denied"),
    Case("other_trainer", "GET", "lms.sessions.checkin_code", "denied"),
    Case("other_trainer", "POST", "lms.sessions.checkin_code", "denied", data={}),
    Case("other_trainer", "GET", "lms.api.session_attendance", "denied", bearer=True),
    Case("other_trainer", "PUT", "lms.api.update_attendance", "denied", json={"status": "absent"}, bearer=True),
    Case("peer", "GET", "lms.sessions.attendance", "denied"),
    Case("other_manager", "GET", "lms.sessions.attendance", "denied"),
    Case("peer", "GET", "lms.api.session_attendance", "denied", bearer=True),
    # her membership and her organisation
    Case("other_manager", "GET", "lms.orgs.member", "denied", OTHER),
    Case("other_manager", "POST", "lms.orgs.member", "denied", OTHER, data={"role": "manager"}),
    Case("other_manager", "POST", "lms.orgs.end_member", "denied", OTHER, data={"end-ended_on": "2026-01-01"}),
    Case("other_manager", "POST", "lms.orgs.revoke_invitation", "denied", OTHER, data={}),
    Case("other_manager", "GET", "lms.api.org_members", "denied", bearer=True),
    Case("other_manager", "GET", "lms.orgs.show", "own", OTHER),
]


def _resolve(value: Any, scene) -> Any:
    if isinstance(value, str) and value[:1] == "@":
        return scene.world.users[value[1:]].id
    if isinstance(value, str) and value[:1] == "#":
        return scene.world.ids[value[1:]]
    if isinstance(value, str) and value[:1] == "$":
        return scene.world.args[value[1:]]
    return value


def _resolved(mapping: dict[str, Any], scene) -> dict[str, Any]:
    """Placeholders resolved, also after the dash of a field name (``status-@trainee``, ``entry-$entry_id``)."""
    return {_resolved_key(key, scene): _resolve(value, scene) for key, value in mapping.items()}


def _resolved_key(key: str, scene) -> str:
    name, dash, ref = key.partition("-")
    return f"{name}-{_resolve(ref, scene)}" if dash and ref[:1] in ("@", "#", "$") else key


def _text(response) -> str:
    return response.get_data().decode("utf-8", errors="replace")


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.id)
def test_someone_else_gets_nothing_of_hers(module_world, case):
    scene = module_world
    url = scene.url(case.endpoint, **_resolved(case.values, scene))
    if case.bearer:
        client, headers = scene.app.test_client(), {"Authorization": f"Bearer {scene.world.tokens[case.who]}"}
    else:
        client, headers = scene.clients[case.who], {}
    kwargs: dict[str, Any] = {"headers": headers}
    if case.data is not None:
        kwargs["data"] = {**_resolved(case.data, scene), "csrf_token": client.csrf_token()}
    if case.json is not None:
        kwargs["json"] = case.json
    before = snapshot(scene.app)

    response = client.open(url, method=case.method, **kwargs)

    assert response.status_code < 500
    if case.expect == "denied":
        assert response.status_code in (403, 404), response.status_code
    elif case.expect == "refused":
        assert 400 <= response.status_code < 500, response.status_code
    bodies = [_text(response)]
    if response.status_code in (301, 302, 303) and not case.bearer:
        bodies.append(_text(client.get(response.headers["Location"])))
    found = [marker for body in bodies for marker in leaks(body)]
    assert found == [], f"{case.id} shows {found}"
    assert unexplained_changes(before, snapshot(scene.app), case.endpoint) == []


def test_the_owner_herself_sees_her_things(module_world):
    """The same look-ups as Olivia succeed and show her data, so the refusals above are about ownership."""
    scene = module_world
    olivia = scene.clients["trainee"]
    for endpoint in ("lms.hours.entry", "lms.hours.evidence", "lms.certificates.pdf", "lms.accounts.tokens",
                     "lms.courses.quiz_result", "lms.sessions.checked_in"):
        response = olivia.get(scene.url(endpoint))
        assert response.status_code == 200, endpoint
    assert "Zebrafish outreach workshop" in _text(olivia.get(scene.url("lms.hours.entry")))
    assert "olivia-laptop-token" in _text(olivia.get(scene.url("lms.accounts.tokens")))
    mona = scene.clients["manager"]
    assert "Ownerton" in _text(mona.get(scene.url("lms.hours.review")))
    assert "Ownerton" in _text(mona.get(scene.url("lms.sessions.staff")))
    tina = scene.clients["trainer"]
    assert "Ownerton" in _text(tina.get(scene.url("lms.sessions.attendance")))
    assert leaks(_text(mona.get(scene.url("lms.hours.download_payroll"))))


def test_the_join_link_is_only_for_people_with_a_seat(module_world, monkeypatch):
    """A session's page, calendar file and JSON are public, but its meeting link only shows to its trainers. A
    trainee with a seat gets it from the API's join POST (which records the join time) inside the window; a peer, an
    outsider or another organisation's manager never gets it, and their POST changes nothing."""
    from lms import db
    from lms.api import live as api_live
    from lms.live.models import LiveSession

    scene = module_world
    endpoints = ("lms.sessions.detail", "lms.sessions.ics", "lms.api.get_session")
    for role in ("anonymous", "peer", "outsider", "other_manager", "trainee"):
        for endpoint in endpoints:  # trainees join with the Join button or POST (which record the time), not the link
            body = _text(scene.clients[role].get(scene.url(endpoint)))
            assert "meet.example.org" not in body, (role, endpoint)
    for endpoint in endpoints:
        assert "meet.example.org" in _text(scene.clients["trainer"].get(scene.url(endpoint))), endpoint

    def join(role: str):
        client = scene.clients[role]
        return client.post(scene.url("lms.api.join_session"), headers={"X-CSRFToken": client.csrf_token()})

    early = join("trainee")  # the session is tomorrow
    assert early.status_code == 409 and early.json["error"]["opens_at"] and "meet.example.org" not in _text(early)
    session = db.session.get(LiveSession, scene.world.args["session_id"])
    monkeypatch.setattr(api_live, "utcnow", lambda: session.starts_at)  # inside the window
    before = snapshot(scene.app)
    for role in ("peer", "outsider", "other_manager"):
        response = join(role)
        assert response.status_code in (403, 404) and "meet.example.org" not in _text(response), role
    assert unexplained_changes(before, snapshot(scene.app), "lms.api.join_session") == []
    assert join("trainee").json == {"join_url": "https://meet.example.org/sample"}
