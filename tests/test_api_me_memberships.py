"""``GET /api/v1/me``: ``organisations`` lists where the person works now, with the role they have there (``manager``
exactly where the manager endpoints answer them); ended employment is under ``former_organisations`` with
``current: false``, its last day and ``role: null``, whatever the ended row still stores (not rewritten). Every answer
is checked against the OpenAPI document's own schema."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from lms import db
from lms.accounts.models import User
from lms.orgs import invitations, joining
from lms.orgs import services as orgs
from lms.orgs.models import MemberRole, Membership, Organisation
from tests.api_support import bearer as _bearer
from tests.api_support import schema_checker


@pytest.fixture
def check(client, u):
    validate = schema_checker(client.get(u("lms.api.openapi")).json)
    return lambda body: validate(body, "Me")


def _ended(membership: Membership, last_day: date, stored_role: MemberRole) -> None:
    """An ended row as stored: ``MANAGER`` as rows ended before ending demoted managers still say."""
    membership.employment_end, membership.role = last_day, stored_role
    db.session.commit()


@pytest.fixture
def rosa(make_user, make_org, add_member):
    """Rosa manages north now; she managed south until 2024-06-30 (the row still says manager) and worked at east
    until 2025-01-15."""
    boss = make_user("boss@example.org", name="Bea Boss")
    rosa = make_user("rosa@example.org", name="Rosa Reyes")
    for slug in ("north", "south", "east"):
        make_org(slug, manager=boss, name=f"{slug.title()} Clinic")
    add_member(orgs.get_org("north"), rosa, role=MemberRole.MANAGER)
    _ended(add_member(orgs.get_org("south"), rosa, role=MemberRole.MANAGER), date(2024, 6, 30), MemberRole.MANAGER)
    _ended(add_member(orgs.get_org("east"), rosa), date(2025, 1, 15), MemberRole.MEMBER)
    return rosa


def test_current_and_former_employment_are_told_apart(client, u, rosa, check):
    body = client.get(u("lms.api.me"), headers=_bearer(rosa)).json
    check(body)
    assert body["organisations"] == [
        {"slug": "north", "name": "North Clinic", "role": "manager", "current": True, "ended_on": None},
    ]
    assert body["former_organisations"] == [  # the latest end first
        {"slug": "east", "name": "East Clinic", "role": None, "current": False, "ended_on": "2025-01-15"},
        {"slug": "south", "name": "South Clinic", "role": None, "current": False, "ended_on": "2024-06-30"},
    ]
    south = db.session.execute(select(Membership.role).join(Organisation, Organisation.id == Membership.org_id)
                               .where(Membership.user_id == rosa.id, Organisation.slug == "south")).scalar_one()
    assert south is MemberRole.MANAGER  # history as stored: nothing rewritten


def test_a_role_of_manager_means_the_manager_endpoints_answer(client, u, rosa):
    """What a payroll client would do with the answer: call the members list where it says manager."""
    bearer = _bearer(rosa)
    body = client.get(u("lms.api.me"), headers=bearer).json
    for item in body["organisations"] + body["former_organisations"]:
        status = client.get(u("lms.api.org_members", org_slug=item["slug"]), headers=bearer).status_code
        assert (status == 200) == (item["role"] == "manager"), (item, status)


def test_the_browser_session_gets_the_same_answer(client_as, u, rosa, check):
    body = client_as(rosa).get(u("lms.api.me")).json
    check(body)
    assert [o["slug"] for o in body["organisations"]] == ["north"]
    assert [o["slug"] for o in body["former_organisations"]] == ["east", "south"]


def test_someone_with_no_organisation_gets_two_empty_lists(client, u, make_user, check):
    body = client.get(u("lms.api.me"), headers=_bearer(make_user("solo@example.org"))).json
    check(body)
    assert body["organisations"] == [] and body["former_organisations"] == []


def test_rejoining_moves_the_organisation_back_to_current(client, u, rosa, check):
    boss = db.session.execute(select(User).where(User.email == "boss@example.org")).scalar_one()
    south = orgs.get_org("south")
    invitation, _raw = invitations.invite(south, rosa.email, None, orgs.Employment(), boss, 14)
    joining.accept_invitation(invitation, rosa, agreed=True)
    db.session.commit()
    body = client.get(u("lms.api.me"), headers=_bearer(rosa)).json
    check(body)
    assert [(o["slug"], o["role"]) for o in body["organisations"]] == [("north", "manager"), ("south", "member")]
    assert [o["slug"] for o in body["former_organisations"]] == ["east"]


def test_the_document_describes_both_lists(client, u):
    schemas = client.get(u("lms.api.openapi")).json["components"]["schemas"]
    assert {"organisations", "former_organisations"} <= set(schemas["Me"]["required"])
    item = schemas["MyMembership"]
    assert set(item["required"]) == {"slug", "name", "role", "current", "ended_on"}
    assert item["properties"]["role"]["enum"] == ["member", "manager", None]
    assert "null for ended employment" in item["properties"]["role"]["description"]
