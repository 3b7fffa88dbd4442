"""Employment details that payroll and compliance rely on (lms.orgs.employment_rules): an employee ID belongs to one
person among current staff and open invitations (trimmed, any case), and a start date is at most a year ahead. The
staff page, invitations and the roster import (a message per line, nothing imported) all refuse them, naming who
has the ID."""

from __future__ import annotations

import io
import re
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from lms import db
from lms.accounts.models import User
from lms.errors import DomainError
from lms.orgs import employment, employment_rules, invitations, joining, roster
from lms.orgs import models as org_models
from lms.orgs import services as orgs
from lms.orgs.models import Invitation, Membership
from tests.concurrency import finish, uncommitted_for_a_while
from tests.conftest import html_text

NOW = datetime(2026, 12, 14, 18, 0, tzinfo=UTC)  # 10:00 on 14 December 2026 in Los Angeles
DETAILS = {"employee_id": "", "job_title": "", "employment_start": "", "employment_type": "employee",
           "role": "member"}



@pytest.fixture(autouse=True)
def frozen(monkeypatch):
    monkeypatch.setattr(org_models, "utcnow", lambda: NOW)


@pytest.fixture
def clinic(make_user, make_org, add_member, login):
    boss = make_user("boss@example.org", name="Bea Boss")
    org = make_org("acme", manager=boss, name="Acme Clinic")
    tom = add_member(org, make_user("tom@example.org", name="Tom Reyes"), employee_id="E-1001")
    ana = add_member(org, make_user("ana@example.org", name="Ana López"), employee_id="E-1003")
    jose = add_member(org, make_user("jose@example.org", name="José Ruiz"), employee_id="E-1002")
    login(boss)
    return org, boss, tom, ana, jose


def _member_page(client, u, membership, **details):
    return client.submit(u("lms.orgs.member", org_slug="acme", membership_id=membership.id), {**DETAILS, **details})


def _upload(client, u, text: str):
    return client.submit(u("lms.orgs.roster_import", org_slug="acme"),
                         {"file": (io.BytesIO(text.encode()), "roster.csv")}, content_type="multipart/form-data")


def _invitations() -> list[Invitation]:
    return list(db.session.execute(select(Invitation).order_by(Invitation.id)).scalars())


# ---------------------------------------------------------------- one employee ID, one person


def test_a_staff_members_id_cannot_be_anothers(client, u, clinic):
    _org, _boss, _tom, _ana, jose = clinic
    page = _member_page(client, u, jose, employee_id="  e-1001 ")  # trimmed, any case
    assert page.status_code == 400
    assert re.search(r'id="employee_id-error">Tom Reyes \(tom@example.org\), on your current staff, already has '
                     r"employee ID “E-1001”\. Payroll matches hours", page.text)
    db.session.refresh(jose)
    assert jose.employee_id == "E-1002"
    assert _member_page(client, u, jose, employee_id="E-1004").status_code == 302


def test_keeping_ones_own_id_or_changing_its_case_is_fine(client, u, clinic):
    _org, _boss, tom, _ana, _jose = clinic
    assert _member_page(client, u, tom, employee_id="E-1001", job_title="Lead").status_code == 302
    assert _member_page(client, u, tom, employee_id="e-1001").status_code == 302


def test_an_old_duplicate_does_not_block_other_changes(client, u, clinic):
    """IDs shared before this rule: saving someone's page without touching the ID still works."""
    _org, _boss, _tom, _ana, jose = clinic
    jose.employee_id = "E-1001"
    db.session.commit()
    assert _member_page(client, u, jose, employee_id="E-1001", job_title="Driver").status_code == 302


def test_a_former_staff_members_id_may_be_given_to_someone_else(client, u, clinic):
    org, boss, tom, _ana, jose = clinic
    employment.remove_member(tom, boss, date(2026, 12, 1))
    db.session.commit()
    assert _member_page(client, u, jose, employee_id="E-1001").status_code == 302


def test_an_invitation_cannot_take_an_id_of_current_staff_or_of_another_invitation(client, u, clinic, mailbox):
    path = u("lms.orgs.invite", org_slug="acme")
    page = client.submit(path, {**DETAILS, "email": "new@example.org", "employee_id": "E-1003"})
    assert "Ana López (ana@example.org), on your current staff, already has employee ID “E-1003”" in html_text(page.text)
    assert client.submit(path, {**DETAILS, "email": "rosa@example.org", "name": "Rosa Díaz",
                                "employee_id": "E-2000"}).status_code == 302
    page = client.submit(path, {**DETAILS, "email": "new@example.org", "employee_id": "e-2000"})
    assert ("The open invitation to Rosa Díaz (rosa@example.org) already has employee ID “E-2000”"
            in html_text(page.text))
    assert [i.email for i in _invitations()] == ["rosa@example.org"] and len(mailbox) == 1


def test_replacing_ones_own_invitation_keeps_its_id(app, clinic):
    org, boss, *_people = clinic
    first, _raw = invitations.invite(org, "rosa@example.org", None, orgs.Employment("E-2000"), boss, 14)
    second, _raw = invitations.invite(org, "rosa@example.org", None, orgs.Employment("E-2000"), boss, 14,
                                      replaces=first.id)
    assert second.employee_id == "E-2000"


def test_an_invitation_whose_id_was_taken_meanwhile_cannot_be_accepted(app, clinic, make_user):
    """Only for invitations sent before IDs were checked: the invitee is not told whose ID it is."""
    org, boss, *_people = clinic
    invitation, _raw = invitations.invite(org, "rosa@example.org", None, orgs.Employment("E-2000"), boss, 14)
    invitation.employee_id = "E-1001"  # as an old invitation could hold
    db.session.commit()
    with pytest.raises(DomainError, match="its employee ID is now someone else's") as refused:
        joining.accept_invitation(invitation, make_user("rosa@example.org"), agreed=True)
    assert "Tom" not in refused.value.message


def test_the_roster_refuses_repeated_and_taken_ids_line_by_line(client, u, clinic, mailbox):
    page = _upload(client, u, "email,name,employee_id\n"
                              "maria@example.org,María Pérez,E-1003\n"
                              "luis@example.org,Luis Gómez,e-1003 \n"
                              "rosa@example.org,Rosa Díaz,E-2000\n")
    assert page.status_code == 400
    text = html_text(page.text)
    assert "Line 3: employee ID “e-1003” is also on line 2." in text
    assert "Line 2: Ana López (ana@example.org), on your current staff, already has employee ID “E-1003”." in text
    assert "Line 4" not in text
    assert _invitations() == [] and mailbox == []


def test_a_roster_may_move_ids_between_the_people_it_lists(client, u, clinic):
    _org, _boss, tom, _ana, jose = clinic
    page = _upload(client, u, "email,name,employee_id\n"
                              "tom@example.org,Tom Reyes,E-1002\n"
                              "jose@example.org,José Ruiz,E-1001\n")
    assert page.status_code == 302, html_text(page.text)
    db.session.refresh(tom)
    db.session.refresh(jose)
    assert (tom.employee_id, jose.employee_id) == ("E-1002", "E-1001")


def test_the_roster_refuses_an_id_of_an_open_invitation_not_in_the_file(client, u, clinic):
    org, boss, *_people = clinic
    invitations.invite(org, "rosa@example.org", "Rosa Díaz", orgs.Employment("E-2000"), boss, 14)
    db.session.commit()
    text = html_text(_upload(client, u, "email,name,employee_id\nluis@example.org,Luis,E-2000\n").text)
    assert "Line 2: the open invitation to Rosa Díaz (rosa@example.org) already has employee ID “E-2000”." in text


def test_the_holders_are_read_in_two_queries(app, clinic, count_queries):
    org, *_people = clinic
    assert org.id  # loaded before counting
    with count_queries() as counter:
        holders = employment_rules.employee_id_holders(org)
    assert counter.count == 2
    assert {key: h.name for key, h in holders.items()} == {
        "e-1001": "Tom Reyes", "e-1003": "Ana López", "e-1002": "José Ruiz"}


# ---------------------------------------------------------------- a start date at most a year ahead


def test_an_invitation_starting_a_century_ahead_is_refused(client, u, clinic, mailbox):
    path = u("lms.orgs.invite", org_slug="acme")
    page = client.submit(path, {**DETAILS, "email": "new@example.org", "employment_start": "2126-12-14"})
    assert re.search(r'id="employment_start-error">The start date December 14, 2126 is more than a year from today\.',
                     page.text)
    assert _invitations() == [] and mailbox == []
    assert client.submit(path, {**DETAILS, "email": "new@example.org",
                                "employment_start": "2027-12-14"}).status_code == 302  # a year ahead is fine


def test_a_staff_start_date_edit_a_century_ahead_is_refused(client, u, clinic):
    _org, _boss, tom, _ana, _jose = clinic
    page = _member_page(client, u, tom, employee_id="E-1001", employment_start="2126-12-14")
    assert page.status_code == 400 and "more than a year from today" in html_text(page.text)
    db.session.refresh(tom)
    assert tom.employment_start is None


def test_an_old_far_start_date_does_not_block_other_changes(client, u, clinic):
    _org, _boss, tom, _ana, _jose = clinic
    tom.employment_start = date(2126, 12, 14)
    db.session.commit()
    assert _member_page(client, u, tom, employee_id="E-1001", employment_start="2126-12-14",
                        job_title="Lead").status_code == 302


def test_the_roster_refuses_a_start_date_a_century_ahead(client, u, clinic):
    text = html_text(_upload(client, u, "email,name,employment_start\nnew@example.org,New,2126-12-14\n").text)
    assert "Line 2: the start date December 14, 2126 is more than a year from today." in text


def test_the_roster_checks_a_former_members_new_start(client, u, clinic):
    org, boss, tom, _ana, _jose = clinic
    employment.remove_member(tom, boss, date(2026, 12, 4))
    db.session.commit()
    text = html_text(_upload(client, u, "email,name,employment_start\ntom@example.org,Tom,2026-12-01\n").text)
    assert "Line 2: Tom Reyes worked here until December 4, 2026: the start date must be after that day." in text
    assert _upload(client, u, "email,name,employment_start\ntom@example.org,Tom,2026-12-14\n").status_code == 302


def test_the_service_checks_roster_lines_without_the_web(app, clinic):
    org, *_people = clinic
    plan = roster.parse_roster("email,name,employee_id\nx@example.org,X,E-1002\n", 100)
    assert plan.ok
    with pytest.raises(roster.RosterRefused) as refused:
        roster.apply_roster(org, plan, _people[0], 14)
    assert refused.value.errors == [
        "Line 2: José Ruiz (jose@example.org), on your current staff, already has employee ID “E-1002”."]
    db.session.rollback()
    assert db.session.execute(select(Membership).where(Membership.employee_id == "E-1002")).scalar_one() is not None


def test_two_managers_giving_one_id_at_once_are_decided_one_after_the_other(app, client, u, clinic):
    """Another manager's save of E-5000 for José is not committed yet when Tom's page sends E-5000: Tom's save waits
    for the organisation's lock, then sees José's ID and is refused."""
    _org, boss, tom, _ana, jose = clinic
    boss_id, jose_id = boss.id, jose.id

    def other_manager_saves() -> None:
        membership = db.session.get(Membership, jose_id)
        orgs.change_member(membership, orgs.Employment("E-5000"), db.session.get(User, boss_id))

    thread, errors = uncommitted_for_a_while(app, other_manager_saves)
    page = _member_page(client, u, tom, employee_id="E-5000")
    finish(thread, errors)
    assert page.status_code == 400 and "José Ruiz (jose@example.org), on your current staff" in html_text(page.text)
    db.session.refresh(tom)
    assert tom.employee_id == "E-1001"
