"""Someone whose employment has ended has no manager rights anywhere: not through the access policies (browser session
or API token), not through the checks inside "signed in" pages (certificates, evidence), not by a manager setting
their role on a staff page that still looked editable. Walks the role matrix (tests/matrix/) like test_access.py."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from lms import db
from lms.accounts import api_tokens
from lms.accounts import services as accounts
from lms.accounts.models import User
from lms.orgs import employment
from lms.orgs import services as orgs
from lms.orgs.models import MemberRole, Membership
from tests.conftest import PASSWORD
from tests.test_access import EXPECTED, _url, world  # noqa: F401  (the matrix's fixture, by request.getfixturevalue)

#: "Signed in" endpoints whose checks inside the view let a manager of the object's organisation in.
MANAGER_INSIDE = ("lms.certificates.pdf", "lms.certificates.revoke", "lms.hours.evidence")
ORG_MANAGER = sorted(endpoint for endpoint, policy in EXPECTED.items() if policy == "org_manager")


def _beatriz(acme_manager, ended_with_role: MemberRole) -> Membership:
    """Beatriz managed acme; her employment ended today (acme's calendar). ``MANAGER`` leaves her ended row saying
    "manager", as rows made through the old staff page can."""
    beatriz = accounts.register_user("beatriz@example.org", "Beatriz Former", PASSWORD)
    acme = orgs.get_org("acme")
    membership = orgs.add_member(acme, beatriz, orgs.Employment(role=MemberRole.MANAGER), actor=acme_manager)
    db.session.commit()
    assert orgs.managed_org_slugs(db.session.get(User, beatriz.id)) == {"acme"}  # she was a manager until now
    employment.remove_member(membership, acme_manager, acme.today())
    membership.role = ended_with_role
    db.session.commit()
    return membership


def _request(client, app, endpoint: str, args: dict, **headers):
    method, url = _url(app, endpoint, args)
    if method == "GET":
        return client.get(url, headers=headers)
    data = {} if headers else {"csrf_token": client.csrf_token()}
    return client.open(url, method=method, data=data, headers=headers)


@pytest.mark.parametrize("ended_with_role", [MemberRole.MEMBER, MemberRole.MANAGER])
def test_a_former_manager_is_refused_on_every_manager_endpoint(app, request, client_as, ended_with_role):
    users, args = request.getfixturevalue("world")
    _beatriz(users["manager"], ended_with_role)
    beatriz = db.session.execute(select(User).where(User.email == "beatriz@example.org")).scalar_one()
    assert orgs.managed_org_slugs(beatriz) == set() and orgs.managed_org_ids(beatriz) == set()
    assert orgs.managed_orgs(beatriz) == []
    client = client_as(beatriz)
    outcomes = {endpoint: _request(client, app, endpoint, args).status_code for endpoint in ORG_MANAGER + list(MANAGER_INSIDE)}
    allowed = {endpoint: status for endpoint, status in outcomes.items() if status not in (401, 403, 404)}
    assert allowed == {}, f"a former manager reached: {allowed}"
    assert len(ORG_MANAGER) > 30  # the sweep walks the whole matrix, not a hand-picked few

    # The same pages and checks let acme's current manager in (so the sweep above can fail).
    manager = client_as(users["manager"])
    for endpoint in ("lms.orgs.show", "lms.hours.queue", "lms.hours.payroll_files", *MANAGER_INSIDE):
        assert _request(manager, app, endpoint, args).status_code == 200, endpoint


@pytest.mark.parametrize("ended_with_role", [MemberRole.MEMBER, MemberRole.MANAGER])
def test_a_former_managers_api_token_is_refused_too(app, request, ended_with_role):
    users, args = request.getfixturevalue("world")
    membership = _beatriz(users["manager"], ended_with_role)
    _token, raw = api_tokens.create_api_token(membership.user, "script")
    db.session.commit()
    client = app.test_client()
    api = [endpoint for endpoint in ORG_MANAGER if endpoint.startswith("lms.api.")]
    assert api
    outcomes = {endpoint: _request(client, app, endpoint, args, Authorization=f"Bearer {raw}").status_code
                for endpoint in api}
    assert set(outcomes.values()) == {403}, outcomes


def test_a_former_manager_sees_no_trace_of_managing(app, request, client_as, u):
    """No "Enrol staff of" on course pages, no organisation on /orgs/, no "Manage" link on the home page."""
    users, args = request.getfixturevalue("world")
    _beatriz(users["manager"], MemberRole.MANAGER)
    client = client_as(db.session.execute(select(User).where(User.email == "beatriz@example.org")).scalar_one())
    assert "Enrol staff of" not in client.get(u("lms.courses.course", course_slug=args["course_slug"])).text
    assert u("lms.orgs.show", org_slug="acme") not in client.get(u("lms.orgs.index")).text
    assert u("lms.orgs.show", org_slug="acme") not in client.get(u("lms.main.home")).text


def test_an_ended_membership_cannot_be_made_a_manager_on_its_page(client, u, make_org, make_user, add_member, login):
    """The QA report's steps: end Beatriz's employment, then set Role = Manager on her page and save."""
    boss = make_user("boss@example.org", name="Bea Boss")
    org = make_org("acme", manager=boss)
    beatriz = add_member(org, make_user("beatriz@example.org", name="Beatriz Former"))
    login(boss)
    path = u("lms.orgs.end_member", org_slug="acme", membership_id=beatriz.id)
    assert client.submit(path, {"ended_on": org.today().isoformat(), "confirm": "yes"}).status_code == 302

    page = client.get(u("lms.orgs.member", org_slug="acme", membership_id=beatriz.id)).text
    assert "Their employment ended on" in page and 'name="role"' not in page and 'name="ended_on"' not in page
    response = client.submit(u("lms.orgs.member", org_slug="acme", membership_id=beatriz.id),
                             {"employment_type": "employee", "role": "manager", "job_title": "Boss"})
    assert response.status_code == 302
    followed = client.get(response.headers["Location"]).text
    assert "employment ended on" in followed and "cannot be changed" in followed
    db.session.refresh(beatriz)
    assert beatriz.role is MemberRole.MEMBER and beatriz.job_title is None and beatriz.employment_end == org.today()
    assert orgs.managed_org_slugs(beatriz.user) == set()
    with pytest.raises(orgs.EmploymentEndedError):  # the rule is the service's, whatever calls it
        orgs.change_member(beatriz, orgs.Employment(role=MemberRole.MANAGER), boss)


def test_ending_an_ended_membership_again_is_refused(client, u, make_org, make_user, add_member, login):
    boss = make_user("boss@example.org")
    org = make_org("acme", manager=boss)
    worker = add_member(org, make_user(name="Gone Already"))
    employment.remove_member(worker, boss, org.today())
    db.session.commit()
    login(boss)
    response = client.submit(u("lms.orgs.end_member", org_slug="acme", membership_id=worker.id),
                             {"ended_on": org.today().isoformat(), "confirm": "yes"})
    assert response.status_code == 302
    assert "already ended on" in client.get(response.headers["Location"]).text
