"""Fixtures of the security sweeps (issue #7, part 3).

- :func:`build_world`: a small world in which one trainee, Olivia Ownerton, owns one object of every kind (enrolment,
  quiz attempt, lesson progress, hours entries with evidence, a payroll export, an API token, a live-session seat and
  check-in, a certificate), beside a peer trainee of her organisation, another organisation with its own manager and
  staff, the trainer who runs the session, a trainer who does not, and a site admin. ``World.args`` holds a sample value
  for every URL argument of the app; ``World.overrides`` the few endpoints that need a more telling one.
- ``module_world``: one such world per test module, on a module-scoped app, with a client signed in per role. Sweeps
  that only read (or check that nothing changed) share it.
- :func:`snapshot` / :func:`unexplained_changes`: every row of every ``lms_`` table, and what changed between two
  snapshots beyond the documented telemetry in :data:`TELEMETRY` (the one allowlist of the sweeps).
- :func:`rules`: the rules of ``app.url_map`` (collected from a throwaway app, so sweeps parametrize over whatever
  endpoints exist today).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from io import BytesIO
from typing import Any

import pytest
from flask import Flask, url_for
from sqlalchemy import select

import lms.models  # noqa: F401
from lms import create_app, db
from lms.accounts import api_tokens, password_reset
from lms.accounts import services as accounts
from lms.accounts.models import SiteRole, User
from lms.catalog import course_authoring, lesson_authoring, module_authoring, quiz_authoring
from lms.catalog.models import CourseStatus, QuestionKind
from lms.db import metadata, utcnow
from lms.security import Policy
from tests.conftest import PASSWORD, SECRET, LMSClient, _empty_tables, _standalone

OWNER_NAME = "Olivia Ownerton"
OWNER_EMAIL = "olivia.ownerton@example.org"
#: Words that appear only in Olivia's own objects: a page that shows one of them to someone else leaks her data.
OWNER_MARKERS = ("Ownerton", "olivia.ownerton", "Zebrafish outreach workshop", "zebrafish-evidence",
                 "olivia-laptop-token", "Lantern field visit")
PDF = b"%PDF-1.4\n% a tiny test file\n%%EOF\n"
STATE_CHANGING = ("POST", "PUT", "PATCH", "DELETE")
ROLES = ("anonymous", "trainee", "peer", "outsider", "manager", "other_manager", "trainer", "other_trainer", "admin")


# ---------------------------------------------------------------- the rules of the app, at collection time

def _collection_app() -> Flask:
    return create_app({"TESTING": True, "SECRET_KEY": SECRET, "SQLALCHEMY_DATABASE_URI": "sqlite://",
                       "SERVER_NAME": "lms.test"})


_RULES = [(rule.endpoint, method, rule.rule) for rule in _collection_app().url_map.iter_rules()
          if rule.endpoint.startswith("lms.") for method in sorted(rule.methods - {"HEAD", "OPTIONS"})]


def rules(*methods: str) -> list[tuple[str, str]]:
    """``(endpoint, method)`` of every LMS rule answering one of ``methods``, sorted (one per endpoint and method)."""
    return sorted({(endpoint, method) for endpoint, method, _rule in _RULES if method in methods})


def rule_id(value: tuple[str, str]) -> str:
    return f"{value[1]} {value[0]}"


# ---------------------------------------------------------------- who may reach an endpoint

def policy_of(app: Flask, endpoint: str) -> Policy:
    return app.view_functions[endpoint]._lms_access


def can_reach(policy: Policy, role: str) -> bool:
    """Whether ``role`` passes ``policy`` with the world's URL arguments (managers manage ``acme``)."""
    if role == "anonymous":
        return not policy.needs_user
    if role == "admin" or not policy.needs_user:
        return True
    site_role = {"trainer": "trainer", "other_trainer": "trainer"}.get(role, "trainee")
    if policy.roles and site_role not in policy.roles:
        return False
    return not policy.org_manager or role == "manager"


# ---------------------------------------------------------------- the world

@dataclass
class World:
    users: dict[str, User]
    args: dict[str, Any]
    overrides: dict[str, dict[str, Any]] = field(default_factory=dict)
    queries: dict[str, dict[str, str]] = field(default_factory=dict)
    ids: dict[str, Any] = field(default_factory=dict)
    raw_token: str = ""
    tokens: dict[str, str] = field(default_factory=dict)  # personal API tokens by role (``trainee``: raw_token)

    def url(self, app: Flask, endpoint: str, **values: Any) -> str:
        """The path of ``endpoint`` with the world's sample arguments and query string (``values`` win)."""
        rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint)
        sample = {**self.args, **self.overrides.get(endpoint, {}), **values}
        missing = sorted(set(rule.arguments) - set(sample))
        if missing:
            pytest.fail(f"{endpoint}: no sample value for URL argument(s) {missing}; add one to World.args in "
                        "tests/security/conftest.py (build_world)")
        query = {**self.queries.get(endpoint, {}), **{k: v for k, v in values.items() if k not in rule.arguments}}
        with app.test_request_context():
            return url_for(endpoint, **{name: sample[name] for name in rule.arguments}, **query)


def build_world(app: Flask) -> World:
    """Build the world in the current app context (see the module docstring). Small: eight people, one course."""
    from lms.certificates import issuance
    from lms.certificates.codes import display
    from lms.enrollment import quiz_attempts, visits
    from lms.enrollment import services as enrollment
    from lms.hours import export, external_training, periods
    from lms.hours.evidence import read_upload
    from lms.hours.models import EntrySource, EntryStatus, HoursEntry
    from lms.live import calendar
    from lms.live.models import (
        AttendanceInterval,
        IntervalSource,
        LiveSession,
        Registration,
        RegistrationStatus,
        SessionMode,
        SessionTrainer,
    )
    from lms.orgs import invitations
    from lms.orgs import services as orgs
    from lms.orgs.services import Employment, OrgSettings

    def person(email: str, name: str, role: SiteRole = SiteRole.TRAINEE) -> User:
        return accounts.register_user(email, name, PASSWORD, role=role)

    users = {
        "trainee": person(OWNER_EMAIL, OWNER_NAME),
        "peer": person("pablo.peer@example.org", "Pablo Peer"),
        "outsider": person("otto.outsider@example.org", "Otto Outsider"),
        "manager": person("mona.manager@example.org", "Mona Manager"),
        "other_manager": person("oscar.other@example.org", "Oscar Othermanager"),
        "trainer": person("tina.trainer@example.org", "Tina Trainer", SiteRole.TRAINER),
        "other_trainer": person("theo.trainer@example.org", "Theo Othertrainer", SiteRole.TRAINER),
        "admin": person("ada.admin@example.org", "Ada Admin", SiteRole.ADMIN),
    }
    start = date.today() - timedelta(days=400)
    acme = orgs.create_org("acme", OrgSettings(name="Acme Clinic", pay_period_anchor=date(2026, 1, 5)), users["manager"])
    other = orgs.create_org("other", OrgSettings(name="Other Clinic", pay_period_anchor=date(2026, 1, 5)), users["other_manager"])
    owner_membership = orgs.add_member(acme, users["trainee"], Employment(employment_start=start), actor=None)
    orgs.add_member(acme, users["peer"], Employment(employment_start=start), actor=None)
    outsider_membership = orgs.add_member(other, users["outsider"], Employment(employment_start=start), actor=None)
    invitation, invitation_raw = invitations.invite(acme, "invitee@example.org", None, Employment(), users["manager"], 14)
    token, raw_token = api_tokens.create_api_token(users["trainee"], "olivia-laptop-token")
    tokens = {role: api_tokens.create_api_token(users[role], "script")[1]
              for role in ("peer", "other_manager", "trainer", "other_trainer")}
    tokens["trainee"] = raw_token

    # The course: one module with a lesson and a quiz; Olivia and Pablo are enrolled, Olivia read the lesson and
    # failed the quiz once.
    trainer = users["trainer"]
    course = course_authoring.create_course(course_authoring.CourseData(slug="sample", title="Sample course",
                                                                        summary="About"), trainer)
    module = module_authoring.add_module(course, module_authoring.ModuleData(slug="first", title="First module"), trainer)
    lesson = lesson_authoring.add_lesson(course, module, "intro", "Introduction", "Some *text*.", 5, trainer)
    quiz = quiz_authoring.ensure_quiz(course, module, title="Check", pass_mark=80, max_attempts=3, actor=trainer)
    question = quiz_authoring.save_question(course, quiz, None, slug="q1", kind=QuestionKind.SINGLE, prompt="Pick one",
                                     options=[quiz_authoring.OptionData("a", "Right", True, "Yes"),
                                              quiz_authoring.OptionData("b", "Wrong", False, "No")], actor=trainer)
    course_authoring.set_course_status(course, CourseStatus.PUBLISHED, trainer)
    enrolment = enrollment.enroll(users["trainee"], course)
    enrollment.enroll(users["peer"], course)
    visits.visit_lesson(enrolment, lesson, utcnow(), timedelta(minutes=30))
    _fail_quiz(quiz_attempts, enrolment, quiz, question)

    # Hours: a pending external training with evidence, and an approved one in the last pay period, exported.
    upload = read_upload(BytesIO(PDF), "zebrafish-evidence.pdf")
    entry, _created = external_training.submit_external(users["trainee"], external_training.ExternalTraining(
        title="Zebrafish outreach workshop", activity_date=periods.org_today(acme), minutes=60, org_id=acme.id), "world", upload)
    last_start = periods.previous_period(acme, periods.period_containing(acme, periods.org_today(acme))[0])[0]
    approved = HoursEntry(user_id=users["trainee"].id, org_id=acme.id, source=EntrySource.FIELD,
                          status=EntryStatus.APPROVED, activity_date=last_start, minutes=90,
                          title="Lantern field visit", competency_areas=[], idempotency_key="world-approved",
                          rate_cents=acme.training_pay_rate_cents, paid_period_start=last_start)
    db.session.add(approved)
    db.session.flush()
    done = export.export_period(acme, last_start, users["manager"])

    # A live session tomorrow run by Tina, with Olivia registered and (already) checked in.
    starts_at = utcnow() + timedelta(days=1)
    live = LiveSession(module_id=module.id, course_id=course.id, starts_at=starts_at,
                       ends_at=starts_at + timedelta(hours=2), mode=SessionMode.HYBRID,
                       join_url="https://meet.example.org/sample")
    db.session.add(live)
    db.session.flush()
    db.session.add(SessionTrainer(session_id=live.id, user_id=trainer.id))
    db.session.add(Registration(session_id=live.id, user_id=users["trainee"].id, status=RegistrationStatus.REGISTERED))
    db.session.add(AttendanceInterval(session_id=live.id, user_id=users["trainee"].id, joined_at=starts_at,
                                      source=IntervalSource.CHECK_IN))
    certificate = issuance.issue_manually(users["trainee"], course, users["admin"], "Security sweep world",
                                          issuance.TrainingMinutes(self_paced=60))
    db.session.commit()

    args = {
        "course_slug": course.slug, "module_slug": module.slug, "lesson_slug": lesson.slug,
        "question_id": question.id, "locale": "es", "org_slug": "acme", "membership_id": owner_membership.id,
        "invitation_id": invitation.id, "token": invitation_raw, "token_id": token.id, "user_id": users["trainee"].id,
        "filename": "lms.css", "entry_id": entry.id, "start": done.period_start.isoformat(), "session_id": live.id,
        "code": display(certificate.code),
    }
    secret = app.config["SECRET_KEY"]
    overrides = {
        "lms.accounts.reset": {"token": password_reset.make_reset_token(users["trainee"], secret)},
        "lms.sessions.feed": {"token": calendar.feed_token(users["trainee"], secret)},
    }
    this_period = periods.period_containing(acme, periods.org_today(acme))
    queries = {  # the API pulls a pay period by its first and last day: the current one is not exported yet
        "lms.api.org_timesheets_csv": {"start": this_period[0].isoformat(), "end": this_period[1].isoformat()},
        "lms.api.org_timesheets_draft_csv": {"start": this_period[0].isoformat(), "end": this_period[1].isoformat()},
    }
    ids = {"approved_entry_id": approved.id, "exported_start": last_start.isoformat(),
           "exported_end": periods.period_containing(acme, last_start)[1].isoformat(),
           "outsider_membership_id": outsider_membership.id, "invitation_id": invitation.id}
    return World(users=users, args=args, overrides=overrides, queries=queries, ids=ids,
                 raw_token=raw_token, tokens=tokens)


def _fail_quiz(quiz_attempts: Any, enrolment: Any, quiz: Any, question: Any) -> None:
    from lms.catalog.models import Option

    wrong = db.session.execute(select(Option.id).where(Option.question_id == question.id,
                                                       Option.is_correct.is_(False))).scalar_one()
    quiz_attempts.submit_quiz(enrolment, quiz, {question.id: {wrong}})


# ---------------------------------------------------------------- clients

def sign_in(app: Flask, user: User | None) -> LMSClient:
    """A new browser, signed in as ``user`` (or anonymous)."""
    client = app.test_client()
    if user is not None:
        response = client.submit(app.config["TEST_TOKEN_PAGE"], {"email": user.email, "password": PASSWORD})
        assert response.status_code == 302, response.get_data(as_text=True)[:300]
    return client


@dataclass
class Scene:
    """A module's app, world and one signed-in browser per role."""

    app: Flask
    world: World
    clients: dict[str, LMSClient]

    def url(self, endpoint: str, **values: Any) -> str:
        return self.world.url(self.app, endpoint, **values)


@pytest.fixture(scope="module")
def module_app_config() -> dict[str, Any]:
    """Override in a module to configure its module-scoped app."""
    return {}


@pytest.fixture(scope="module")
def module_app(database_url, module_app_config, tmp_path_factory) -> Iterator[Flask]:
    """One app per test module (use it only in modules whose tests do not take the per-test ``app``)."""
    application = _standalone(database_url, tmp_path_factory.mktemp("security"), **module_app_config)
    application.test_client_class = LMSClient
    application.config["TEST_TOKEN_PAGE"] = "/login"
    with application.app_context():
        _empty_tables(application)  # a crashed earlier run must not leak rows into this world
        yield application
        db.session.rollback()
        db.session.remove()
        _empty_tables(application)
        application.extensions["lms"].db.engine.dispose()


@pytest.fixture(scope="module")
def module_world(module_app) -> Scene:
    world = build_world(module_app)
    clients = {role: sign_in(module_app, world.users.get(role)) for role in ROLES}
    return Scene(module_app, world, clients)


@pytest.fixture
def world(app) -> World:
    """A fresh world on the per-test app (for tests that change things)."""
    return build_world(app)


# ---------------------------------------------------------------- snapshots and the telemetry allowlist

@dataclass(frozen=True)
class Telemetry:
    """``columns`` of ``table`` may change (``None``: rows may be added or changed, or with ``added`` only rows whose
    column has one of the values), on ``endpoints`` (``None``: any endpoint)."""

    table: str
    columns: frozenset[str] | None
    endpoints: frozenset[str] | None
    why: str
    added: tuple[str, frozenset[Any]] | None = None


def _allow(table: str, columns: tuple[str, ...] | None, endpoints: tuple[str, ...] | None, why: str,
           added: tuple[str, tuple[Any, ...]] | None = None) -> Telemetry:
    return Telemetry(table, frozenset(columns) if columns else None, frozenset(endpoints) if endpoints else None, why,
                     (added[0], frozenset(added[1])) if added else None)


#: The only state a GET may change (and what a refused request may touch). Anything else is a failure.
TELEMETRY = (
    _allow("lms_verification_log", None,
           ("lms.certificates.verify_page", "lms.api.certificate", "lms.api.certificate_credential"),
           "Every certificate look-up is logged (hashed client address) by requirement: that is how abuse of the "
           "public verification is traced."),
    _allow("lms_signing_keys", None, ("lms.certificates.jwks", "lms.api.certificate_credential"),
           "The first RS256 signing key is generated on first use (publishing the JWKS or signing a credential); "
           "later requests find it and change nothing."),
    _allow("lms_audit_events", None, ("lms.certificates.jwks", "lms.api.certificate_credential"),
           "Generating that first signing key is audited (who, when, which key id), like every key change.",
           added=("action", ("signing_key.created",))),
    _allow("lms_login_sessions", ("last_seen_at",), None,
           "Idle sign-out needs to know when a browser session was last used (touched at most every few minutes)."),
    _allow("lms_api_tokens", ("last_used_at",), None,
           "People see when each personal API token was last used, to spot and revoke stale ones."),
    _allow("lms_enrollments", ("current_lesson_id", "current_lesson_started_at"), ("lms.courses.lesson",),
           "Time on task is measured on the server when a lesson page is opened (issue #3)."),
    _allow("lms_lesson_progress", None, ("lms.courses.lesson",),
           "Opening a lesson records that it was viewed and adds the time spent on the previous one (issue #3)."),
    _allow("lms_audit_events", None, ("lms.sessions.feed",),
           "The first read of each calendar-feed link is kept, once: registering then tells the person the session "
           "is in their calendar (lms.live.calendar.has_subscription).",
           added=("action", ("calendar_feed.first_read",))),
    # lms_calendar_feeds is deliberately absent: showing or fetching a feed must not create its row (only the
    # reset / turn-off POST does).
)


def telemetry_for(endpoint: str | None) -> list[Telemetry]:
    return [t for t in TELEMETRY if t.endpoints is None or (endpoint is not None and endpoint in t.endpoints)]


Snapshot = dict[str, tuple[tuple[str, ...], dict[Any, tuple[Any, ...]]]]


def snapshot(app: Flask) -> Snapshot:
    """Every row of every ``lms_`` table (committed data, read on a connection of its own), by primary key."""
    engine = app.extensions["lms"].db.engine
    result: Snapshot = {}
    with engine.connect() as conn:
        for table in metadata.sorted_tables:
            if not table.name.startswith("lms_"):
                continue
            keys = list(table.primary_key.columns)
            names = tuple(c.name for c in table.columns)
            rows = {}
            for row in conn.execute(select(table)):
                mapping = row._mapping
                rows[tuple(mapping[k.name] for k in keys)] = tuple(mapping[n] for n in names)
            result[table.name] = (names, rows)
    return result


def digest(snap: Snapshot) -> dict[str, tuple[int, str]]:
    """Row count and a hash of all rows, per table (for messages and quick equality)."""
    return {name: (len(rows), hashlib.sha256(repr(sorted(rows.items(), key=repr)).encode()).hexdigest()[:12])
            for name, (_names, rows) in snap.items()}


def unexplained_changes(before: Snapshot, after: Snapshot, endpoint: str | None = None) -> list[str]:
    """What changed from ``before`` to ``after`` that :data:`TELEMETRY` does not allow for ``endpoint``."""
    allowed = telemetry_for(endpoint)
    problems = []
    for name, (names, old_rows) in before.items():
        new_rows = after[name][1]
        rules_here = [t for t in allowed if t.table == name]
        if any(t.columns is None and t.added is None for t in rules_here):
            continue
        ignored = {c for t in rules_here for c in t.columns or ()}
        keep = [i for i, n in enumerate(names) if n not in ignored]
        added = [key for key in new_rows if key not in old_rows
                 and not any(t.added and new_rows[key][names.index(t.added[0])] in t.added[1] for t in rules_here)]
        removed = [key for key in old_rows if key not in new_rows]
        if added or removed:
            problems.append(f"{name}: rows added {added[:5]}, removed {removed[:5]}")
        for key, old in old_rows.items():
            new = new_rows.get(key)
            changed = [names[i] for i in keep if new is not None and old[i] != new[i]]
            if changed:
                problems.append(f"{name} row {key}: {', '.join(changed)} changed")
    return problems


def leaks(body: str) -> list[str]:
    """Olivia's words found in a response body."""
    return [marker for marker in OWNER_MARKERS if marker.lower() in body.lower()]
