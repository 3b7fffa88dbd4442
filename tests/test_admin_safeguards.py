"""Safeguards for site administrators: the site always keeps an active administrator (even when two administrators
remove each other at the same moment), and disabling an organisation's only active manager is confirmed knowingly
and shows on the organisation's page."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from lms import db
from lms.accounts import admin_actions
from lms.accounts.admin_actions import LastAdminError
from lms.accounts.models import SiteRole, User
from lms.audit import AuditEvent
from lms.orgs.models import MemberRole
from tests.concurrency import finish, uncommitted_for_a_while

ROLE = {"action": "role", "role": "trainee", "reason": "Stepped back from running the site"}
DISABLE = {"action": "disable", "confirm": "yes", "reason": "Left the clinic"}


def _active_admins() -> list[str]:
    db.session.expire_all()
    return list(db.session.execute(
        select(User.name).where(User.role == SiteRole.ADMIN, User.is_active.is_(True)).order_by(User.name)
    ).scalars())


def _changes() -> int:
    return db.session.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.action.in_(["user.role_changed", "user.disabled"])))


# ---------------------------------------------------------------- one change at a time


@pytest.mark.parametrize("change", [
    lambda user: admin_actions.set_role(user, SiteRole.TRAINEE, None, "Stepped back"),
    lambda user: admin_actions.set_role(user, SiteRole.TRAINER, None, "Teaches now"),
    lambda user: admin_actions.set_active(user, False, None),
], ids=["to trainee", "to trainer", "disabled"])
def test_nobody_can_demote_or_disable_the_last_active_admin(app, make_user, change):
    """A disabled administrator does not count: Alex is the only one who can act."""
    alex = make_user("alex@example.org", name="Alex", role=SiteRole.ADMIN)
    dora = make_user("dora@example.org", name="Dora", role=SiteRole.ADMIN)
    admin_actions.set_active(dora, False, alex)
    db.session.commit()
    with pytest.raises(LastAdminError) as refused:
        change(alex)
    db.session.rollback()
    assert refused.value.message == ("Alex is the only active site administrator. Make someone else a site "
                                     "administrator first: the site must always have one.")
    assert _active_admins() == ["Alex"] and _changes() == 1  # Dora's disabling only


def test_an_admin_can_be_demoted_or_disabled_while_another_stays_active(app, make_user):
    alex = make_user("alex@example.org", name="Alex", role=SiteRole.ADMIN)
    teresa = make_user("teresa@example.org", name="Teresa", role=SiteRole.ADMIN)
    carl = make_user("carl@example.org", name="Carl", role=SiteRole.ADMIN)
    admin_actions.set_role(teresa, SiteRole.TRAINER, alex, "Teaches now")
    admin_actions.set_active(carl, False, alex)
    db.session.commit()
    assert _active_admins() == ["Alex"]
    admin_actions.set_active(carl, True, alex)  # enabling and promoting never need a check
    admin_actions.set_role(teresa, SiteRole.ADMIN, alex, "Runs the site again")
    db.session.commit()
    assert _active_admins() == ["Alex", "Carl", "Teresa"]


def test_the_people_page_demotes_and_disables_another_admin(client, u, make_user, login):
    alex = make_user("alex@example.org", name="Alex", role=SiteRole.ADMIN)
    teresa = make_user("teresa@example.org", name="Teresa", role=SiteRole.ADMIN)
    carl = make_user("carl@example.org", name="Carl", role=SiteRole.ADMIN)
    login(alex)
    assert client.submit(u("lms.admin.update_user", user_id=teresa.id), ROLE).status_code == 302
    assert client.submit(u("lms.admin.update_user", user_id=carl.id), DISABLE).status_code == 302
    page = client.get(u("lms.admin.users")).get_data(as_text=True)
    assert "Carl is disabled" in page
    assert _active_admins() == ["Alex"]


# ---------------------------------------------------------------- two at once


@pytest.mark.parametrize(("alex_does", "teresa_does"), [(ROLE, ROLE), (DISABLE, DISABLE), (ROLE, DISABLE), (DISABLE, ROLE)],
                         ids=["both demote", "both disable", "demote and disable", "disable and demote"])
def test_two_admins_removing_each_other_at_once_leave_one(app, client, u, make_user, login, alex_does, teresa_does):
    """Alex's change to Teresa is written but not committed when Teresa's request to change Alex arrives: Teresa's
    waits for Alex's locks, then finds Alex the only active administrator left and is refused with a message."""
    alex = make_user("alex@example.org", name="Alex", role=SiteRole.ADMIN)
    teresa = make_user("teresa@example.org", name="Teresa", role=SiteRole.ADMIN)
    alex_id, teresa_id = alex.id, teresa.id
    login(teresa)

    def alex_changes_teresa() -> None:
        actor, target = db.session.get(User, alex_id), db.session.get(User, teresa_id)
        if alex_does is ROLE:
            admin_actions.set_role(target, SiteRole.TRAINEE, actor, "Stepped back")
        else:
            admin_actions.set_active(target, False, actor)

    client.csrf_token()  # the form's token, fetched before Alex's change (a page Teresa had open)
    thread, errors = uncommitted_for_a_while(app, alex_changes_teresa)
    response = client.submit(u("lms.admin.update_user", user_id=alex_id), teresa_does)
    finish(thread, errors)
    assert response.status_code == 409  # the form again, with why (tests/test_refusals_last_admin.py)
    assert _active_admins() == ["Alex"]
    assert _changes() == 1  # Alex's; Teresa's was rolled back
    assert ("Alex is the only active site administrator. Make someone else a site administrator first: "
            "the site must always have one.") in response.get_data(as_text=True)


# ---------------------------------------------------------------- an organisation's only manager


@pytest.fixture
def erin(make_user, make_org, add_member):
    """Erin manages "demo" alone, "gone" with a manager whose account is disabled, "duo" with an active one, and is
    staff of "other"."""
    erin = make_user("erin@example.org", name="Erin Employer")
    make_org("demo", manager=erin, name="Demo Clinic")
    gone = make_org("gone", manager=erin, name="Gone Health")
    dan = make_user("dan@example.org", name="Dan")
    add_member(gone, dan, MemberRole.MANAGER)
    admin_actions.set_active(dan, False, None)
    duo = make_org("duo", manager=erin, name="Duo Care")
    add_member(duo, make_user("bob@example.org", name="Bob"), MemberRole.MANAGER)
    add_member(make_org("other", name="Other Place"), erin)
    db.session.commit()
    return erin


def test_disabling_the_only_active_manager_warns_and_names_the_organisations(client, u, make_user, login, erin):
    login(make_user("root@example.org", name="Ada Admin", role=SiteRole.ADMIN))
    page = client.get(u("lms.admin.confirm_disable", user_id=erin.id)).get_data(as_text=True)
    assert "Erin Employer is the only active manager of these organisations:" in page
    assert "nobody in these organisations can approve training hours or export payroll until another manager is added" in page
    warning = page[page.index('id="sole-manager"'):page.index("</div>", page.index('id="sole-manager"'))]
    assert "Demo Clinic" in warning and "Gone Health" in warning
    assert "Duo Care" not in warning and "Other Place" not in warning
    assert u("lms.orgs.show", org_slug="demo") in warning
    assert 'value="disable"' in page and 'name="confirm" value="yes"' in page  # a warning: the admin may go ahead


def test_one_organisation_is_named_in_the_singular(client, u, make_user, make_org, login):
    solo = make_user(name="Sol")
    make_org("demo", manager=solo, name="Demo Clinic")
    login(make_user(role=SiteRole.ADMIN))
    page = client.get(u("lms.admin.confirm_disable", user_id=solo.id)).get_data(as_text=True)
    assert "Sol is the only active manager of this organisation:" in page and "Demo Clinic" in page
    assert "nobody there can approve training hours or export payroll until another manager is added" in page


def test_no_warning_for_someone_who_leaves_an_active_manager_behind(client, u, make_user, make_org, add_member, login):
    org = make_org("duo", name="Duo Care")
    bob = make_user(name="Bob")
    add_member(org, bob, MemberRole.MANAGER)
    login(make_user(role=SiteRole.ADMIN))
    page = client.get(u("lms.admin.confirm_disable", user_id=bob.id)).get_data(as_text=True)
    assert "Disable Bob?" in page and "only active manager" not in page


def test_a_disabled_manager_is_marked_on_the_organisation_page(client, u, make_user, login, erin):
    login(make_user(role=SiteRole.ADMIN))
    client.submit(u("lms.admin.update_user", user_id=erin.id), DISABLE)
    page = client.get(u("lms.orgs.show", org_slug="demo")).get_data(as_text=True)
    row = page[page.index(">Erin Employer</a>"):page.index("</tr>", page.index(">Erin Employer</a>"))]
    assert "Account disabled" in row and "Manager" in row
    duo = client.get(u("lms.orgs.show", org_slug="duo")).get_data(as_text=True)
    bob = duo[duo.index(">Bob</a>"):duo.index("</tr>", duo.index(">Bob</a>"))]
    assert "Account disabled" not in bob  # an active account is not marked
