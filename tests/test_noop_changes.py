"""A change that changes nothing records nothing and says so: adding a member who already has those details,
enabling an account that can sign in (or disabling one that cannot), saving a member's page unchanged, importing a
roster row that matches. Also: the message after adding a module fits its kind, and a 413 states the limit of the
form that was sent when that form has its own, smaller one."""

from __future__ import annotations

import functools
import io
from datetime import date

import pytest
from sqlalchemy import func, select, update

from lms import db
from lms.accounts import admin_actions
from lms.accounts.models import SiteRole, User
from lms.audit import AuditEvent
from lms.catalog import course_authoring
from lms.catalog.models import Module
from lms.errors import upload_limit
from lms.orgs import services as orgs
from tests.conftest import html_text

MB = 1024 * 1024
LUPE = {"employee_id": "E-7", "job_title": "Promotora", "employment_start": "2024-05-01",
        "employment_type": "employee", "role": "member"}


def _count(action: str) -> int:
    return db.session.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.action == action))



@pytest.fixture
def acme(make_user, make_org, add_member):
    """Acme, managed by Mona, with Lupe on its staff (employee E-7, Promotora, since 1 May 2024)."""
    mona = make_user("mona@example.org", name="Mona Manager")
    org = make_org("acme", manager=mona, name="Acme")
    lupe = add_member(org, make_user("lupe@example.org", name="Lupe Ortiz"), employee_id="E-7",
                      job_title="Promotora", employment_start=date(2024, 5, 1))
    return org, mona, lupe


# ---------------------------------------------------------------- members


def test_adding_a_current_member_with_the_same_details_records_nothing(app, acme):
    org, mona, lupe = acme
    same = orgs.Employment(employee_id="E-7", job_title=" Promotora ", employment_start=date(2024, 5, 1))
    assert orgs.add_member(org, lupe.user, same, actor=mona) == lupe
    db.session.commit()
    assert _count("membership.updated") == 0
    orgs.add_member(org, lupe.user, orgs.Employment(employee_id="E-8", job_title="Promotora",
                                                    employment_start=date(2024, 5, 1)), actor=mona)
    db.session.commit()
    (event,) = db.session.execute(select(AuditEvent).where(AuditEvent.action == "membership.updated")).scalars()
    assert event.data == {"employee_id": "E-8", "was": {"employee_id": "E-7"}}


def test_a_roster_row_that_matches_changes_nothing_and_says_so(client, u, login, make_user, add_member, acme):
    org, mona, lupe = acme
    rosa = add_member(org, make_user("rosa@example.org", name="Rosa Diaz"), employee_id="E-1")
    login(mona)
    roster = ("email,name,employee_id,job_title,employment_start\n"
              "lupe@example.org,Lupe Ortiz,E-7,Promotora,2024-05-01\nrosa@example.org,Rosa Diaz,E-2,,\n")
    response = client.submit(u("lms.orgs.roster_import", org_slug="acme"),
                             {"file": (io.BytesIO(roster.encode()), "roster.csv")},
                             content_type="multipart/form-data", follow_redirects=True)
    page = html_text(response.get_data(as_text=True))
    assert "Updated the details of 1 current staff." in page
    assert "1 current staff member already has the employment details in the file: nothing changed for them." in page
    (event,) = db.session.execute(select(AuditEvent).where(AuditEvent.action == "membership.updated")).scalars()
    assert event.object_id == rosa.id and event.data == {"employee_id": "E-2", "was": {"employee_id": "E-1"}}


def test_the_member_page_says_when_there_was_nothing_to_save(client, u, login, acme):
    _org, mona, lupe = acme
    login(mona)
    path = u("lms.orgs.member", org_slug="acme", membership_id=lupe.id)
    page = html_text(client.submit(path, LUPE, follow_redirects=True).get_data(as_text=True))
    assert "No changes to save." in page and "Saved." not in page
    assert _count("membership.updated") == 0
    page = html_text(client.submit(path, {**LUPE, "job_title": "Lead"}, follow_redirects=True).get_data(as_text=True))
    assert "Saved." in page and "No changes to save." not in page
    assert _count("membership.updated") == 1


# ---------------------------------------------------------------- accounts


@pytest.fixture
def ada_and_teo(make_user, login):
    ada = make_user("ada@example.org", name="Ada", role=SiteRole.ADMIN)
    teo = make_user("teo@example.org", name="Teo", role=SiteRole.TRAINER)
    login(ada)
    return ada, teo


def test_enabling_an_enabled_account_or_disabling_a_disabled_one_records_nothing(client, u, ada_and_teo):
    _ada, teo = ada_and_teo
    path = u("lms.admin.update_user", user_id=teo.id)
    page = html_text(client.submit(path, {"action": "enable"}, follow_redirects=True).get_data(as_text=True))
    assert "Nothing changed: Teo can already sign in." in page and "can sign in again" not in page
    assert _count("user.enabled") == 0
    disable = {"action": "disable", "confirm": "yes", "reason": "Left the clinic"}
    assert "Teo is disabled" in html_text(client.submit(path, disable, follow_redirects=True).get_data(as_text=True))
    page = html_text(client.submit(path, disable, follow_redirects=True).get_data(as_text=True))  # from an older page
    assert "Nothing changed: Teo is already disabled." in page
    assert _count("user.disabled") == 1


def test_an_account_disabled_a_moment_ago_by_another_admin_is_not_disabled_twice(app, ada_and_teo):
    ada, teo = ada_and_teo
    db.session.execute(update(User).where(User.id == teo.id).values(is_active=False)
                       .execution_options(synchronize_session=False))  # committed elsewhere: this copy still says active
    assert teo.is_active is True
    assert admin_actions.set_active(teo, False, ada) is False
    db.session.commit()
    assert _count("user.disabled") == 0 and db.session.get(User, teo.id).is_active is False


# ---------------------------------------------------------------- adding a module


@pytest.mark.parametrize(("kind", "message"), [
    ("self_paced", "Module added. Now add its lessons."),
    ("live", "Module added. Now schedule its live sessions: trainees complete it by attending one."),
    ("field", "Module added. It needs no lessons: trainees complete it when the supervised field hours they log and "
              "a manager approves reach its credited time."),
])
def test_the_message_after_adding_a_module_fits_its_kind(client, u, login, trainer, kind, message):
    course_authoring.create_course(course_authoring.CourseData(slug="outreach", title="Outreach"), trainer)
    db.session.commit()
    login(trainer)
    response = client.submit(u("lms.authoring.new_module", course_slug="outreach"), {
        "slug": "part-one", "title": "Part one", "kind": kind, "credited_minutes": "120", "is_required": "y"},
        follow_redirects=True)
    page = html_text(response.get_data(as_text=True))
    assert db.session.scalar(select(Module.kind).where(Module.slug == "part-one")).value == kind
    assert message in page
    if kind != "self_paced":
        assert "add its lessons" not in page


# ---------------------------------------------------------------- too large


def _send(client, path: str, size: int, **fields):
    data = {**fields, "csrf_token": client.csrf_token(path), "evidence": (io.BytesIO(b"%PDF-" + b"a" * size), "x.pdf")}
    return client.post(path, data=data, content_type="multipart/form-data")


@pytest.mark.parametrize("app_mode", ["standalone", "mounted"])
@pytest.mark.parametrize("app_config", [{"MAX_CONTENT_LENGTH": 2 * MB, "LMS_EVIDENCE_MAX_BYTES": MB}])
def test_a_413_from_the_evidence_form_states_the_forms_own_limit(client, u, login, make_user, acme, app_config):
    _org, mona, _lupe = acme
    login(make_user())
    path = u("lms.hours.submit_external")
    assert "A PDF, PNG or JPEG file of at most 1 MB." in html_text(client.get(path).get_data(as_text=True))
    response = _send(client, path, 2 * MB + 1000, title="Course", activity_date="2026-01-05", hours="1")
    assert response.status_code == 413
    page = html_text(response.get_data(as_text=True))
    assert "this form takes a file of at most 1 MB." in page and "2 MB" not in page
    login(mona)  # a form with no limit of its own states the server's
    other = _send(client, u("lms.orgs.roster_import", org_slug="acme"), 2 * MB + 1000)
    assert other.status_code == 413 and "one form can send at most 2 MB." in html_text(other.get_data(as_text=True))


@pytest.mark.parametrize("app_config", [{"MAX_CONTENT_LENGTH": MB, "LMS_EVIDENCE_MAX_BYTES": 2 * MB}])
def test_the_smaller_limit_wins(client, u, login, make_user, app_config):
    login(make_user())
    response = _send(client, u("lms.hours.submit_external"), MB + 1000, title="Course")
    assert response.status_code == 413
    assert "one form can send at most 1 MB." in html_text(response.get_data(as_text=True))


@pytest.mark.parametrize("app_config", [{"MAX_CONTENT_LENGTH": 2 * MB}])
def test_the_apis_json_413_states_an_endpoints_own_limit_too(app, client, u, app_config):
    endpoint = "lms.api.verify_certificates"
    body = {"codes": ["x" * (2 * MB + 1000)]}
    assert client.post(u(endpoint), json=body).json["error"]["message"] == (
        "The request body is too large: at most 2 MB.")
    view = app.view_functions[endpoint]
    app.view_functions[endpoint] = upload_limit(lambda: MB)(functools.wraps(view)(lambda **kw: view(**kw)))
    response = client.post(u(endpoint), json=body)
    assert response.status_code == 413
    assert response.json["error"] == {"code": "request_entity_too_large",
                                      "message": "The file sent is too large: at most 1 MB."}
