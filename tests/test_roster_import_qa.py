"""The roster import after a QA pass: an empty cell keeps every employment detail of current staff (and of open
invitations) instead of erasing it; columns may be headed as the add-member form labels them; gendered Spanish type
words; problems name the columns as the file heads them; Excel's ``sep=`` line and UTF-16 files; and a row naming
current staff otherwise than their account says that names come from each person's own account."""

from __future__ import annotations

import io
from datetime import date

import pytest
from sqlalchemy import select

from lms import db
from lms.audit import AuditEvent
from lms.orgs import roster
from lms.orgs.models import EmploymentType, Invitation, MemberRole, Membership
from tests.conftest import html_text

HEADER = "email,name,employee_id,job_title,employment_start,employment_type,role\n"
LABELS = "Email,Full name,Employee ID,Job title,Employment start date,Type of employment,Role in the organisation\n"
DETAILS = {"employee_id": "E-7", "job_title": "Promotora", "employment_start": date(2024, 5, 1),
           "employment_type": EmploymentType.CONTRACTOR, "role": MemberRole.MEMBER}


@pytest.fixture
def tom(manager, make_user, add_member):
    """Tom Trainee, current staff of Acme Clinic with every employment detail filled (the manager is signed in)."""
    org = db.session.execute(select(Membership)).scalar_one().organisation
    return add_member(org, make_user("trainee@example.org", name="Tom Trainee"), **DETAILS)


def _import(client, u, data: str | bytes, filename: str = "roster.csv"):
    body = data.encode() if isinstance(data, str) else data
    response = client.submit(u("lms.orgs.roster_import", org_slug="acme"), {"file": (io.BytesIO(body), filename)},
                             content_type="multipart/form-data")
    shown = html_text(client.get(response.headers["Location"]).text) if response.status_code == 302 else html_text(response.text)
    return response, shown


def _details(membership: Membership) -> dict:
    db.session.refresh(membership)
    return {key: getattr(membership, key) for key in DETAILS}


def _updates() -> list[AuditEvent]:
    return list(db.session.execute(select(AuditEvent).where(AuditEvent.action == "membership.updated")).scalars())


# ---------------------------------------------------------------- 1. an empty cell keeps the detail


@pytest.mark.parametrize("text", [HEADER + "trainee@example.org,Tom Trainee,,,,,\n",
                                  "email,name,employee_id,job_title,employment_start\ntrainee@example.org,Tom Trainee,,,\n"])
def test_empty_cells_keep_every_detail_of_current_staff(client, u, tom, text):
    response, shown = _import(client, u, text)
    assert response.status_code == 302
    assert _details(tom) == DETAILS and _updates() == []
    assert "Updated the details" not in shown
    assert "1 current staff member already has the employment details in the file: nothing changed for them." in shown


def test_a_filled_cell_changes_only_its_detail(client, u, tom):
    response, shown = _import(client, u, HEADER + "trainee@example.org,Tom Trainee,,CHW II,,,\n")
    assert response.status_code == 302 and "Updated the details of 1 current staff." in shown
    assert _details(tom) == {**DETAILS, "job_title": "CHW II"}
    (event,) = _updates()
    assert event.data == {"job_title": "CHW II", "was": {"job_title": "Promotora"}}


def test_filled_cells_equal_to_the_current_values_change_nothing(client, u, tom):
    row = "trainee@example.org,Tom Trainee,E-7,Promotora,2024-05-01,Contractor,\n"
    response, shown = _import(client, u, HEADER + row)
    assert response.status_code == 302 and _updates() == [] and _details(tom) == DETAILS
    assert "already has the employment details in the file" in shown and "Updated the details" not in shown


def test_a_kept_employee_id_is_not_given_to_someone_else(client, u, tom, mailbox):
    text = HEADER + "trainee@example.org,Tom Trainee,,,,,\nnew@example.org,New Person,E-7,,,,\n"
    response, shown = _import(client, u, text)
    assert response.status_code == 400 and "Nothing was imported" in shown
    assert "Line 3:" in shown and "E-7" in shown and "Tom Trainee" in shown
    assert db.session.execute(select(Invitation)).first() is None and mailbox == []


def test_empty_cells_keep_the_details_of_an_open_invitation(client, u, manager, mailbox):
    invite = {"email": "lupe@example.org", "name": "Lupe Ortiz", "employee_id": "E-1", "job_title": "Promotora",
              "employment_start": "2026-02-01", "employment_type": "volunteer", "role": "manager"}
    assert client.submit(u("lms.orgs.invite", org_slug="acme"), invite).status_code == 302
    mailbox.clear()
    response, shown = _import(client, u, HEADER + "lupe@example.org,Lupe Ortiz,,,,,\n")
    assert response.status_code == 302 and mailbox == [] and "left as it is" in shown
    invitation = db.session.execute(select(Invitation)).scalar_one()
    assert (invitation.employee_id, invitation.job_title, invitation.employment_start, invitation.employment_type,
            invitation.role) == ("E-1", "Promotora", date(2026, 2, 1), EmploymentType.VOLUNTEER, MemberRole.MANAGER)


def test_the_service_keeps_what_empty_cells_leave_out(app, tom, manager):
    plan = roster.parse_roster(HEADER + "trainee@example.org,Tom Trainee,,,2024-06-01,,\n", 100)
    assert plan.ok and plan.rows[0].given == frozenset({"email", "name", "employment_start"})
    result = roster.apply_roster(tom.organisation, plan, manager, 14)
    db.session.commit()
    assert result.updated == ["trainee@example.org"]
    assert _details(tom) == {**DETAILS, "employment_start": date(2024, 6, 1)}


def test_the_page_says_empty_cells_keep_the_details(client, u, manager):
    shown = html_text(client.get(u("lms.orgs.roster_import", org_slug="acme")).text)
    assert ("An empty cell, or a column left out of the file, changes nothing: current staff and open invitations "
            "keep the employee ID, job title, start date, type and role they have.") in shown
    assert "Full name ( name )" in shown and "Role in the organisation ( role )" in shown


# ---------------------------------------------------------------- 2. headers, words, separators, encodings


def test_the_add_member_forms_labels_head_the_columns(client, u, manager, mailbox):
    header = "  EMAIL ,full   name,Employee id,JOB TITLE,employment start date,Type Of Employment,role in the organisation\n"
    response, _shown = _import(client, u, header + "lupe@example.org,Lupe Ortiz,E-3,Promotora,2026-02-01,volunteer,manager\n")
    assert response.status_code == 302, _shown
    invitation = db.session.execute(select(Invitation)).scalar_one()
    assert (invitation.name, invitation.employee_id, invitation.job_title, invitation.employment_start,
            invitation.employment_type, invitation.role) == (
        "Lupe Ortiz", "E-3", "Promotora", date(2026, 2, 1), EmploymentType.VOLUNTEER, MemberRole.MANAGER)


@pytest.mark.parametrize(("word", "kind"), [
    ("Empleado", EmploymentType.EMPLOYEE), ("empleada", EmploymentType.EMPLOYEE), ("Empleado(a)", EmploymentType.EMPLOYEE),
    ("Contratista", EmploymentType.CONTRACTOR), ("Voluntario", EmploymentType.VOLUNTEER),
    ("VOLUNTARIA", EmploymentType.VOLUNTEER), ("Voluntario(a)", EmploymentType.VOLUNTEER),
])
def test_each_gendered_form_of_the_type_is_accepted(client, u, manager, word, kind):
    response, _shown = _import(client, u, f"correo;nombre;tipo de empleo\nana@example.org;Ana Ruiz;{word}\n")
    assert response.status_code == 302, _shown
    assert db.session.execute(select(Invitation.employment_type)).scalar_one() is kind


@pytest.mark.parametrize(("text", "message"), [
    ("Email,Full name,Phone Number\na@example.org,Ana,555\n", "Line 1: unknown column(s): Phone Number."),
    ("Email,Correo,Full name\na@example.org,b@example.org,Ana\n",
     "Line 1: column(s) named twice (in English and in Spanish, say): Email / Correo."),
    ("Email,Full name,Employee ID\na@example.org,Ana," + "9" * 65 + "\n", "Employee ID is longer than 64 characters"),
    ("Email,Full name,Job title\na@example.org,Ana," + "x" * 201 + "\n", "Job title is longer than 200 characters"),
])
def test_problems_name_the_columns_as_the_file_heads_them(client, u, manager, text, message):
    response, shown = _import(client, u, text)
    assert response.status_code == 400 and message in shown
    assert "employee_id" not in shown.split("Nothing was imported")[1]


def test_excels_sep_line_is_skipped_and_its_separator_used(client, u, manager):
    text = "sep=;\r\nemail;name;job_title\r\nana@example.org;Ana Ruiz;Promotora, senior\r\n"
    response, _shown = _import(client, u, text)
    assert response.status_code == 302, _shown
    assert db.session.execute(select(Invitation.job_title)).scalar_one() == "Promotora, senior"


def test_after_a_sep_line_lines_are_counted_as_excel_shows_them(client, u, manager):
    response, shown = _import(client, u, '"sep=,"\nemail,name\nnot-an-email,Ana\n')
    assert response.status_code == 400 and "Line 2: “not-an-email” is not a valid email address." in shown


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])  # "utf-16": with a BOM, as Excel writes
def test_a_utf16_file_is_read(client, u, manager, encoding):
    text = "Email\tFull name\tJob title\r\nnino@example.org\tNiño Núñez\tPromotora\r\n"
    response, _shown = _import(client, u, text.encode(encoding), "roster.txt")
    assert response.status_code == 302, _shown
    assert db.session.execute(select(Invitation.name, Invitation.job_title)).one() == ("Niño Núñez", "Promotora")


# ---------------------------------------------------------------- 3. names come from the account


def test_a_different_name_for_current_staff_is_not_taken_and_says_why(client, u, tom):
    response, shown = _import(client, u, HEADER + "trainee@example.org,Thomas T.,,,,,\n")
    assert response.status_code == 302
    db.session.refresh(tom)
    assert tom.user.name == "Tom Trainee" and _details(tom) == DETAILS
    assert ("1 row for current staff has another name than their account: names come from each person's own account "
            "and were not changed.") in shown


def test_the_same_name_says_nothing_about_names(client, u, tom):
    _response, shown = _import(client, u, HEADER + "trainee@example.org,  Tom   Trainee ,,,,,\n")
    assert "another name" not in shown and "other names" not in shown
