"""Organisations: create and configure, staff details, invitations by email, roster CSV import."""

from __future__ import annotations

import io
import re
from datetime import date, timedelta
from html import unescape

import pytest
from sqlalchemy import func, select

from lms import db
from lms.audit import AuditEvent
from lms.orgs import employment, invitations, joining, services
from lms.orgs.models import EmploymentType, Invitation, MemberRole, Membership, Organisation, PayPeriod
from tests.conftest import PASSWORD, body_of
from tests.signup_support import open_signup_link

VALID_SETTINGS = {
    "name": "Valley Health", "kind": "employer", "timezone": "America/Los_Angeles", "pay_period": "semimonthly",
    "pay_period_anchor": "2026-01-01", "pay_rate": "24.50", "ce_year_basis": "fiscal", "ce_fiscal_start_month": "7",
    "ce_minimum_hours": "6",
}


def test_any_signed_in_user_can_register_an_organisation_and_manage_it(client, u, make_user, login):
    user = make_user()
    login(user)
    response = client.submit(u("lms.orgs.create"), {**VALID_SETTINGS, "slug": "valley-health"})
    assert response.status_code == 302
    org = services.get_org("valley-health")
    assert org.training_pay_rate_cents == 2450 and org.pay_period is PayPeriod.SEMIMONTHLY
    assert org.ce_annual_minimum_minutes == 360 and org.ce_fiscal_start_month == 7
    assert services.get_membership(org, user).role is MemberRole.MANAGER
    assert client.get(u("lms.orgs.show", org_slug="valley-health")).status_code == 200


@pytest.mark.parametrize("field, value, message", [
    ("pay_rate", "-1", "Number must be between 0 and 1000."),
    ("pay_rate", "abc", "Not a valid decimal value."),
    ("slug", "Bad Slug!", "Use lowercase letters, numbers and hyphens."),
    ("timezone", "Nowhere/Land", "Choose a time zone from the list."),
    ("pay_period", "fortnightly", "Not a valid choice."),
    ("pay_period_anchor", "2026-13-45", "Not a valid date value."),
    ("ce_fiscal_start_month", "13", "Number must be between 1 and 12."),
])
def test_bad_settings_rerender_with_messages_and_save_nothing(client, u, make_user, login, field, value, message):
    login(make_user())
    data = {**VALID_SETTINGS, "slug": "valley", field: value}
    response = client.submit(u("lms.orgs.create"), data)
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert db.session.execute(select(func.count(Organisation.id))).scalar_one() == 0


def test_duplicate_slug(client, u, make_user, login, make_org):
    make_org("valley")
    login(make_user())
    response = client.submit(u("lms.orgs.create"), {**VALID_SETTINGS, "slug": "valley"})
    assert "already taken" in response.get_data(as_text=True)


def test_manager_edits_settings_with_audit(client, u, make_org, login):
    org = make_org("acme")
    manager = db.session.execute(select(Membership)).scalar_one().user
    login(manager)
    response = client.submit(u("lms.orgs.settings", org_slug="acme"), {
        **VALID_SETTINGS, "slug": "ignored", "pay_rate": "30", "signatory_name": " Dr. Ana Ruiz ",
        "signatory_title": "Medical Director"})
    assert response.status_code == 302
    db.session.refresh(org)
    assert org.slug == "acme" and org.training_pay_rate_cents == 3000
    assert (org.signatory_name, org.signatory_title) == ("Dr. Ana Ruiz", "Medical Director")
    event = db.session.execute(select(AuditEvent).where(AuditEvent.action == "org.settings_changed")).scalar_one()
    assert event.actor_id == manager.id and event.data["training_pay_rate_cents"] == 3000


def test_manager_edits_staff_employment(client, u, make_org, make_user, add_member, login):
    org = make_org("acme")
    manager = db.session.execute(select(Membership)).scalar_one().user
    worker = add_member(org, make_user(name="Lupe"))
    login(manager)
    response = client.submit(u("lms.orgs.member", org_slug="acme", membership_id=worker.id), {
        "employee_id": "E-7", "job_title": "Promotora", "employment_start": "2024-05-01",
        "employment_type": "contractor", "role": "member"})
    assert response.status_code == 302
    db.session.refresh(worker)
    assert (worker.employee_id, worker.employment_type) == ("E-7", EmploymentType.CONTRACTOR)


def test_last_manager_cannot_step_down(client, u, make_org, login):
    org = make_org("acme")
    mine = db.session.execute(select(Membership)).scalar_one()
    login(mine.user)
    response = client.submit(u("lms.orgs.member", org_slug="acme", membership_id=mine.id),
                             {"employment_type": "employee", "role": "member"})
    assert "at least one manager" in response.get_data(as_text=True)
    db.session.refresh(mine)
    assert mine.role is MemberRole.MANAGER and org.id


def test_a_manager_whose_account_is_disabled_does_not_count_as_the_other_manager(client, u, make_org, make_user,
                                                                                  add_member, login):
    """Stepping down would leave only a disabled manager, who can neither approve hours nor export payroll."""
    org = make_org("acme")
    mine = db.session.execute(select(Membership)).scalar_one()
    disabled = make_user("gone@example.org", name="Gone Manager")
    add_member(org, disabled, role=MemberRole.MANAGER)
    disabled.is_active = False
    db.session.commit()
    login(mine.user)
    response = client.submit(u("lms.orgs.member", org_slug="acme", membership_id=mine.id),
                             {"employment_type": "employee", "role": "member"})
    assert "An organisation needs at least one manager with an active account." in response.get_data(as_text=True)
    db.session.refresh(mine)
    assert mine.role is MemberRole.MANAGER
    disabled.is_active = True  # once the other manager's account works again, stepping down is fine
    db.session.commit()
    response = client.submit(u("lms.orgs.member", org_slug="acme", membership_id=mine.id),
                             {"employment_type": "employee", "role": "member"})
    db.session.refresh(mine)
    assert mine.role is MemberRole.MEMBER


def test_invite_by_email_link_and_accept(app, client, u, make_org, login, mailbox):
    make_org("acme", name="Acme Clinic")
    manager = db.session.execute(select(Membership)).scalar_one().user
    login(manager)
    response = client.submit(u("lms.orgs.invite", org_slug="acme"), {
        "email": "New.Person@example.org", "name": "Nueva Persona", "employee_id": "E-9",
        "job_title": "CHW", "employment_start": "2026-02-01", "employment_type": "employee", "role": "member"})
    assert response.status_code == 302
    assert len(mailbox) == 1
    body = body_of(mailbox[0])
    assert "Acme Clinic" not in mailbox[0]["Subject"] and '"Acme Clinic"' in body
    link = re.search(r"https?://\S+/orgs/invitations/\S+", body).group(0)
    path = link.split("lms.test", 1)[1]
    assert "/orgs/invitations/" in path

    newcomer = app.test_client()
    page = newcomer.get(path)
    assert page.status_code == 200 and "Acme Clinic" in page.get_data(as_text=True)
    newcomer.submit(u("lms.accounts.signup"), {"name": "Nueva Persona", "email": "new.person@example.org",
                                               "password": PASSWORD, "confirm": PASSWORD, "agree": "y"})
    open_signup_link(newcomer, mailbox, "new.person@example.org")
    newcomer.submit(u("lms.accounts.login"), {"email": "new.person@example.org", "password": PASSWORD})
    accepted = newcomer.submit(path, {"csrf_token": newcomer.csrf_token(path), "agree": "y"})
    assert accepted.status_code == 302
    membership = db.session.execute(select(Membership).where(Membership.employee_id == "E-9")).scalar_one()
    assert membership.user.email == "new.person@example.org" and membership.job_title == "CHW"
    assert newcomer.get(path).status_code == 400  # an invitation works once


def test_invitation_for_another_email_is_refused(app, client, u, make_org, make_user, login):
    org = make_org("acme")
    manager = db.session.execute(select(Membership)).scalar_one().user
    _invitation, raw = invitations.invite(org, "someone@example.org", None, services.Employment(), manager, 14)
    db.session.commit()
    intruder = make_user("intruder@example.org")
    login(intruder)
    path = u("lms.orgs.accept", token=raw)
    client.submit(path, {"csrf_token": client.csrf_token(path)})
    assert services.get_membership(org, intruder) is None


def test_bad_invitation_token(client, u):
    response = client.get(u("lms.orgs.accept", token="not-a-token"))
    assert response.status_code == 404
    assert "not valid" in response.get_data(as_text=True)


GOOD_ROSTER = (
    "Email,Name,Employee ID,Job Title,Employment Start,Employment Type,Role\r\n"
    "ana@example.org,Ana Pérez,E1,Promotora,2025-01-15,employee,member\r\n"
    "existing@example.org,Existing Person,E2,CHW,03/21/2024,volunteer,\r\n"
)


def _upload(client, u, text: str | bytes, filename: str = "roster.csv"):
    data = text.encode("utf-8") if isinstance(text, str) else text
    return client.submit(u("lms.orgs.roster_import", org_slug="acme"),
                         {"file": (io.BytesIO(data), filename)}, content_type="multipart/form-data")


def test_roster_import_updates_current_staff_and_invites_everyone_else(client, u, make_org, make_user, add_member,
                                                                       login, mailbox):
    org = make_org("acme")
    manager = db.session.execute(select(Membership)).scalar_one().user
    make_user("existing@example.org")  # has an account but is not staff: invited, never added without consent
    staff = add_member(org, make_user("ana@example.org"), employee_id="OLD")
    login(manager)
    response = _upload(client, u, GOOD_ROSTER)
    assert response.status_code == 302
    db.session.refresh(staff)
    assert (staff.employee_id, staff.job_title, staff.employment_start.isoformat()) == ("E1", "Promotora", "2025-01-15")
    invitation = db.session.execute(select(Invitation)).scalar_one()
    assert (invitation.email, invitation.employment_type) == ("existing@example.org", EmploymentType.VOLUNTEER)
    assert [m["To"] for m in mailbox] == ["existing@example.org"]


def test_roster_cannot_remove_the_last_manager(client, u, make_org, login, mailbox):
    make_org("acme")
    manager = db.session.execute(select(Membership)).scalar_one()
    login(manager.user)
    roster = f"email,name,role\n{manager.user.email},Me,member\nnew@example.org,New,member\n"
    response = _upload(client, u, roster)
    assert response.status_code == 400 and "at least one manager" in response.get_data(as_text=True)
    db.session.refresh(manager)
    assert manager.role is MemberRole.MANAGER
    assert db.session.execute(select(func.count(Invitation.id))).scalar_one() == 0 and mailbox == []


@pytest.mark.parametrize("app_config", [{"LMS_SIGNUP_ENABLED": False}])
def test_invitee_creates_account_on_the_invitation_page_even_when_signup_is_closed(app, client, u, make_org, app_config):
    org = make_org("acme")
    manager = db.session.execute(select(Membership)).scalar_one().user
    _invitation, raw = invitations.invite(org, "newbie@example.org", "Newbie", services.Employment(job_title="CHW"),
                                       manager, 14)
    db.session.commit()
    path = u("lms.orgs.accept", token=raw)
    assert "Create my account and join" in client.get(path).get_data(as_text=True)
    bad = client.submit(path, {"csrf_token": client.csrf_token(path), "name": "Newbie", "password": "short",
                               "confirm": "short", "agree": "y"})
    assert bad.status_code == 200 and services.get_membership(org, manager) is not None
    done = client.submit(path, {"csrf_token": client.csrf_token(path), "name": "Newbie", "password": PASSWORD,
                                "confirm": PASSWORD, "agree": "y"})
    assert done.status_code == 302
    membership = db.session.execute(select(Membership).where(Membership.job_title == "CHW")).scalar_one()
    assert membership.user.email == "newbie@example.org"
    hours = client.get(u("lms.hours.mine"))  # signed in as the new account, as after a normal sign-up
    assert hours.status_code == 200 and "Newbie" in hours.get_data(as_text=True)


def test_rejoining_after_employment_ended_makes_them_current_again(app, make_org, make_user, add_member):
    org = make_org("acme")
    manager = db.session.execute(select(Membership)).scalar_one().user
    worker = add_member(org, make_user("w@example.org"))
    employment.remove_member(worker, manager, date(2026, 1, 31))
    db.session.commit()
    assert worker not in services.list_members(org)
    invitation, _raw = invitations.invite(org, "w@example.org", None, services.Employment(), manager, 14)
    joining.accept_invitation(invitation, worker.user, agreed=True)
    db.session.commit()
    assert worker in services.list_members(org) and worker.employment_end is None


def test_roster_with_bad_rows_imports_nothing_and_lists_every_problem(client, u, make_org, login, mailbox):
    make_org("acme")
    manager = db.session.execute(select(Membership)).scalar_one().user
    login(manager)
    bad = (
        "email,name,employment_start,employment_type\n"
        "good@example.org,Good Row,2025-01-01,employee\n"
        "not-an-email,Bad Email,,\n"
        "x@example.org,,2025-02-30,employee\n"
        "y@example.org,Y,,intern\n"
        "good@example.org,Duplicate,,\n"
    )
    response = _upload(client, u, bad)
    text = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Nothing was imported" in text
    for expected in ("Line 3:", "not a valid email address", "Line 4:", "the name is empty",
                     "is not a date", "Line 5:", "“intern” is not one of", "Line 6:", "is also on line 2"):
        assert expected in text, expected
    assert db.session.execute(select(func.count(Invitation.id))).scalar_one() == 0
    assert db.session.execute(select(func.count(Membership.id))).scalar_one() == 1  # only the manager
    assert mailbox == []


@pytest.mark.parametrize("content, message", [
    ("", "The file is empty"),
    ("name\nJust A Name\n", "missing column(s): email"),
    ("email,name,shoe_size\na@example.org,A,42\n", "unknown column(s): shoe_size"),
    ("email,name\n", "no staff rows"),
    (b"\xff\xfe\x00garbage", "missing column(s)"),
])
def test_roster_file_problems(client, u, make_org, login, content, message):
    make_org("acme")
    login(db.session.execute(select(Membership)).scalar_one().user)
    response = _upload(client, u, content)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)


def test_roster_accepts_excel_bom_and_windows_1252(client, u, make_org, login, mailbox):
    make_org("acme")
    login(db.session.execute(select(Membership)).scalar_one().user)
    text = "email,name\r\nnino@example.org,Niño Núñez\r\n"
    assert _upload(client, u, text.encode("cp1252")).status_code == 302
    assert db.session.execute(select(Invitation.name)).scalar_one() == "Niño Núñez"


def test_roster_wrong_file_type(client, u, make_org, login):
    make_org("acme")
    login(db.session.execute(select(Membership)).scalar_one().user)
    response = _upload(client, u, "email,name\n", filename="roster.exe")
    assert response.status_code == 400
    assert "Upload a .csv file." in response.get_data(as_text=True)


def test_manager_sees_only_their_own_organisation(client, u, make_org, make_user, add_member, login):
    acme = make_org("acme")
    other = make_org("other")
    stranger = add_member(other, make_user(name="Other Org Worker"))
    acme_manager = services.list_members(acme)[0].user
    login(acme_manager)
    assert client.get(u("lms.orgs.show", org_slug="other")).status_code == 403
    assert client.get(u("lms.orgs.member", org_slug="acme", membership_id=stranger.id)).status_code == 404
    assert client.get(u("lms.api.org_members", org_slug="other")).status_code == 403
    names = [m["name"] for m in client.get(u("lms.api.org_members", org_slug="acme")).json["members"]]
    assert "Other Org Worker" not in names


def test_manager_records_the_end_of_employment(client, u, make_org, make_user, add_member, login):
    org = make_org("acme")
    manager = db.session.execute(select(Membership)).scalar_one().user
    worker = add_member(org, make_user(name="Leaving Person"))
    login(manager)
    response = client.submit(u("lms.orgs.end_member", org_slug="acme", membership_id=worker.id),
                             {"ended_on": "2026-10-31", "confirm": "yes"})
    assert response.status_code == 302
    db.session.refresh(worker)
    assert worker.employment_end == date(2026, 10, 31) and worker not in services.list_members(org)


def test_the_end_of_employment_cannot_be_recorded_ahead_or_before_the_start(client, u, make_org, make_user, add_member,
                                                                            login):
    """Recording the end takes the person off the current staff (and CE tracking) at once, so a last day still to
    come is refused; so is one before they started."""
    org = make_org("acme")
    manager = db.session.execute(select(Membership)).scalar_one().user
    worker = add_member(org, make_user(name="Leaving Person"), employment_start=date(2026, 3, 1))
    login(manager)
    path = u("lms.orgs.end_member", org_slug="acme", membership_id=worker.id)
    ahead = client.submit(path, {"ended_on": (org.today() + timedelta(days=1)).isoformat()})
    assert ahead.status_code == 400 and "Record the end of employment on or after the last day" in ahead.text
    early = client.submit(path, {"ended_on": "2026-02-27"})
    assert early.status_code == 400 and "cannot be before the first day of employment" in early.text
    db.session.refresh(worker)
    assert worker.employment_end is None and worker in services.list_members(org)
    assert client.submit(path, {"ended_on": org.today().isoformat(), "confirm": "yes"}).status_code == 302


def test_roster_dates_are_never_guessed_and_semicolon_files_are_read(client, u, make_org, login, mailbox):
    """A spreadsheet saves dates the way its language writes them: 01/03/2025 is 3 January in the US and 1 March in
    Mexico, so it is refused with both readings; a date only one way can read is taken. Spreadsheets in languages with
    a decimal comma save "CSV" with semicolons."""
    make_org("acme")
    login(db.session.execute(select(Membership)).scalar_one().user)
    ambiguous = _upload(client, u, "email,name,employment_start\na@example.org,A,01/03/2025\n")
    assert ambiguous.status_code == 400
    text = unescape(ambiguous.get_data(as_text=True))
    assert "“01/03/2025” could be January 3, 2025 or March 1, 2025: write the date as YYYY-MM-DD" in text
    assert db.session.execute(select(func.count(Invitation.id))).scalar_one() == 0

    rows = "email;name;employment_start\nb@example.org;Bea;25/12/2024\nc@example.org;Cruz;12/26/2024\nd@example.org;Di;04/04/2024\n"
    assert _upload(client, u, rows).status_code == 302
    starts = dict(db.session.execute(select(Invitation.email, Invitation.employment_start)).all())
    assert {email: day.isoformat() for email, day in starts.items()} == {
        "b@example.org": "2024-12-25", "c@example.org": "2024-12-26", "d@example.org": "2024-04-04"}


def test_the_roster_template_opens_in_excel_with_its_accents_and_its_example_row_is_refused(client, u, make_org, login,
                                                                                          mailbox):
    make_org("acme")
    login(db.session.execute(select(Membership)).scalar_one().user)
    template = client.get(u("lms.orgs.roster_template", org_slug="acme"))
    assert template.status_code == 200 and template.data.startswith("\ufeff".encode())
    assert "María López" in template.data.decode("utf-8-sig")
    refused = _upload(client, u, template.data)  # read as it is (BOM, accents), then refused: nobody's row
    assert refused.status_code == 400 and "Line 2: this is the template&#39;s example row (María López" in refused.text
    assert db.session.execute(select(Invitation.name)).first() is None and mailbox == []
