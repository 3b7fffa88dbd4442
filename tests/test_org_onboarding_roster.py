"""Importing a roster again while invitations are open: a row with the details an open invitation has leaves it as it
is (no email, its link still works), a changed row replaces it and says whose, an expired one is sent again; details a
row does not carry are kept. And what a roster may say: the role and type as the invitation form words them (English
or Spanish), Spanish column names, and never the template's example row."""

from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from lms import db
from lms.db import utcnow
from lms.orgs import invitations, roster, services
from lms.orgs.models import EmploymentType, Invitation, MemberRole
from tests.conftest import body_of, html_text

INVITE = {"email": "lupe@example.org", "name": "Lupe Ortiz", "employee_id": "E-1", "job_title": "Promotora",
          "employment_start": "2026-02-01", "employment_type": "contractor", "role": "member"}
SAME = ("email,name,employee_id,job_title,employment_start,employment_type,role\n"
        "lupe@example.org,Lupe Ortiz,E-1,Promotora,2026-02-01,contractor,member\n")



def _link(message) -> str:
    return re.search(r"https?://\S+/orgs/invitations/\S+", body_of(message)).group(0).split("lms.test", 1)[1]


def _open() -> list[Invitation]:
    return list(db.session.execute(select(Invitation).where(Invitation.accepted_at.is_(None),
                                                            Invitation.revoked_at.is_(None))).scalars())


@pytest.fixture
def invited(client, u, manager, mailbox):
    """Lupe, invited with every detail from the form; the link path of her email (the mailbox is emptied)."""
    assert client.submit(u("lms.orgs.invite", org_slug="acme"), INVITE).status_code == 302
    link = _link(mailbox[0])
    mailbox.clear()
    return link


def _import(client, u, text: str):
    response = client.submit(u("lms.orgs.roster_import", org_slug="acme"),
                             {"file": (io.BytesIO(text.encode()), "roster.csv")}, content_type="multipart/form-data")
    shown = html_text(client.get(response.headers["Location"]).text) if response.status_code == 302 else html_text(response.text)
    return response, shown


# ---------------------------------------------------------------- open invitations


def test_the_same_row_again_leaves_the_open_invitation_as_it_is(app, client, u, invited, mailbox):
    (before,) = _open()
    response, shown = _import(client, u, SAME)
    assert response.status_code == 302 and mailbox == []
    assert [i.id for i in _open()] == [before.id]
    assert "1 person already has an open invitation with the details in the file: it is left as it is" in shown
    assert "replaces" not in shown and "invitation sent" not in shown.lower()
    assert app.test_client().get(invited).status_code == 200  # her link still works


def test_a_row_without_some_columns_keeps_the_details_of_the_invitation(client, u, invited, mailbox):
    response, shown = _import(client, u, "email,name,role\nlupe@example.org,Lupe Ortiz,\n")
    assert response.status_code == 302 and mailbox == [] and "left as it is" in shown
    response, shown = _import(client, u, "email,name,job_title\nlupe@example.org,Lupe Ortiz,Outreach lead\n")
    (new,) = _open()
    assert (new.job_title, new.employee_id, new.employment_type, new.employment_start.isoformat()) == (
        "Outreach lead", "E-1", EmploymentType.CONTRACTOR, "2026-02-01")


@pytest.mark.parametrize("change", [
    ("Lupe Ortíz", "E-1", "Promotora", "2026-02-01", "contractor", "member"),
    ("Lupe Ortiz", "E-2", "Promotora", "2026-02-01", "contractor", "member"),
    ("Lupe Ortiz", "E-1", "CHW", "2026-02-01", "contractor", "member"),
    ("Lupe Ortiz", "E-1", "Promotora", "2026-03-01", "contractor", "member"),
    ("Lupe Ortiz", "E-1", "Promotora", "2026-02-01", "employee", "member"),
    ("Lupe Ortiz", "E-1", "Promotora", "2026-02-01", "contractor", "manager"),
], ids=["name", "employee ID", "job title", "start", "type", "role"])
def test_a_changed_row_replaces_the_invitation_and_names_the_person(app, client, u, invited, mailbox, change):
    (before,) = _open()
    row = "lupe@example.org," + ",".join(change)
    response, shown = _import(client, u, SAME.splitlines()[0] + "\n" + row + "\n")
    assert response.status_code == 302 and [m["To"] for m in mailbox] == ["lupe@example.org"]
    (after,) = _open()
    assert after.id != before.id
    assert f"{change[0]} (lupe@example.org) already had an open invitation with other details: a new one with the " \
           "details in the file replaces it, and its earlier link no longer works." in shown
    assert app.test_client().get(invited).status_code == 404
    assert app.test_client().get(_link(mailbox[0])).status_code == 200


def test_an_expired_invitation_with_the_same_details_is_sent_again(app, client, u, invited, mailbox):
    (before,) = _open()
    before.expires_at = utcnow() - timedelta(days=1)
    db.session.commit()
    response, shown = _import(client, u, SAME)
    assert response.status_code == 302 and [m["To"] for m in mailbox] == ["lupe@example.org"]
    (after,) = _open()
    assert after.id != before.id and after.expires_at > utcnow() and after.employee_id == "E-1"
    assert "The open invitation of Lupe Ortiz (lupe@example.org) had expired: we sent a new link." in shown


def test_the_service_reports_each_kind_of_row(app, manager, make_user, add_member):
    org = services.get_org("acme")
    add_member(org, make_user("staff@example.org", name="Sam Staff"), job_title="CHW", employee_id="S-1")
    for email, employee_id in (("kept@example.org", "K-1"), ("changed@example.org", "C-1")):
        invitations.invite(org, email, "Person", services.Employment(employee_id=employee_id), manager, 14)
    db.session.commit()
    plan = roster.parse_roster("email,name,employee_id\nstaff@example.org,Sam Staff,S-1\nkept@example.org,Person,K-1\n"
                               "changed@example.org,Person,C-2\nnew@example.org,New Person,N-1\n", 100)
    result = roster.apply_roster(org, plan, manager, 14)
    assert result.unchanged == ["staff@example.org"] and result.updated == []
    assert [i.email for i in result.kept] == ["kept@example.org"]
    assert [i.email for i in result.replaced] == ["changed@example.org"] and result.renewed == []
    assert sorted(i.email for i, _raw in result.invited) == ["changed@example.org", "new@example.org"]
    db.session.rollback()


def test_current_staff_keep_the_details_a_row_does_not_carry(client, u, manager, make_user, add_member, mailbox):
    org = services.get_org("acme")
    staff = add_member(org, make_user("sam@example.org", name="Sam Staff"), job_title="CHW", employee_id="S-1",
                       employment_type=EmploymentType.VOLUNTEER)
    response, shown = _import(client, u, "email,name,employee_id,employment_type\nsam@example.org,Sam Staff,S-2,\n")
    assert response.status_code == 302 and mailbox == []
    db.session.refresh(staff)
    assert (staff.employee_id, staff.job_title, staff.employment_type) == ("S-2", "CHW", EmploymentType.VOLUNTEER)


def test_an_empty_role_keeps_an_invitation_to_manage(client, u, manager, mailbox):
    org = services.get_org("acme")
    invitations.invite(org, "rosa@example.org", "Rosa Díaz", services.Employment(role=MemberRole.MANAGER), manager, 14)
    db.session.commit()
    response, shown = _import(client, u, "email,name,job_title,role\nrosa@example.org,Rosa Díaz,Director,\n")
    assert response.status_code == 302
    (new,) = _open()
    assert (new.role, new.job_title) == (MemberRole.MANAGER, "Director")


# ---------------------------------------------------------------- what a roster may say


@pytest.mark.parametrize(("cell", "role"), [
    ("member", MemberRole.MEMBER), ("Staff member", MemberRole.MEMBER), ("MANAGER", MemberRole.MANAGER),
    ("Manager", MemberRole.MANAGER), ("Gerente", MemberRole.MANAGER), ("miembro del personal", MemberRole.MEMBER),
])
def test_the_role_may_be_written_as_the_invitation_form_says_it(client, u, manager, mailbox, cell, role):
    response, _shown = _import(client, u, f"email,name,role\nlupe@example.org,Lupe Ortiz,{cell}\n")
    assert response.status_code == 302
    assert db.session.execute(select(Invitation.role)).scalar_one() is role


def test_a_type_label_in_spanish_is_read_too(client, u, manager, mailbox):
    response, _shown = _import(client, u, "email,name,employment_type\nlupe@example.org,Lupe Ortiz,Voluntario(a)\n")
    assert response.status_code == 302
    assert db.session.execute(select(Invitation.employment_type)).scalar_one() is EmploymentType.VOLUNTEER


def test_an_unknown_role_lists_the_codes_with_their_words(client, u, manager):
    response, shown = _import(client, u, "email,name,role\nlupe@example.org,Lupe Ortiz,Boss\n")
    assert response.status_code == 400
    assert "Line 2: “Boss” is not one of: member (Staff member), manager (Manager)." in shown


def test_spanish_column_names_are_read(client, u, manager, mailbox):
    text = ("Correo electrónico;Nombre;Número de empleado;Puesto;Fecha de inicio;Tipo de empleo;Rol\n"
            "lupe@example.org;Lupe Ortiz;E-7;Promotora;2026-02-01;Contratista;Gerente\n")
    response, _shown = _import(client, u, text)
    assert response.status_code == 302
    invitation = db.session.execute(select(Invitation)).scalar_one()
    assert (invitation.employee_id, invitation.job_title, invitation.employment_start.isoformat(),
            invitation.employment_type, invitation.role) == (
        "E-7", "Promotora", "2026-02-01", EmploymentType.CONTRACTOR, MemberRole.MANAGER)


def test_a_column_named_in_both_languages_is_refused(client, u, manager):
    response, shown = _import(client, u, "email,correo,name\na@example.org,b@example.org,Ana\n")
    assert response.status_code == 400 and "Line 1: column(s) named twice (in English and in Spanish, say): email / correo." in shown


@pytest.mark.parametrize("row", [
    "maria@example.org,María López,E1001,Community Health Worker,2025-03-01,employee,member",
    "MARIA@example.org,Maria Lopez,,,,,",  # the date and the rest changed or gone: still the example
    "maria@example.org,Someone Else,e1001,,,,",
])
def test_the_templates_example_row_is_refused(client, u, manager, mailbox, row):
    response, shown = _import(client, u, ",".join(roster.KNOWN) + "\n" + row + "\nana@example.org,Ana,,,,,\n")
    assert response.status_code == 400 and mailbox == []
    assert ("Line 2: this is the template's example row (María López, maria@example.org): replace it with your "
            "staff, or delete it.") in shown
    assert db.session.execute(select(Invitation)).first() is None


def test_someone_really_at_the_examples_address_is_not_refused(client, u, manager, mailbox):
    response, _shown = _import(client, u, "email,name,employee_id\nmaria@example.org,María Pérez,E-1003\n")
    assert response.status_code == 302


def test_the_roster_page_says_what_it_reads(client, u, manager):
    page = html_text(client.get(u("lms.orgs.roster_import", org_slug="acme")).text)
    assert "Staff member, Manager; in Spanish Miembro del personal, Gerente" in page
    assert "correo / correo electrónico ( email )" in page and "rol / rol en la organización ( role )" in page
    assert "Replace the template's example row (maria@example.org) with your staff: it is refused." in page
    assert "keeps it, and gets no new email, when the file holds the same details" in page
