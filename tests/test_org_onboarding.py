"""A site administrator onboarding a clinic: the first day of weekly pay periods asked for on the first submit (never a
stored default nobody chose), an invitation to manage worded as one (email, accept page, open invitations, audit
log), the consent of people who accept with the account they have, and disabling someone who is on a staff."""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import select

from lms import db
from lms.accounts import admin_actions
from lms.accounts import services as accounts
from lms.accounts.models import SiteRole
from lms.audit import AuditEvent
from lms.orgs import invitations, joining
from lms.orgs import services as orgs
from lms.orgs.models import Invitation, PayPeriod
from tests.certificates_support import issued_world
from tests.conftest import PASSWORD, body_of, html_text
from tests.invitation_support import invitation_link, invite_to_staff

SETTINGS = {
    "name": "Clínica La Luz", "kind": "employer", "timezone": "America/Los_Angeles", "pay_period": "biweekly",
    "pay_period_anchor": "2026-01-05", "pay_rate": "20.00", "ce_year_basis": "calendar", "ce_minimum_hours": "6",
}
ANCHOR_MISSING = "Enter the first day of any pay period: weekly and two-week pay periods are counted from it."



def _anchor_value(html: str) -> str | None:
    tag = re.search(r'<input[^>]*name="pay_period_anchor"[^>]*>', html).group(0)
    found = re.search(r'value="([^"]*)"', tag)
    return found.group(1) if found else None


def _actions(name: str) -> list[AuditEvent]:
    return list(db.session.execute(select(AuditEvent).where(AuditEvent.action == name).order_by(AuditEvent.id)).scalars())


@pytest.fixture
def admin(make_user, login):
    user = make_user("root@example.org", name="Ada Admin", role=SiteRole.ADMIN)
    login(user)
    return user


# ---------------------------------------------------------------- the first day of a pay period


@pytest.mark.parametrize("period", [PayPeriod.MONTHLY, PayPeriod.SEMIMONTHLY])
def test_a_calendar_organisation_switching_to_weekly_must_give_the_first_day(client, u, make_user, make_org, login, period):
    boss = make_user()
    org = make_org("acme", manager=boss, pay_period=period)  # the default anchor is stored: nobody chose it
    login(boss)
    assert _anchor_value(client.get(u("lms.orgs.settings", org_slug="acme")).text) in (None, "")
    response = client.submit(u("lms.orgs.settings", org_slug="acme"), {
        **SETTINGS, "slug": "acme", "pay_period": "weekly", "pay_period_anchor": "", "pay_rate": "-1"})
    page = html_text(response.text)
    assert response.status_code == 200 and ANCHOR_MISSING in page and 'id="pay_rate-error"' in response.text
    db.session.refresh(org)
    assert org.pay_period is period
    response = client.submit(u("lms.orgs.settings", org_slug="acme"), {
        **SETTINGS, "slug": "acme", "pay_period": "weekly", "pay_period_anchor": "2026-03-02"})
    assert response.status_code == 302
    db.session.refresh(org)
    assert (org.pay_period, org.pay_period_anchor) == (PayPeriod.WEEKLY, date(2026, 3, 2))


def test_an_anchored_organisation_shows_the_first_day_it_chose(client, u, make_user, make_org, login):
    boss = make_user()
    make_org("acme", manager=boss, pay_period=PayPeriod.WEEKLY, pay_period_anchor=date(2026, 2, 2))
    login(boss)
    assert _anchor_value(client.get(u("lms.orgs.settings", org_slug="acme")).text) == "2026-02-02"
    response = client.submit(u("lms.orgs.settings", org_slug="acme"), {
        **SETTINGS, "slug": "acme", "pay_period": "biweekly", "pay_period_anchor": ""})
    assert response.status_code == 200 and ANCHOR_MISSING in html_text(response.text)


def test_registering_reports_the_missing_first_day_with_the_other_problems(client, u, admin, mailbox):
    response = client.submit(u("lms.orgs.create"), {
        **SETTINGS, "slug": "Not A Slug", "pay_period": "weekly", "pay_period_anchor": "",
        "first_manager_email": "not-an-address"})
    page = html_text(response.text)
    assert response.status_code == 200 and ANCHOR_MISSING in page
    assert "Use lowercase letters, numbers and hyphens." in page
    assert 'id="first_manager_email-error"' in response.text and 'id="pay_period_anchor-error"' in response.text
    # once beside its box and once as the error summary's link to it (not also as a problem of the whole form)
    assert page.count(ANCHOR_MISSING) == 2 and mailbox == [] and orgs.list_orgs() == []


def test_a_monthly_organisation_registers_without_a_first_day(client, u, admin):
    response = client.submit(u("lms.orgs.create"), {**SETTINGS, "slug": "luz", "pay_period": "monthly",
                                                    "pay_period_anchor": ""})
    assert response.status_code == 302 and orgs.get_org("luz").pay_period is PayPeriod.MONTHLY


# ---------------------------------------------------------------- an invitation to manage


@pytest.fixture
def registered(client, u, admin, mailbox):
    """Clínica La Luz, registered by Ada for Rosa, who is invited to manage it."""
    response = client.submit(u("lms.orgs.create"), {**SETTINGS, "slug": "luz", "first_manager_email": "rosa@example.org",
                                                    "first_manager_name": "Rosa Díaz"})
    assert response.status_code == 302
    return mailbox[0]


def test_the_email_to_a_first_manager_says_what_managing_means(registered):
    subject, body = registered["Subject"], " ".join(body_of(registered).split())
    assert "You are invited to manage an organisation on CHW Learn" in subject and "Luz" not in subject
    assert ("Ada Admin invited you to manage the organisation \"Clínica La Luz\" on CHW Learn: approve your staff's "
            "training hours and export them for payroll") in body
    assert "take your community health worker training" not in body


def test_the_email_to_staff_still_speaks_of_training(client, u, make_org, make_user, login, mailbox):
    message = invite_to_staff(client, u, make_user, make_org, login, mailbox)
    body = " ".join(body_of(message).split())
    assert "You are invited to join an organisation on CHW Learn" in message["Subject"]
    assert "Acme" not in message["Subject"] and 'join the organisation "Acme Clinic"' in body
    assert "where you can take your community health worker training" in body and "to manage" not in body


def test_the_accept_page_and_the_organisation_page_say_it_is_to_manage(app, client, u, registered):
    page = html_text(app.test_client().get(invitation_link(registered)).text)
    assert "Manage Clínica La Luz" in page and "Join Clínica La Luz" not in page
    assert "rosa@example.org is invited to manage Clínica La Luz on CHW Learn: approve your staff's training hours" in page
    shown = client.get(u("lms.orgs.show", org_slug="luz")).text
    table = html_text(shown[shown.index('id="open-invitations"'):shown.index("</table>", shown.index('id="open-invitations"'))])
    assert " Role " in table and "Rosa Díaz rosa@example.org Manager " in table


def test_the_audit_log_records_the_role_invited_to(client, u, registered, admin):
    (created,) = _actions("invitation.created")
    assert created.data["role"] == "manager"
    log = html_text(client.get(u("lms.admin.audit_log", action="invitation.created")).text)
    assert "Role in the organisation: Manager" in log


def test_a_new_manager_who_accepts_lands_on_the_organisation(app, u, registered, make_user):
    rosa = make_user("rosa@example.org", name="Rosa Díaz")
    browser = app.test_client()
    browser.submit(u("lms.accounts.login"), {"email": rosa.email, "password": PASSWORD})
    path = invitation_link(registered)
    done = browser.submit(path, {"csrf_token": browser.csrf_token(path), "agree": "y"})
    assert done.status_code == 302 and done.headers["Location"].endswith(u("lms.orgs.show", org_slug="luz"))
    assert "You now manage Clínica La Luz." in html_text(browser.get(done.headers["Location"]).text)
    assert orgs.managed_org_slugs(rosa) == {"luz"}


# ---------------------------------------------------------------- consent of people who have an account


@pytest.fixture
def world(make_user, make_org, add_member):
    """Rosa works for Acme and holds a certificate; Beta (managed by Bo) invites her."""
    found = issued_world(make_user, make_org, add_member)
    bo = make_user("bo@example.org", name="Bo Beta")
    beta = make_org("beta", manager=bo, name="Beta Health")
    _invitation, raw = invitations.invite(beta, "rosa@example.org", None, orgs.Employment(), bo, 14)
    db.session.commit()
    return {**found, "beta": beta, "bo": bo, "raw": raw}


def test_an_account_holder_must_agree_before_joining(app, u, world, client_as):
    rosa, beta = world["trainee"], world["beta"]
    browser = client_as(rosa)
    path = u("lms.orgs.accept", token=world["raw"])
    page = html_text(browser.get(path).text)
    assert "I agree that my training records are kept and shared with my employer." in page
    refused = browser.submit(path, {"csrf_token": browser.csrf_token(path)})
    assert refused.status_code == 400 and ("To join, tick the box to agree that your training records are kept and "
                                           "shared with your employer.") in html_text(refused.text)
    assert orgs.get_membership(beta, rosa) is None and _actions("invitation.accepted") == []
    staff_certs = client_as(world["bo"]).get(u("lms.certificates.staff", org_slug="beta")).text
    assert world["cert"].number not in staff_certs

    done = browser.submit(path, {"csrf_token": browser.csrf_token(path), "agree": "y"})
    assert done.status_code == 302 and orgs.get_membership(beta, rosa).is_current
    (accepted,) = _actions("invitation.accepted")
    assert (accepted.actor_id, accepted.org_id, accepted.data) == (rosa.id, beta.id, {"role": "member", "agreed": True})
    assert world["cert"].number in client_as(world["bo"]).get(u("lms.certificates.staff", org_slug="beta")).text


def test_the_consent_reads_in_spanish_as_it_does_for_new_accounts(app, u, make_user, make_org, client_as):
    boss = make_user("boss@example.org")
    org = make_org("acme", manager=boss)
    maria = make_user("mara@example.org", name="Mara", locale="es")
    _invitation, raw = invitations.invite(org, maria.email, None, orgs.Employment(), boss, 14)
    db.session.commit()
    browser = client_as(maria)
    path = u("lms.orgs.accept", token=raw)
    assert "Acepto que mis registros de capacitación se guarden y se compartan con mi empleador." in html_text(
        browser.get(path).text)


def test_the_service_refuses_without_consent_on_either_path(app, world):
    invitation = db.session.execute(select(Invitation).where(Invitation.org_id == world["beta"].id)).scalar_one()
    with pytest.raises(joining.ConsentMissingError):
        joining.accept_invitation(invitation, world["trainee"], agreed=False)
    db.session.rollback()
    assert orgs.get_membership(world["beta"], world["trainee"]) is None


def test_a_new_account_records_the_same_consent(app, u, make_user, make_org, login, client, mailbox):
    message = invite_to_staff(client, u, make_user, make_org, login, mailbox, "new@example.org")
    newcomer, path = app.test_client(), invitation_link(message)
    form = {"name": "Nueva Persona", "password": PASSWORD, "confirm": PASSWORD}
    refused = newcomer.submit(path, {**form, "csrf_token": newcomer.csrf_token(path)})
    assert "To join, tick the box to agree" in html_text(refused.text) and accounts.get_user_by_email("new@example.org") is None
    done = newcomer.submit(path, {**form, "csrf_token": newcomer.csrf_token(path), "agree": "y"})
    assert done.status_code == 302
    (accepted,) = _actions("invitation.accepted")
    assert accepted.data == {"role": "member", "agreed": True}
    assert accepted.actor_id == accounts.get_user_by_email("new@example.org").id


# ---------------------------------------------------------------- disabling someone on a staff


def test_disabling_names_the_organisations_and_says_employment_goes_on(client, u, admin, make_user, make_org, add_member):
    lupe = make_user("lupe@example.org", name="Lupe Ortiz")
    acme = make_org("acme", name="Acme Clinic")
    beta = make_org("beta", name="Beta Health")
    at_acme = add_member(acme, lupe)
    at_beta = add_member(beta, lupe)
    gone = add_member(make_org("gone", name="Gone Clinic"), lupe)
    gone.employment_end = date(2026, 1, 2)
    db.session.commit()
    html = client.get(u("lms.admin.confirm_disable", user_id=lupe.id)).text
    section = html[html.index('id="staff-of"'):html.index("</div>", html.index('id="staff-of"'))]
    text = html_text(section)
    assert "Lupe Ortiz is on the staff of these organisations:" in text
    assert "Acme Clinic (Staff member)" in text and "Beta Health" in text and "Gone Clinic" not in text
    assert "Disabling does not end their employment; their manager records their last day" in text
    for org, membership in ((acme, at_acme), (beta, at_beta)):
        link = u("lms.orgs.member", org_slug=org.slug, membership_id=membership.id)
        assert f'href="{link}"' in section
        assert client.get(link).status_code == 200  # an administrator can open what is linked


def test_nobody_on_a_staff_gets_no_such_list(client, u, admin, make_user):
    loner = make_user("solo@example.org", name="Solo")
    assert 'id="staff-of"' not in client.get(u("lms.admin.confirm_disable", user_id=loner.id)).text


def test_a_staff_page_says_the_account_is_disabled(client, u, make_user, make_org, add_member, login):
    boss = make_user("boss@example.org")
    org = make_org("acme", manager=boss)
    lupe = make_user("lupe@example.org", name="Lupe Ortiz")
    membership = add_member(org, lupe)
    login(boss)
    path = u("lms.orgs.member", org_slug="acme", membership_id=membership.id)
    assert 'id="account-disabled"' not in client.get(path).text
    admin_actions.set_active(lupe, False, None)
    db.session.commit()
    page = html_text(client.get(path).text)
    assert "Account disabled They cannot sign in" in page
    assert "A disabled account does not end their employment here: if they have left, record their last day below." in page
