"""Helpers for the staff-invitation tests: a manager inviting someone to the staff through the invitation form, and
the accept page's link in the email it sends."""

from __future__ import annotations

import re
from email.message import EmailMessage

from tests.conftest import body_of


def invite_to_staff(client, u, make_user, make_org, login, mailbox, email: str = "lupe@example.org") -> EmailMessage:
    """Bea Boss, manager of Acme Clinic (``acme``), signs in and invites ``email`` to the staff as an employee through
    the form; returns the one email sent (to the invitee)."""
    boss = make_user(name="Bea Boss")
    make_org("acme", manager=boss, name="Acme Clinic")
    login(boss)
    client.submit(u("lms.orgs.invite", org_slug="acme"), {"email": email, "employment_type": "employee",
                                                          "role": "member"})
    [message] = mailbox
    return message


def invitation_link(message: EmailMessage) -> str:
    """The path of the accept page the invitation email links to."""
    return re.search(r"https?://\S+/orgs/invitations/\S+", body_of(message)).group(0).split("lms.test", 1)[1]


def sign_in_acme_manager(make_user, make_org, login):
    """Bea Boss (boss@example.org), manager of ``acme``, signed in: who sends invitations in the limit tests."""
    boss = make_user("boss@example.org", name="Bea Boss")
    make_org("acme", manager=boss)
    login(boss)
    return boss
