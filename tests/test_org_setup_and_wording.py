"""Setting organisations up: a site administrator registering one for a clinic names its first manager (invited)
instead of joining its staff; the administrators' list of organisations; and the wording of the organisation pages
(the organisation's name, not its short name; invitations sent and withdrawn naming the person; the first day of a pay
period asked only where it counts)."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime
from html import unescape

import pytest
from sqlalchemy import select

from lms import db
from lms.accounts.models import SiteRole
from lms.audit import AuditEvent
from lms.errors import DomainError
from lms.orgs import employment, invitations, joining
from lms.orgs import services as orgs
from lms.orgs.models import Invitation, MemberRole, Membership, PayPeriod
from tests.conftest import body_of, html_text

SETTINGS = {
    "name": "Clínica La Luz", "kind": "employer", "timezone": "America/Los_Angeles", "pay_period": "biweekly",
    "pay_period_anchor": "2026-01-05", "pay_rate": "20.00", "ce_year_basis": "calendar", "ce_minimum_hours": "6",
}



@pytest.fixture
def admin(make_user, login):
    user = make_user("root@example.org", name="Ada Admin", role=SiteRole.ADMIN)
    login(user)
    return user


# ---------------------------------------------------------------- an administrator registers an organisation


def test_the_form_tells_an_administrator_what_happens_and_offers_a_first_manager(client, u, admin):
    page = html_text(client.get(u("lms.orgs.create")).text)
    assert "you become the organisation's manager and are listed on its staff" in page
    assert "First manager's email" in page and "you are not added to its staff" in page


def test_an_administrator_names_the_first_manager_who_is_invited_and_does_not_join(client, u, admin, mailbox,
                                                                                    make_user, client_as):
    response = client.submit(u("lms.orgs.create"), {**SETTINGS, "slug": "clinica-la-luz",
                                                    "first_manager_email": " Rosa@Example.org ",
                                                    "first_manager_name": "Rosa Díaz"})
    assert response.status_code == 302
    org = orgs.get_org("clinica-la-luz")
    assert orgs.get_membership(org, admin) is None and orgs.list_members(org) == []
    invitation = db.session.execute(select(Invitation)).scalar_one()
    assert (invitation.email, invitation.name, invitation.role) == ("rosa@example.org", "Rosa Díaz", MemberRole.MANAGER)
    assert [m["To"] for m in mailbox] == ["rosa@example.org"] and "Clínica La Luz" in body_of(mailbox[0])
    shown = html_text(client.get(response.headers["Location"]).text)
    assert "We emailed rosa@example.org an invitation to manage it; you are not on its staff." in shown
    created = db.session.execute(select(AuditEvent).where(AuditEvent.action == "org.created")).scalar_one()
    assert created.actor_id == admin.id

    rosa = make_user("rosa@example.org", name="Rosa Díaz")
    joining.accept_invitation(invitation, rosa, agreed=True)
    db.session.commit()
    assert orgs.managed_org_slugs(rosa) == {"clinica-la-luz"}
    assert client_as(rosa).get(u("lms.orgs.show", org_slug="clinica-la-luz")).status_code == 200


def test_an_administrator_who_names_nobody_manages_it_as_before(client, u, admin, mailbox):
    response = client.submit(u("lms.orgs.create"), {**SETTINGS, "slug": "mine"})
    assert response.status_code == 302 and mailbox == []
    assert orgs.get_membership(orgs.get_org("mine"), admin).is_manager


def test_a_bad_first_manager_address_creates_nothing(client, u, admin):
    response = client.submit(u("lms.orgs.create"), {**SETTINGS, "slug": "clinic", "first_manager_email": "not-an-address"})
    assert response.status_code == 200 and orgs.find_org("clinic") is None


def test_only_administrators_register_an_organisation_for_someone_else(client, u, make_user, login, mailbox):
    person = make_user("someone@example.org")
    login(person)
    assert "First manager's email" not in client.get(u("lms.orgs.create")).text
    client.submit(u("lms.orgs.create"), {**SETTINGS, "slug": "theirs", "first_manager_email": "rosa@example.org"})
    org = orgs.get_org("theirs")
    assert orgs.get_membership(org, person).is_manager and mailbox == []  # the field is not read: they manage it
    assert db.session.execute(select(Invitation)).first() is None
    with pytest.raises(DomainError):
        settings = orgs.OrgSettings(name="Other", pay_period_anchor=date(2026, 1, 5))
        invitations.register_for_manager("other", settings, person, "x@example.org", None, 14)


def test_the_administrators_list_shows_managers_staff_and_registration_in_two_queries(
        client, u, admin, make_user, make_org, add_member, count_queries):
    boss = make_user("boss@example.org", name="Bea Boss")
    acme = make_org("acme", manager=boss, name="Acme Clinic")
    add_member(acme, make_user(name="Lupe Ortiz"))
    gone = add_member(acme, make_user(name="Gone Person"))
    employment.remove_member(gone, boss, acme.today())
    acme.created_at = datetime(2026, 3, 3, 7, 0, tzinfo=UTC)  # 2 March in California, the admin's zone
    db.session.commit()
    client.get(u("lms.orgs.index"))
    with count_queries() as few:
        page = client.get(u("lms.orgs.index")).text
    row = html_text(page[page.index('id="org-overview"'):].split("Acme Clinic", 1)[1].split("</tr>")[0])
    assert "Bea Boss" in row and " 2 " in row and "Mar 2, 2026" in row  # Bea and Lupe; not the one who left

    client.submit(u("lms.orgs.create"), {**SETTINGS, "slug": "luz", "first_manager_email": "rosa@example.org"})
    for n in range(3):
        make_org(f"org-{n}", manager=make_user(name=f"Boss {n}"))
    with count_queries() as more:
        page = client.get(u("lms.orgs.index")).text
    assert more.count == few.count
    luz = html_text(page[page.index('id="org-overview"'):].split("Clínica La Luz", 1)[1].split("</tr>")[0])
    assert "Invited to manage: rosa@example.org" in luz and "No manager" not in luz and " 0 " in luz


# ---------------------------------------------------------------- wording


def test_the_course_page_names_the_organisation_not_its_short_name(client, u, make_user, make_org, login):
    from tests.test_learning import build_course

    trainer = make_user("tess@example.org", role=SiteRole.TRAINER)
    build_course(trainer)
    boss = make_user("boss@example.org")
    make_org("clinica-la-luz", manager=boss, name="Clínica La Luz")
    login(boss)
    page = unescape(client.get(u("lms.courses.course", course_slug="core")).text)
    assert "Enrol staff of Clínica La Luz" in page and "Enrol staff of clinica-la-luz" not in page


@pytest.fixture
def manager(make_user, make_org, login):
    boss = make_user("boss@example.org", name="Bea Boss")
    make_org("acme", manager=boss, name="Acme Clinic")
    login(boss)
    return boss


def test_one_invitation_sent_names_the_person(client, u, manager, mailbox):
    response = client.submit(u("lms.orgs.invite", org_slug="acme"), {
        "email": "lupe@example.org", "name": "Lupe Ortiz", "employment_type": "employee", "role": "member"})
    shown = html_text(client.get(response.headers["Location"]).text)
    assert "Invitation sent to Lupe Ortiz (lupe@example.org)." in shown and "Invitations sent" not in shown


def test_a_roster_of_several_says_how_many_invitations_were_sent(client, u, manager, mailbox):
    roster = "email,name\nlupe@example.org,Lupe Ortiz\nrosa@example.org,Rosa Díaz\n"
    response = client.submit(u("lms.orgs.roster_import", org_slug="acme"),
                             {"file": (io.BytesIO(roster.encode()), "roster.csv")},
                             content_type="multipart/form-data")
    assert "2 invitations sent." in html_text(client.get(response.headers["Location"]).text)


def test_withdrawing_names_the_person_and_how_to_undo_it(client, u, manager, mailbox):
    org = orgs.get_org("acme")
    invitation, _raw = invitations.invite(org, "lupe@example.org", "Lupe Ortiz", orgs.Employment(), manager, 14)
    db.session.commit()
    path = u("lms.orgs.revoke_invitation", org_slug="acme", invitation_id=invitation.id)
    shown = html_text(client.get(client.submit(path).headers["Location"]).text)
    assert "The invitation to Lupe Ortiz (lupe@example.org) is withdrawn" in shown and "invite them again" in shown
    again = html_text(client.get(client.submit(path).headers["Location"]).text)
    assert "was already accepted or withdrawn: nothing changed" in again


@pytest.mark.parametrize("period", ["monthly", "semimonthly"])
def test_calendar_pay_periods_need_no_first_day(client, u, make_user, login, period):
    login(make_user())
    response = client.submit(u("lms.orgs.create"), {**SETTINGS, "slug": "cal", "pay_period": period,
                                                    "pay_period_anchor": ""})
    assert response.status_code == 302
    assert orgs.get_org("cal").pay_period is PayPeriod(period)


def test_weekly_pay_periods_need_a_first_day_and_say_why(client, u, make_user, login):
    login(make_user())
    response = client.submit(u("lms.orgs.create"), {**SETTINGS, "slug": "wk", "pay_period": "weekly",
                                                    "pay_period_anchor": ""})
    page = html_text(response.text)
    assert response.status_code == 200 and orgs.find_org("wk") is None
    assert "Enter the first day of any pay period: weekly and two-week pay periods are counted from it." in page
    assert "This field is required." not in page


def test_settings_left_without_a_first_day_keep_the_one_there_is(client, u, make_user, make_org, login):
    boss = make_user()
    org = make_org("acme", manager=boss, pay_period=PayPeriod.MONTHLY, pay_period_anchor=date(2026, 2, 2))
    login(boss)
    response = client.submit(u("lms.orgs.settings", org_slug="acme"), {
        **SETTINGS, "slug": "acme", "pay_period": "monthly", "pay_period_anchor": ""})
    assert response.status_code == 302
    db.session.refresh(org)
    assert org.pay_period_anchor == date(2026, 2, 2)
    changed = db.session.execute(select(AuditEvent).where(AuditEvent.action == "org.settings_changed")).scalar_one()
    assert "pay_period_anchor" not in changed.data
    response = client.submit(u("lms.orgs.settings", org_slug="acme"), {
        **SETTINGS, "slug": "acme", "pay_period": "weekly", "pay_period_anchor": ""})
    assert response.status_code == 200 and "weekly and two-week pay periods are counted from it" in response.text
    db.session.refresh(org)
    assert org.pay_period is PayPeriod.MONTHLY
    assert db.session.execute(select(Membership)).scalars().first() is not None
