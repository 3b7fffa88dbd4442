"""An ended membership whose row still says ``manager`` (ended before ending demoted managers; the row is history and
is not rewritten) shows and gives no manager rights: not as a role on the home page, not when the end is undone (the
undo brings them back as a staff member, the role change in its audit row), not as someone to contact."""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import select

from lms import db
from lms.accounts.models import SiteRole
from lms.audit import AuditEvent
from lms.orgs import contacts, employment
from lms.orgs import services as orgs
from lms.orgs.models import MemberRole


@pytest.fixture
def south(make_user, make_org, add_member):
    """Bea manages south; Rosa managed it until 2024-06-30 and her ended row still says manager."""
    boss = make_user("boss@example.org", name="Bea Boss")
    org = make_org("south", manager=boss, name="South Clinic")
    rosa = add_member(org, make_user("rosa@example.org", name="Rosa Reyes"), role=MemberRole.MANAGER)
    rosa.employment_end = date(2024, 6, 30)
    db.session.commit()
    assert rosa.role is MemberRole.MANAGER and not rosa.is_manager
    return org, boss, rosa


def test_the_home_page_shows_no_role_for_ended_employment(client_as, u, make_org, add_member, south):
    _org, _boss, rosa = south
    add_member(make_org("north", name="North Clinic"), rosa.user, role=MemberRole.MANAGER)
    page = client_as(rosa.user).get(u("lms.main.home")).text
    items = {name: item for item in re.findall(r"<li>(.*?)</li>", page, re.S)
             for name in ("South Clinic", "North Clinic") if name in item}
    assert "Manager" not in items["South Clinic"] and "Staff member" not in items["South Clinic"]
    assert "until" in items["South Clinic"] and "Manage<" not in items["South Clinic"]
    assert "Manager" in items["North Clinic"] and u("lms.orgs.show", org_slug="north") in items["North Clinic"]


def test_undoing_the_end_of_such_a_row_brings_back_a_staff_member(app, south, make_user):
    org, boss, rosa = south
    # An end this old is past the managers' undo window (tests/test_secreview_employment_undo.py): an admin undoes it.
    employment.reinstate_member(rosa, make_user("admin@example.org", role=SiteRole.ADMIN))
    db.session.commit()
    assert rosa.is_current and rosa.role is MemberRole.MEMBER and orgs.managed_org_slugs(rosa.user) == set()
    event = db.session.execute(select(AuditEvent).where(AuditEvent.action == "membership.reinstated")).scalar_one()
    assert event.data == {"employment_end": None, "role": "member",
                          "was": {"employment_end": "2024-06-30", "role": "manager"}}


def test_such_a_row_is_nobody_to_contact(app, south, make_user, add_member):
    org, _boss, rosa = south
    worker = add_member(org, make_user("wes@example.org", name="Wes Worker"))
    assert [c.name for c in contacts.managers_of(worker.user_id)] == ["Bea Boss"]
    assert rosa.user_id not in {m.user_id for m in orgs.list_members(org)}
