"""Invitations are safe for managers: current staff cannot be invited, an open invitation is replaced only once the
manager has seen it and confirmed, and any open invitation (expired too) can be sent again with a fresh link."""

from __future__ import annotations

import io
import re
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from babel.dates import format_date, format_time
from sqlalchemy import func, select

from lms import db
from lms.accounts.models import User
from lms.audit import AuditEvent
from lms.db import utcnow
from lms.orgs import employment, invitations, services
from lms.orgs.models import EmploymentType, Invitation, MemberRole, Membership, Organisation
from tests.concurrency import finish, uncommitted_for_a_while
from tests.conftest import PASSWORD, _free_port, body_of

FIRST = {
    "email": "lupe@example.org",
    "name": "Lupe Ortiz",
    "employee_id": "E-1",
    "job_title": "Promotora",
    "employment_start": "2026-02-01",
    "employment_type": "employee",
    "role": "member",
}
SECOND = {
    **FIRST,
    "name": "Guadalupe Ortiz",
    "employee_id": "E-2",
    "job_title": "Outreach lead",
    "employment_start": "2026-03-15",
    "employment_type": "contractor",
}


def worded(moment: datetime, zone: ZoneInfo, locale: str) -> str:
    """How pages write a moment: the month in words and no seconds (``Mar 1, 2026, 10:30 PM``), never digits only."""
    local = moment.astimezone(zone)
    return f"{format_date(local, 'medium', locale=locale)}, {format_time(local, 'short', locale=locale)}"


def all_invitations() -> list[Invitation]:
    return list(db.session.execute(select(Invitation).order_by(Invitation.id)).scalars())


def open_invitations() -> list[Invitation]:
    return [invitation for invitation in all_invitations() if invitation.is_open]


def link_path(message) -> str:
    link = re.search(r"https?://\S+/orgs/invitations/\S+", body_of(message)).group(0)
    return link.split("lms.test", 1)[1]


def actions(name: str) -> list[AuditEvent]:
    return list(db.session.execute(select(AuditEvent).where(AuditEvent.action == name).order_by(AuditEvent.id)).scalars())


def page_text(client, u) -> str:
    return client.get(u("lms.orgs.show", org_slug="acme")).get_data(as_text=True)


# ---------------------------------------------------------------- current staff


def test_inviting_current_staff_is_refused_on_the_email_field(client, u, manager, make_user, add_member, mailbox):
    org = services.get_org("acme")
    staff = add_member(org, make_user("lupe@example.org", name="Lupe Ortiz"), employee_id="E-0")
    # Pasted from a spreadsheet: spaces around the address are trimmed, not refused as "not a valid email".
    response = client.submit(u("lms.orgs.invite", org_slug="acme"), {**FIRST, "email": "  Lupe@Example.org "})
    text = response.get_data(as_text=True)
    assert response.status_code == 200
    assert re.search(r'id="email-error">lupe@example.org is already on your staff\.<', text)
    assert u("lms.orgs.member", org_slug="acme", membership_id=staff.id) in text  # where to change their details
    assert all_invitations() == [] and mailbox == []
    db.session.refresh(staff)
    assert staff.employee_id == "E-0"


def test_a_former_member_can_be_invited_again(client, u, manager, make_user, add_member, mailbox):
    org = services.get_org("acme")
    former = add_member(org, make_user("lupe@example.org"))
    employment.remove_member(former, manager, date(2026, 1, 31))
    db.session.commit()
    response = client.submit(u("lms.orgs.invite", org_slug="acme"), FIRST)
    assert response.status_code == 302
    assert [i.email for i in open_invitations()] == ["lupe@example.org"]
    assert [m["To"] for m in mailbox] == ["lupe@example.org"]


def test_roster_updates_current_staff_and_never_invites_them(client, u, manager, make_user, add_member, mailbox):
    org = services.get_org("acme")
    staff = add_member(org, make_user("lupe@example.org"), employee_id="OLD")
    roster = "email,name,employee_id\nLUPE@example.org,Lupe Ortiz,E-9\nnew@example.org,New Person,E-10\n"
    response = client.submit(
        u("lms.orgs.roster_import", org_slug="acme"),
        {"file": (io.BytesIO(roster.encode()), "roster.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    db.session.refresh(staff)
    assert staff.employee_id == "E-9"
    assert [i.email for i in all_invitations()] == ["new@example.org"]
    assert [m["To"] for m in mailbox] == ["new@example.org"]


def test_roster_says_when_it_replaces_an_open_invitation(client, u, manager, mailbox):
    assert client.submit(u("lms.orgs.invite", org_slug="acme"), FIRST).status_code == 302
    old_link = link_path(mailbox[0])
    roster = "email,name,employee_id\nlupe@example.org,Lupe Ortiz,E-3\n"
    response = client.submit(
        u("lms.orgs.roster_import", org_slug="acme"),
        {"file": (io.BytesIO(roster.encode()), "roster.csv")},
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    replaced = "Lupe Ortiz (lupe@example.org) already had an open invitation with other details: a new one"
    assert replaced in response.get_data(as_text=True)
    assert [i.employee_id for i in open_invitations()] == ["E-3"]
    assert client.get(old_link).status_code == 404


# ---------------------------------------------------------------- an open invitation is replaced only on confirmation


def test_inviting_again_shows_the_open_invitation_and_changes_nothing(client, u, manager, mailbox):
    assert client.submit(u("lms.orgs.invite", org_slug="acme"), FIRST).status_code == 302
    (first,) = all_invitations()
    response = client.submit(u("lms.orgs.invite", org_slug="acme"), SECOND)
    text = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "An invitation to lupe@example.org is already open." in text
    notice = re.search(r'id="open-invitation">.*?</div>', text, re.S).group(0)
    la = ZoneInfo("America/Los_Angeles")  # the manager's time zone (the default) and English
    for detail in (
        "Lupe Ortiz",
        "E-1",
        "Promotora",
        "Feb 1, 2026",
        "Employee",
        "Staff member",
        worded(first.created_at, la, "en_US"),
        worded(first.expires_at, la, "en_US"),
    ):
        assert detail in notice, detail  # what the open one says, and when it was sent and expires
    assert 'name="replace_open"' in text and "Replace it and send a new link" in text
    assert f'name="open_invitation_id" type="hidden" value="{first.id}"' in text
    assert 'value="E-2"' in text  # the manager's new details are kept in the form
    db.session.refresh(first)
    assert all_invitations() == [first] and first.is_open
    assert (first.name, first.employee_id, first.job_title) == ("Lupe Ortiz", "E-1", "Promotora")
    assert len(mailbox) == 1


def test_confirming_replaces_the_open_invitation_and_sends_a_new_link(app, client, u, manager, mailbox):
    client.submit(u("lms.orgs.invite", org_slug="acme"), FIRST)
    (first,) = all_invitations()
    old_link = link_path(mailbox[0])
    response = client.submit(
        u("lms.orgs.invite", org_slug="acme"), {**SECOND, "replace_open": "y", "open_invitation_id": str(first.id)}
    )
    assert response.status_code == 302
    old, new = all_invitations()
    assert not old.is_open and new.is_open
    assert (new.name, new.employee_id, new.job_title, new.employment_start, new.employment_type) == (
        "Guadalupe Ortiz",
        "E-2",
        "Outreach lead",
        date(2026, 3, 15),
        EmploymentType.CONTRACTOR,
    )
    assert len(mailbox) == 2
    newcomer = app.test_client()
    assert newcomer.get(old_link).status_code == 404  # the replaced link no longer works
    assert "Acme Clinic" in newcomer.get(link_path(mailbox[1])).get_data(as_text=True)
    (replaced,) = actions("invitation.replaced")
    assert (replaced.object_id, replaced.actor_id, replaced.data["by"]) == (old.id, manager.id, new.id)
    created = actions("invitation.created")[-1]
    assert (created.object_id, created.data["replaces"]) == (new.id, [old.id])


def test_the_box_alone_does_not_replace_an_invitation_the_manager_has_not_seen(client, u, manager, mailbox):
    """Another manager sent a new one after this page was shown: the confirmation names the old one, so nothing
    changes and the page now shows the newer invitation."""
    org = services.get_org("acme")
    shown, _raw = invitations.invite(org, "lupe@example.org", "Lupe", services.Employment(employee_id="E-1"), manager, 14)
    newer, _raw = invitations.invite(
        org, "lupe@example.org", "Lupe", services.Employment(employee_id="E-5"), manager, 14, replaces=shown.id
    )
    db.session.commit()
    for confirmed in (str(shown.id), "", "not-a-number", "9" * 5000):
        response = client.submit(
            u("lms.orgs.invite", org_slug="acme"), {**SECOND, "replace_open": "y", "open_invitation_id": confirmed}
        )
        text = response.get_data(as_text=True)
        assert response.status_code == 200 and "is already open" in text
        assert f'name="open_invitation_id" type="hidden" value="{newer.id}"' in text and "E-5" in text
    assert open_invitations() == [newer] and mailbox == []




@pytest.fixture
def second_manager(manager, make_user, add_member, login) -> User:
    """Another manager of Acme, signed in on ``client``."""
    second = make_user("second@example.org", name="Second Manager")
    add_member(services.get_org("acme"), second, role=MemberRole.MANAGER)
    login(second)
    return second


def test_two_managers_inviting_one_address_at_once_make_one_invitation(app, client, u, manager, second_manager, mailbox):
    """The second manager submits while the first one's invitation is written but not yet committed: the second waits
    for the organisation's lock, then is shown that invitation and asked to confirm, as if it had come earlier.
    (Both databases: PostgreSQL waits on the row lock, SQLite on its write lock.)"""
    org_id, first_id = services.get_org("acme").id, manager.id

    def first_manager_invites() -> None:
        first, org = db.session.get(User, first_id), db.session.get(Organisation, org_id)
        invitations.invite(org, "lupe@example.org", "Lupe", services.Employment(), first, 14)

    thread, errors = uncommitted_for_a_while(app, first_manager_invites)
    response = client.submit(u("lms.orgs.invite", org_slug="acme"), SECOND)
    finish(thread, errors)
    text = response.get_data(as_text=True)
    assert response.status_code == 200 and "An invitation to lupe@example.org is already open." in text
    (only,) = open_invitations()
    assert only.name == "Lupe" and f'name="open_invitation_id" type="hidden" value="{only.id}"' in text
    assert len(all_invitations()) == 1 and mailbox == []


def test_confirming_a_replacement_while_it_is_being_sent_again_keeps_one_open(app, client, u, manager, second_manager, mailbox):
    """The second manager confirms replacing the invitation they saw while the first is sending it again: the
    confirmation names an invitation that is no longer the open one, so the page shows the new one instead.
    (Sending again takes the organisation's lock too; on SQLite the write lock alone already orders them.)"""
    org = services.get_org("acme")
    shown, _raw = invitations.invite(org, "lupe@example.org", "Lupe", services.Employment(), manager, 14)
    db.session.commit()
    org_id, first_id, shown_id = org.id, manager.id, shown.id

    def first_manager_resends() -> None:
        first, org = db.session.get(User, first_id), db.session.get(Organisation, org_id)
        invitations.resend_invitation(org, shown_id, first, 14)

    thread, errors = uncommitted_for_a_while(app, first_manager_resends)
    response = client.submit(
        u("lms.orgs.invite", org_slug="acme"), {**SECOND, "replace_open": "y", "open_invitation_id": str(shown_id)}
    )
    finish(thread, errors)
    text = response.get_data(as_text=True)
    (resent,) = open_invitations()
    assert resent.id != shown_id and resent.name == "Lupe"
    assert response.status_code == 200 and f'name="open_invitation_id" type="hidden" value="{resent.id}"' in text
    assert len(all_invitations()) == 2 and mailbox == []


# ---------------------------------------------------------------- send again


def test_the_org_page_lists_open_invitations_with_sent_date_expiry_and_actions(client, u, make_org, make_user, login):
    manager = make_user(locale="es", timezone="America/New_York")
    org = make_org("acme", manager=manager)
    sent_at = datetime(2026, 3, 2, 3, 30, tzinfo=UTC)  # 1 March, 22:30 in New York
    invitation, _raw = invitations.invite(org, "lupe@example.org", "Lupe Ortiz", services.Employment(), manager, 14)
    stale, _raw = invitations.invite(org, "old@example.org", None, services.Employment(), manager, 14)
    invitation.created_at, invitation.expires_at = sent_at, datetime(2099, 1, 1, tzinfo=UTC)
    stale.created_at, stale.expires_at = sent_at, utcnow() - timedelta(days=1)
    db.session.commit()
    login(manager)
    text = page_text(client, u)
    new_york = ZoneInfo("America/New_York")
    sent = worded(sent_at, new_york, "es_US")
    assert sent.startswith("1 mar 2026")  # the manager's Spanish, and 1 March (New York's date)
    row = re.search(rf'<tr id="invitation-{invitation.id}">.*?</tr>', text, re.S).group(0)
    assert "lupe@example.org" in row and "Lupe Ortiz" in row and sent in row
    assert worded(invitation.expires_at, new_york, "es_US") in row
    assert u("lms.orgs.resend_invitation", org_slug="acme", invitation_id=invitation.id) in row
    assert u("lms.orgs.revoke_invitation", org_slug="acme", invitation_id=invitation.id) in row
    stale_row = re.search(rf'<tr id="invitation-{stale.id}">.*?</tr>', text, re.S).group(0)
    assert "old@example.org" in stale_row  # expired but still open: listed, marked, and can be sent again
    assert worded(stale.expires_at, new_york, "es_US") in stale_row
    assert u("lms.orgs.resend_invitation", org_slug="acme", invitation_id=stale.id) in stale_row
    assert "<strong>" in stale_row and "<strong>" not in row


def test_send_again_issues_a_fresh_link_and_a_full_validity(app, client, u, manager, mailbox):
    client.submit(u("lms.orgs.invite", org_slug="acme"), FIRST)
    (first,) = all_invitations()
    old_link = link_path(mailbox[0])
    first.expires_at = utcnow() - timedelta(days=2)  # expired: the manager sends it again
    db.session.commit()
    assert app.test_client().get(old_link).status_code == 400
    response = client.submit(u("lms.orgs.resend_invitation", org_slug="acme", invitation_id=first.id), follow_redirects=True)
    assert "We sent a new link to lupe@example.org. The earlier link no longer works." in response.get_data(as_text=True)
    old, new = all_invitations()
    assert not old.is_open and new.is_open
    assert (new.email, new.name, new.employee_id, new.job_title, new.role) == (
        "lupe@example.org",
        "Lupe Ortiz",
        "E-1",
        "Promotora",
        MemberRole.MEMBER,
    )
    assert timedelta(days=14) - timedelta(minutes=5) < new.expires_at - utcnow() <= timedelta(days=14)
    assert [m["To"] for m in mailbox] == ["lupe@example.org"] * 2
    new_link = link_path(mailbox[1])
    assert new_link != old_link
    newcomer = app.test_client()
    assert newcomer.get(old_link).status_code == 404
    assert newcomer.get(new_link).status_code == 200
    (resent,) = actions("invitation.resent")
    assert (resent.object_id, resent.actor_id, resent.data["replaces"]) == (new.id, manager.id, [old.id])
    assert actions("invitation.replaced")[0].object_id == old.id


def test_send_again_after_the_email_failed(app, client, u, manager, mailbox):
    port = app.config["LMS_MAIL_PORT"]
    app.config["LMS_MAIL_PORT"] = _free_port()  # nothing listens there
    failed = client.submit(u("lms.orgs.invite", org_slug="acme"), FIRST, follow_redirects=True)
    message = "We could not email: lupe@example.org. Their invitations are saved; send them again later."
    assert message in failed.get_data(as_text=True)
    (first,) = open_invitations()
    again = client.submit(u("lms.orgs.resend_invitation", org_slug="acme", invitation_id=first.id), follow_redirects=True)
    assert message in again.get_data(as_text=True) and mailbox == []  # still failing: the same message
    app.config["LMS_MAIL_PORT"] = port
    (current,) = open_invitations()
    done = client.submit(u("lms.orgs.resend_invitation", org_slug="acme", invitation_id=current.id), follow_redirects=True)
    assert "We sent a new link to lupe@example.org." in done.get_data(as_text=True)
    assert [m["To"] for m in mailbox] == ["lupe@example.org"]
    assert len(all_invitations()) == 3 and len(open_invitations()) == 1


def test_send_again_needs_an_open_invitation_of_someone_not_yet_staff(client, u, manager, make_user, add_member, mailbox):
    org = services.get_org("acme")
    withdrawn, _raw = invitations.invite(org, "gone@example.org", None, services.Employment(), manager, 14)
    joined, _raw = invitations.invite(org, "lupe@example.org", None, services.Employment(), manager, 14)
    invitations.revoke_invitation(org, withdrawn.id, manager)
    db.session.commit()
    add_member(org, make_user("lupe@example.org"))  # joined another way meanwhile
    for invitation, message in (
        (withdrawn, "This invitation is no longer open"),
        (joined, "lupe@example.org is already on your staff."),
    ):
        response = client.submit(u("lms.orgs.resend_invitation", org_slug="acme", invitation_id=invitation.id), follow_redirects=True)
        assert response.status_code == 200 and message in response.get_data(as_text=True)
    assert len(all_invitations()) == 2 and mailbox == [] and actions("invitation.resent") == []


def test_send_again_is_a_post_with_csrf_for_this_organisation_only(client, u, manager, make_org, make_user, mailbox):
    invitation, _raw = invitations.invite(services.get_org("acme"), "lupe@example.org", None, services.Employment(), manager, 14)
    db.session.commit()
    make_org("other", manager=manager)
    url = u("lms.orgs.resend_invitation", org_slug="acme", invitation_id=invitation.id)
    assert client.get(url).status_code == 405
    assert client.post(url).status_code == 400  # no CSRF token
    elsewhere = u("lms.orgs.resend_invitation", org_slug="other", invitation_id=invitation.id)
    assert client.submit(elsewhere).status_code == 404
    assert all_invitations() == [invitation] and invitation.is_open and mailbox == []
    assert db.session.execute(select(func.count(AuditEvent.id)).where(AuditEvent.action.like("invitation.re%"))).scalar_one() == 0


# ---------------------------------------------------------------- accepting, withdrawing and importing take the lock too
# (an invitee accepting while a manager withdraws; a roster import while another manager invites the same person)

def _invite(client, u, mailbox) -> str:
    """Acme invites lupe@example.org; the link path."""
    response = client.submit(u("lms.orgs.invite", org_slug="acme"), FIRST)
    assert response.status_code == 302
    return link_path(mailbox[-1])


def _withdraw_meanwhile(app, manager_id: int):
    """The manager withdraws the open invitation in another session, committing half a second later."""
    org_id = services.get_org("acme").id
    (invitation,) = open_invitations()
    invitation_id = invitation.id

    def withdraw() -> None:
        invitations.revoke_invitation(db.session.get(Organisation, org_id), invitation_id, db.session.get(User, manager_id))

    return uncommitted_for_a_while(app, withdraw)


def _members_named(email: str) -> int:
    return db.session.scalar(select(func.count()).select_from(Membership).join(User).where(User.email == email))


def test_accepting_while_the_manager_withdraws_the_invitation_joins_nobody(app, client, u, manager, make_user, mailbox):
    path = _invite(client, u, mailbox)
    make_user("lupe@example.org", name="Lupe Ortiz")
    invitee = app.test_client()
    invitee.submit(u("lms.accounts.login"), {"email": "lupe@example.org", "password": PASSWORD})
    assert invitee.get(path).status_code == 200  # the page is open while the manager withdraws

    thread, errors = _withdraw_meanwhile(app, manager.id)
    response = invitee.submit(path, {"csrf_token": invitee.csrf_token(path), "agree": "y"}, follow_redirects=True)
    finish(thread, errors)

    assert "This invitation is no longer valid. Ask your manager to send a new one." in response.get_data(as_text=True)
    db.session.expire_all()
    assert _members_named("lupe@example.org") == 0
    (withdrawn,) = all_invitations()
    assert withdrawn.revoked_at is not None and withdrawn.accepted_at is None


def test_signing_up_from_a_link_withdrawn_meanwhile_leaves_no_account(app, client, u, manager, mailbox):
    path = _invite(client, u, mailbox)
    newcomer = app.test_client()
    assert newcomer.get(path).status_code == 200  # the sign-up form of the invitation

    thread, errors = _withdraw_meanwhile(app, manager.id)
    response = newcomer.submit(path, {"csrf_token": newcomer.csrf_token(path), "name": "Lupe Ortiz",
                                      "password": PASSWORD, "confirm": PASSWORD, "agree": "y"})
    finish(thread, errors)

    assert response.status_code == 400
    assert "This invitation is no longer valid." in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.scalar(select(User).where(User.email == "lupe@example.org")) is None
    home = newcomer.get(u("lms.main.home"))
    assert "Lupe Ortiz" not in home.get_data(as_text=True)  # not signed in as an account that was never made


def test_a_roster_import_while_another_manager_invites_the_same_person_replaces_that_invitation(
    app, client, u, manager, second_manager, mailbox
):
    """The roster waits for the other manager's invitation, then sees it as open and replaces it (as it does for
    one sent earlier) instead of failing the whole import with "already open"."""
    org_id, first_id = services.get_org("acme").id, manager.id

    def first_manager_invites() -> None:
        org, first = db.session.get(Organisation, org_id), db.session.get(User, first_id)
        invitations.invite(org, "lupe@example.org", "Lupe", services.Employment(), first, 14)

    thread, errors = uncommitted_for_a_while(app, first_manager_invites)
    roster = "email,name,employee_id\nlupe@example.org,Lupe Ortiz,E-3\n"
    response = client.submit(
        u("lms.orgs.roster_import", org_slug="acme"),
        {"file": (io.BytesIO(roster.encode()), "roster.csv")},
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    finish(thread, errors)

    replaced = "Lupe Ortiz (lupe@example.org) already had an open invitation with other details: a new one"
    assert replaced in response.get_data(as_text=True)
    db.session.expire_all()
    assert [i.employee_id for i in open_invitations()] == ["E-3"]
    assert len(all_invitations()) == 2
