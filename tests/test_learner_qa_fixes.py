"""Fixes from the QA pass of a Spanish-speaking CHW on a phone: the quiz form is not refilled by the browser on Back;
a sign-in outlives closing the browser (a persistent cookie, still ended by signing out, disabling or idling) and a
form sent after it ended says it was not saved; the course page's main button comes before the competency areas;
verification codes break only between their groups; "What is left" does not repeat a module's kind as its title.
(The Back journey itself is tests/browser/test_quiz_back_after_fail.py.)"""

from __future__ import annotations

import hashlib
import re
import time
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

import pytest
from itsdangerous import TimestampSigner, URLSafeTimedSerializer
from sqlalchemy import func, select, update

from lms import db
from lms.accounts.models import LoginSession, SiteRole
from lms.catalog import course_authoring, module_authoring
from lms.catalog.models import CourseStatus, ModuleKind
from lms.catalog.texts import set_text
from lms.certificates.codes import display
from lms.cookie_session import COOKIE_REFRESH_INTERVAL
from lms.enrollment.models import QuizAttempt
from tests.certificates_support import issued_world
from tests.test_learning import answers, build_course, quiz_url


def _cookie_header(response) -> str:
    """The ``Set-Cookie`` of the session cookie in ``response`` ("" when none)."""
    return next((value for value in response.headers.getlist("Set-Cookie") if value.startswith("session=")), "")


def _expires(header: str) -> datetime:
    return parsedate_to_datetime(re.search(r"Expires=([^;]+)", header).group(1))


def _session_cookie(app, client) -> str:
    return client.get_cookie(app.config.get("SESSION_COOKIE_NAME", "session"), domain="lms.test").value


def _resigned(app, cookie: str, *, age: timedelta, drop: tuple[str, ...] = ()) -> str:
    """``cookie``'s session signed again as if ``age`` ago (its content less the keys ``drop``), with the same key,
    salt and serializer as the app's session interface."""
    interface = app.session_interface
    data = interface.get_signing_serializer(app).loads(cookie)
    for key in drop:
        data.pop(key, None)
    stamp = int(time.time() - age.total_seconds())

    class Earlier(TimestampSigner):
        def get_timestamp(self) -> int:
            return stamp

    serializer = URLSafeTimedSerializer(app.secret_key, salt=interface.salt, serializer=interface.serializer,
                                        signer=Earlier, signer_kwargs={"key_derivation": interface.key_derivation,
                                                                       "digest_method": hashlib.sha1})
    return serializer.dumps(data)


# ---------------------------------------------------------------- 1. the quiz form is not refilled on Back


@pytest.fixture
def trainer(make_user):
    return make_user("trainer@example.org", name="Tere Trainer", role=SiteRole.TRAINER)


def test_the_quiz_form_asks_the_browser_not_to_restore_ticks(client, u, login, make_user, trainer):
    build_course(trainer, max_attempts=3)
    login(make_user("quique@example.org"))
    client.submit(u("lms.courses.enroll", course_slug="core"))
    page = client.get(quiz_url(u)).text
    form = re.search(r'<form method="post" action="[^"]*/quiz" class="learn-quiz"[^>]*>', page).group(0)
    assert 'autocomplete="off"' in form


# ---------------------------------------------------------------- 2. a sign-in outlives the browser


def test_a_sign_in_cookie_lasts_the_idle_days(app, client, u, login, make_user):
    before = datetime.now(UTC)
    response = login(make_user("ida@example.org"))
    header = _cookie_header(response)
    days = app.config["LMS_SESSION_IDLE_DAYS"]
    assert "Expires=" in header and "HttpOnly" in header
    assert before + timedelta(days=days, seconds=-5) <= _expires(header) <= datetime.now(UTC) + timedelta(days=days)


@pytest.mark.parametrize("app_config", [{"LMS_SESSION_IDLE_DAYS": 3}])
def test_the_cookie_follows_a_shorter_idle_setting(client, login, make_user):
    header = _cookie_header(login(make_user("ida@example.org")))
    assert abs(_expires(header) - (datetime.now(UTC) + timedelta(days=3))) < timedelta(minutes=1)


def test_a_visitor_still_gets_no_cookie_and_a_signed_out_cookie_holds_no_sign_in(app, client, u, login,
                                                                                       make_user):
    assert _cookie_header(client.get(u("lms.main.home"))) == ""
    login(make_user("ida@example.org"))
    signed_out = client.submit(u("lms.accounts.logout"), {"csrf_token": client.csrf_token(u("lms.accounts.profile"))})
    assert "lms_sid" not in app.session_interface.get_signing_serializer(app).loads(_session_cookie(app, client))
    assert signed_out.status_code == 302


def test_signing_out_still_makes_a_captured_cookie_useless(app, client, u, login, make_user):
    login(make_user("ida@example.org"))
    stolen = app.test_client()
    stolen.set_cookie("session", _session_cookie(app, client), domain="lms.test")
    assert stolen.get(u("lms.accounts.profile")).status_code == 200
    client.submit(u("lms.accounts.logout"), {"csrf_token": client.csrf_token(u("lms.accounts.profile"))})
    refused = stolen.get(u("lms.accounts.profile"))
    assert refused.status_code == 302 and u("lms.accounts.login") in refused.headers["Location"]


def test_an_idle_or_disabled_sign_in_still_ends_though_its_cookie_lasts(app, client, u, login, make_user):
    user = make_user("ida@example.org")
    login(user)
    assert client.get(u("lms.accounts.profile")).status_code == 200
    db.session.execute(update(LoginSession).values(
        last_seen_at=datetime.now(UTC) - timedelta(days=app.config["LMS_SESSION_IDLE_DAYS"], minutes=1)))
    db.session.commit()
    assert client.get(u("lms.accounts.profile")).status_code == 302
    login(user)
    user.is_active = False
    db.session.commit()
    assert client.get(u("lms.accounts.profile")).status_code == 302


def test_the_cookie_slides_with_use_but_is_not_sent_on_every_page(app, client, u, login, make_user):
    login(make_user("ida@example.org"))
    client.get(u("lms.accounts.profile"))  # (its forms' new CSRF token changes the session: the cookie is sent)
    assert _cookie_header(client.get(u("lms.accounts.profile"))) == ""  # signed just now: nothing to refresh
    client.set_cookie("session", _resigned(app, _session_cookie(app, client), age=COOKIE_REFRESH_INTERVAL * 2),
                      domain="lms.test")
    refreshed = _cookie_header(client.get(u("lms.accounts.profile")))
    days = app.config["LMS_SESSION_IDLE_DAYS"]
    assert abs(_expires(refreshed) - (datetime.now(UTC) + timedelta(days=days))) < timedelta(minutes=1)
    assert _cookie_header(client.get(u("lms.accounts.profile"))) == ""


def test_a_publicly_cached_answer_never_carries_the_cookie(app, client, u, login, make_user):
    login(make_user("ida@example.org"))
    client.set_cookie("session", _resigned(app, _session_cookie(app, client), age=COOKIE_REFRESH_INTERVAL * 2),
                      domain="lms.test")
    keys = client.get(u("lms.certificates.jwks"))
    assert keys.headers["Cache-Control"].startswith("public") and _cookie_header(keys) == ""


def test_a_sign_in_from_before_is_remembered_from_its_next_page(app, client, u, login, make_user):
    login(make_user("ida@example.org"))
    client.set_cookie("session", _resigned(app, _session_cookie(app, client), age=timedelta(0), drop=("_permanent",)),
                      domain="lms.test")
    upgraded = client.get(u("lms.accounts.profile"))
    assert upgraded.status_code == 200 and "Expires=" in _cookie_header(upgraded)


@pytest.mark.parametrize("app_mode", ["mounted"])
def test_a_host_keeps_its_session_cookie_as_it_chose(app, client, login, make_user):
    assert app.config["LMS_REMEMBER_SIGN_IN"] is False
    header = _cookie_header(login(make_user("ida@example.org")))
    assert header and "Expires=" not in header


@pytest.mark.parametrize(("app_mode", "app_config"), [("mounted", {"LMS_REMEMBER_SIGN_IN": True})])
def test_a_host_may_remember_sign_ins(app, client, login, make_user):
    assert "Expires=" in _cookie_header(login(make_user("ida@example.org")))


def test_answers_sent_after_the_sign_in_ended_are_not_lost_silently(app, client, u, login, make_user, trainer):
    course = build_course(trainer, max_attempts=3)
    user = make_user("quique@example.org")
    login(user)
    client.submit(u("lms.courses.enroll", course_slug="core"))
    token = client.csrf_token(quiz_url(u))
    db.session.execute(update(LoginSession).values(revoked_at=datetime.now(UTC)))  # e.g. signed out on another tab
    db.session.commit()
    sent = client.post(quiz_url(u), data={**answers(course, "m1"), "csrf_token": token})
    assert sent.status_code == 302
    assert sent.headers["Location"] == u("lms.accounts.login", next=quiz_url(u))
    page = client.get(sent.headers["Location"]).text
    assert ("You were signed out, so what you sent was not saved. If it was a quiz, no attempt was used. "
            "Sign in, then try again.") in page
    assert db.session.execute(select(func.count(QuizAttempt.id))).scalar_one() == 0
    assert "You were signed out" not in client.get(u("lms.accounts.login")).text  # said once


def test_a_page_opened_after_the_sign_in_ended_gets_no_such_message(client, u, login, make_user, trainer):
    build_course(trainer)
    login(make_user("quique@example.org"))
    db.session.execute(update(LoginSession).values(revoked_at=datetime.now(UTC)))
    db.session.commit()
    opened = client.get(quiz_url(u))
    assert opened.status_code == 302 and "You were signed out" not in client.get(opened.headers["Location"]).text


def test_an_api_call_without_a_sign_in_is_still_a_json_401_without_a_cookie(app, u):
    response = app.test_client().post(u("lms.api.enroll_in_course", course_slug="core"), json={})
    assert response.status_code == 401 and response.is_json and _cookie_header(response) == ""


# ---------------------------------------------------------------- 3. the course page's main button comes first


def _before_areas(page: str, marker: str) -> bool:
    return marker in page and page.index(marker) < page.index("<h2>Competency areas</h2>")


def _headings(page: str) -> list[str]:
    return re.findall(r"<(h[1-6])[ >]", page.split('<main', 1)[1])


@pytest.fixture
def course_with_areas(trainer):
    return build_course(trainer, areas=("communication", "advocacy", "outreach", "professional_conduct"))


def test_the_course_pages_main_button_comes_before_the_competency_areas(client, u, login, make_user,
                                                                        course_with_areas):
    path = u("lms.courses.course", course_slug="core")
    assert _before_areas(client.get(path).text, "Sign in to enrol</a>")
    login(make_user("quique@example.org"))
    page = client.get(path).text
    assert _before_areas(page, "Enrol in this course</button>")
    assert _headings(page)[:4] == ["h1", "h2", "h2", "h2"]  # Your progress, Competency areas, Modules
    assert page.index('id="you-heading"') < page.index("<h2>Competency areas</h2>") < page.index("<h2>Modules</h2>")
    client.submit(u("lms.courses.enroll", course_slug="core"))
    page = client.get(path).text
    assert _before_areas(page, "Start the course</a>")
    assert _before_areas(page, 'max="100"')  # the progress bar too


def test_the_authoring_preview_still_lists_the_areas_under_the_facts(client, u, login, trainer, course_with_areas):
    login(trainer)
    page = client.get(u("lms.authoring.preview", course_slug="core")).text
    assert "of credited training</p>" in page
    assert page.index("of credited training</p>") < page.index("<h2>Competency areas</h2>") < page.index(
        "<h2>Modules</h2>")


# ---------------------------------------------------------------- 4. codes break only between groups


def _grouped(code: str) -> str:
    groups = code.split("-")
    return "<wbr>".join(f'<span class="cert-group">{group}{"-" if n < len(groups) - 1 else ""}</span>'
                        for n, group in enumerate(groups))


def test_verification_codes_break_only_between_groups(client, u, login, make_user, make_org, add_member):
    world = issued_world(make_user, make_org, add_member)
    code = world["code"]
    assert len(code.split("-")) == 7 and code == display(world["cert"].code)
    grouped = f'<code class="cert-code">{_grouped(code)}</code>'
    assert grouped in client.get(u("lms.certificates.verify_page", code=code)).text
    login(world["trainee"])
    mine = client.get(u("lms.certificates.mine")).text
    assert grouped in mine
    login(world["trainer"])
    assert grouped in client.get(u("lms.certificates.revoke", code=code)).text


def test_a_code_that_is_not_found_is_grouped_and_other_text_is_shown_as_typed(client, u):
    unknown = "ABCD-EFGH-JKMN-PQRS-TVWX-YZ23-4567"
    page = client.get(u("lms.certificates.verify_page", code=unknown)).text
    assert f'<code class="cert-code">{_grouped(unknown)}</code>' in page


def test_the_stylesheet_keeps_each_group_on_one_line(client, u):
    css = client.get(u("lms.main.static", filename="lms.css")).text
    assert ".cert-code .cert-group { white-space: nowrap; }" in css


# ---------------------------------------------------------------- 5. "What is left" names a module once


@pytest.fixture
def field_course(trainer):
    """A course with one self-paced module (a quiz) and two field modules: one named after its kind (in English in
    another case, and in Spanish), one named otherwise."""
    course = build_course(trainer, publish=False)
    named = module_authoring.add_module(course, module_authoring.ModuleData(slug="field", title="Supervised Field Experience",
                                                          kind=ModuleKind.FIELD, credited_minutes=60), trainer)
    set_text(course, named, "title", "es", "Experiencia de campo supervisada", trainer)
    other = module_authoring.add_module(course, module_authoring.ModuleData(slug="visits", title="Home visits", kind=ModuleKind.FIELD,
                                                          credited_minutes=60), trainer)
    set_text(course, other, "title", "es", "Visitas a domicilio", trainer)
    course_authoring.set_course_status(course, CourseStatus.PUBLISHED, trainer)
    db.session.commit()
    return course


def _left_items(page: str) -> dict[str, str]:
    left = page.split('id="still-to-do"', 1)[1].split("</ul>", 1)[0]
    return {slug: " ".join(item.split("<br>", 1)[0].split())
            for slug, item in re.findall(r'<li id="left-([\w-]+)">(.*?)</li>', left, re.S)}


def _finish_self_paced(client, u, course) -> None:
    for lesson in ("l1", "l2"):
        client.get(u("lms.courses.lesson", course_slug="core", module_slug="m1", lesson_slug=lesson))
        client.submit(u("lms.courses.complete", course_slug="core", module_slug="m1", lesson_slug=lesson))
    client.submit(quiz_url(u), answers(course, "m1"))


@pytest.mark.parametrize(("locale", "kind", "named", "other"), [
    ("en", "Supervised field experience", "Supervised Field Experience", "Home visits"),
    ("es", "Experiencia de campo supervisada", "Experiencia de campo supervisada", "Visitas a domicilio"),
])
def test_what_is_left_does_not_repeat_a_kind_that_is_the_title(client, u, login, make_user, field_course, locale,
                                                                kind, named, other):
    login(make_user("quique@example.org", locale=locale))
    client.submit(u("lms.courses.enroll", course_slug="core"))
    _finish_self_paced(client, u, field_course)
    items = _left_items(client.get(u("lms.courses.course", course_slug="core")).text)
    assert items["field"].endswith(f"<strong>{named}</strong></a>")
    assert items["visits"].endswith(f"<strong>{other}</strong></a> · {kind}")
