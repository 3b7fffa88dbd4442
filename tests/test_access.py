"""Access control you can audit: every endpoint declares a policy, and each role gets exactly what it should."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from lms import db
from lms.accounts import api_tokens
from lms.accounts.models import SiteRole
from lms.catalog import course_authoring, lesson_authoring, module_authoring, quiz_authoring
from lms.catalog.models import CourseStatus, QuestionKind
from lms.certificates import issuance
from lms.certificates.codes import display
from lms.enrollment import services as enrollment_services
from lms.orgs import invitations
from lms.orgs import services as orgs
from lms.orgs.models import Membership
from lms.security import Policy
from tests.conftest import PASSWORD
from tests.matrix import attendance, authoring, certificates, core, hours_ledger, hours_reports, learn, live

#: The whole role matrix, one line per endpoint, kept per area in tests/matrix/. Adding an endpoint means adding it
#: there, on purpose.
EXPECTED = {
    **core.EXPECTED, **authoring.EXPECTED, **learn.EXPECTED, **live.EXPECTED, **attendance.EXPECTED,
    **hours_ledger.EXPECTED, **hours_reports.EXPECTED, **certificates.EXPECTED,
}

ROLES = ["anonymous", "trainee", "trainer", "manager", "other_manager", "admin"]
ALLOWED = {
    "public": set(ROLES),
    "signed_in": set(ROLES) - {"anonymous"},
    "trainer": {"trainer", "admin"},
    "admin": {"admin"},
    "org_manager": {"manager", "admin"},
}


def _role_policy(name: str) -> set[str]:
    """``role:trainer,...`` → the roles allowed (site admins always are)."""
    site_roles = set(name.removeprefix("role:").split(","))
    return {"admin"} | {role for role in ROLES if role in site_roles}


def lms_endpoints(app) -> list[str]:
    return sorted(rule.endpoint for rule in app.url_map.iter_rules() if rule.endpoint.startswith("lms."))


def test_every_endpoint_declares_a_policy_and_is_in_the_matrix(app):
    endpoints = lms_endpoints(app)
    missing = [e for e in endpoints if not isinstance(getattr(app.view_functions[e], "_lms_access", None), Policy)]
    assert missing == [], f"endpoints without an access policy: {missing}"
    declared = {e: app.view_functions[e]._lms_access.name for e in endpoints}
    assert declared == EXPECTED, "update EXPECTED (the role matrix) on purpose when adding or changing endpoints"


def test_an_endpoint_without_policy_is_denied(app, client):
    app.add_url_rule("/sneaky", endpoint="lms.sneaky", view_func=lambda: "should never be served")
    assert client.get("/sneaky").status_code == 403


@pytest.fixture
def world(app, make_user, make_org, add_member):
    """Two organisations and one person in each role."""
    manager = make_user("manager@example.org")
    other_manager = make_user("other@example.org")
    acme = make_org("acme", manager=manager)
    make_org("other", manager=other_manager)
    trainee = make_user("trainee@example.org")
    staff = add_member(acme, trainee)
    users = {
        "trainee": trainee,
        "trainer": make_user("trainer@example.org", role=SiteRole.TRAINER),
        "manager": manager,
        "other_manager": other_manager,
        "admin": make_user("admin@example.org", role=SiteRole.ADMIN),
    }
    invitation, raw = invitations.invite(acme, "invitee@example.org", None, orgs.Employment(), manager, 14)
    token, _raw = api_tokens.create_api_token(trainee, "t")
    course, module, lesson, question = _sample_course(users["trainer"])
    enrollment_services.enroll(trainee, course)
    live_session = _sample_session(course, module, users["trainer"], trainee)
    certificate = issuance.issue_manually(trainee, course, users["admin"], "Access matrix",
                                          issuance.TrainingMinutes(self_paced=60))
    db.session.commit()
    args = {
        "course_slug": course.slug,
        "module_slug": module.slug,
        "lesson_slug": lesson.slug,
        "question_id": question.id,
        "locale": "es",
        "org_slug": "acme",
        "membership_id": staff.id,
        "invitation_id": invitation.id,
        "token": raw,
        "token_id": token.id,
        "user_id": trainee.id,
        "filename": "lms.css",
        "entry_id": hours_ledger.world_entry(trainee),
        "start": "2026-01-05",
        "session_id": live_session.id,
        "code": display(certificate.code),
    }
    return users, args


def _sample_course(trainer):
    course = course_authoring.create_course(course_authoring.CourseData(slug="sample", title="Sample course",
                                                                        summary="About"), trainer)
    module = module_authoring.add_module(course, module_authoring.ModuleData(slug="first", title="First module"), trainer)
    lesson = lesson_authoring.add_lesson(course, module, "intro", "Introduction", "Some *text*.", 5, trainer)
    quiz = quiz_authoring.ensure_quiz(course, module, title="Check", pass_mark=80, max_attempts=3, actor=trainer)
    question = quiz_authoring.save_question(course, quiz, None, slug="q1", kind=QuestionKind.SINGLE, prompt="Pick one",
                                     options=[quiz_authoring.OptionData("a", "Right", True, "Yes"),
                                              quiz_authoring.OptionData("b", "Wrong", False, "No")], actor=trainer)
    course_authoring.set_course_status(course, CourseStatus.PUBLISHED, trainer)
    return course, module, lesson, question


def _sample_session(course, module, trainer, trainee):
    """A live session tomorrow, run by the trainer, with the trainee registered."""
    from datetime import timedelta

    from lms.db import utcnow
    from lms.live.models import LiveSession, Registration, RegistrationStatus, SessionMode, SessionTrainer

    starts_at = utcnow() + timedelta(days=1)
    session = LiveSession(module_id=module.id, course_id=course.id, starts_at=starts_at,
                          ends_at=starts_at + timedelta(hours=2), mode=SessionMode.HYBRID,
                          join_url="https://meet.example.org/sample")
    db.session.add(session)
    db.session.flush()
    db.session.add(SessionTrainer(session_id=session.id, user_id=trainer.id))
    db.session.add(Registration(session_id=session.id, user_id=trainee.id, status=RegistrationStatus.REGISTERED))
    return session


def _url(app, endpoint: str, args: dict) -> tuple[str, str]:
    rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint)
    values = {name: args[name] for name in rule.arguments}
    method = "GET" if "GET" in rule.methods else "POST" if "POST" in rule.methods else min(rule.methods - {"HEAD", "OPTIONS"})
    with app.test_request_context():
        from flask import url_for

        if endpoint == "lms.accounts.reset":
            values["token"] = "bad-token"
        return method, url_for(endpoint, **values)


def _denied(response) -> bool:
    if response.status_code in (401, 403):
        return True
    return response.status_code == 302 and "/login?next=" in response.headers.get("Location", "")


#: Roles in the order the matrix tries them: everyone who should be refused goes before anyone whose allowed request
#: could change the world (a refused request changes nothing, and an allowed one only ever makes later allowed roles
#: see 404/400 rather than 403).
ORDER = ["anonymous", "trainee", "other_manager", "trainer", "manager", "admin"]


@pytest.mark.parametrize("endpoint", sorted(EXPECTED))
def test_role_matrix(app, world, endpoint):
    """One world per endpoint, each role with its own client (and so its own session) in turn."""
    users, args = world
    method, url = _url(app, endpoint, args)
    policy = EXPECTED[endpoint]
    allowed = ALLOWED.get(policy) or _role_policy(policy)
    outcomes = {}
    for role in sorted(ROLES, key=lambda role: (role in allowed, ORDER.index(role))):
        client = app.test_client()
        if role != "anonymous":
            response = client.submit(_url(app, "lms.accounts.login", args)[1],
                                     {"email": users[role].email, "password": PASSWORD})
            assert response.status_code == 302, (role, response.status_code)
        response = client.get(url) if method == "GET" else client.open(url, method=method,
                                                                       data={"csrf_token": client.csrf_token()})
        assert response.status_code < 500, (role, endpoint, response.status_code)
        outcomes[role] = _denied(response)
    assert outcomes == {role: role not in allowed for role in ROLES}, (endpoint, policy)


def test_manager_scoping_is_by_organisation_not_role(app, client, u, world, login):
    users, args = world
    login(users["other_manager"])
    assert client.get(u("lms.orgs.member", org_slug="acme", membership_id=args["membership_id"])).status_code == 403
    membership = db.session.execute(select(Membership).where(Membership.id == args["membership_id"])).scalar_one()
    assert membership.org_id
