"""A staff member's page and the organisation's staff: ending employment with a confirmation, former staff listed on
the organisation's page, undoing an end recorded by mistake, and the staff page leading to the person's hours,
continuing education, courses and certificates (a fixed number of queries)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from lms import db
from lms.accounts.models import SiteRole
from lms.audit import AuditEvent
from lms.catalog import course_authoring, lesson_authoring, module_authoring
from lms.catalog.models import CourseStatus
from lms.certificates import issuance
from lms.db import utcnow
from lms.enrollment import services as enrollment
from lms.orgs import employment, invitations, joining
from lms.orgs import services as orgs
from lms.orgs.models import MemberRole
from tests.conftest import html_text


@pytest.fixture
def acme(make_user, make_org, add_member):
    boss = make_user("boss@example.org", name="Bea Boss")
    org = make_org("acme", manager=boss, name="Acme Clinic")
    lupe = add_member(org, make_user("lupe@example.org", name="Lupe Ortiz"), employee_id="E-7",
                      employment_start=date(2020, 3, 1))
    return org, boss, lupe


def _end(client, u, membership, day: date, confirm: bool = True):
    data = {"ended_on": day.isoformat()}
    if confirm:
        data["confirm"] = "yes"
    return client.submit(u("lms.orgs.end_member", org_slug="acme", membership_id=membership.id), data)


# ---------------------------------------------------------------- ending employment: a confirmation first


def test_ending_employment_asks_first_naming_the_person_the_day_and_what_it_means(client, u, acme, login):
    org, boss, lupe = acme
    login(boss)
    today = org.today()
    page = _end(client, u, lupe, today, confirm=False)
    assert page.status_code == 200
    text = html_text(page.text)
    assert "End the employment of Lupe Ortiz?" in text and "lupe@example.org" in text
    assert "not listed as current staff" in text and "Former staff" in text
    assert "Their hours up to and including" in text and "They keep their account, their certificates" in text
    assert 'name="confirm" value="yes"' in page.text and f'value="{today.isoformat()}"' in page.text
    db.session.refresh(lupe)
    assert lupe.employment_end is None  # nothing happens before the confirmation

    done = _end(client, u, lupe, today)
    assert done.status_code == 302
    db.session.refresh(lupe)
    assert lupe.employment_end == today
    show = client.get(done.headers["Location"]).text
    assert "Lupe Ortiz's employment ended on" in html_text(show) and "listed under former staff" in html_text(show)
    former = show[show.index('id="former-staff"'):]
    assert "Lupe Ortiz" in former and u("lms.orgs.member", org_slug="acme", membership_id=lupe.id) in former
    staff = show[show.index('id="staff-heading"'):show.index('id="former-staff"')]
    assert "Lupe Ortiz" not in staff


def test_a_managers_confirmation_says_they_stop_managing(client, u, acme, make_user, add_member, login):
    org, boss, _lupe = acme
    deputy = add_member(org, make_user(name="Dee Deputy"), role=MemberRole.MANAGER)
    login(boss)
    assert "They stop being a manager here at once." in _end(client, u, deputy, org.today(), confirm=False).text


def test_ending_without_a_day_or_with_a_bad_one_says_why(client, u, acme, login):
    org, boss, lupe = acme
    login(boss)
    path = u("lms.orgs.end_member", org_slug="acme", membership_id=lupe.id)
    empty = client.submit(path, {"ended_on": ""})
    assert empty.status_code == 400 and "Enter their last day of employment." in empty.text
    assert "This field is required." not in empty.text
    ahead = _end(client, u, lupe, org.today() + timedelta(days=1), confirm=False)  # refused before the confirmation
    assert ahead.status_code == 400 and "on or after the last day" in ahead.text
    assert "End the employment of" not in ahead.text


def test_the_org_page_has_no_former_staff_section_until_someone_leaves(client, u, acme, login):
    _org, boss, _lupe = acme
    login(boss)
    assert 'id="former-staff"' not in client.get(u("lms.orgs.show", org_slug="acme")).text


# ---------------------------------------------------------------- a former member's page, and undoing the end


def test_a_former_members_page_says_when_it_ended_and_offers_undo_not_editing(client, u, acme, login):
    org, boss, lupe = acme
    employment.remove_member(lupe, boss, org.today())
    db.session.commit()
    login(boss)
    page = client.get(u("lms.orgs.member", org_slug="acme", membership_id=lupe.id)).text
    assert "Their employment ended on" in html_text(page)
    assert 'name="role"' not in page and 'name="employee_id"' not in page and 'name="ended_on"' not in page
    assert "Undo: they still work here" in page and "E-7" in page
    assert "An organisation sees the certificates of its current staff only." in html_text(page)


def test_undo_makes_them_current_staff_again_with_an_audit_row(client, u, acme, login):
    org, boss, lupe = acme
    login(boss)
    ended = org.today()
    _end(client, u, lupe, ended)
    response = client.submit(u("lms.orgs.reinstate_member", org_slug="acme", membership_id=lupe.id))
    assert response.status_code == 302
    message = html_text(client.get(response.headers["Location"]).text)
    assert "Lupe Ortiz is current staff again" in message
    db.session.refresh(lupe)
    assert lupe.employment_end is None and lupe.role is MemberRole.MEMBER and lupe in orgs.list_members(org)
    event = db.session.execute(select(AuditEvent).where(AuditEvent.action == "membership.reinstated")).scalar_one()
    assert event.actor_id == boss.id and event.org_id == org.id
    assert event.data == {"employment_end": None, "was": {"employment_end": ended.isoformat()}}


def test_undo_does_not_make_a_former_manager_a_manager_again(app, acme, make_user, add_member):
    org, boss, _lupe = acme
    deputy = add_member(org, make_user(name="Dee Deputy"), role=MemberRole.MANAGER)
    employment.remove_member(deputy, boss, org.today())
    employment.reinstate_member(deputy, boss)
    db.session.commit()
    assert deputy.role is MemberRole.MEMBER and orgs.managed_org_slugs(deputy.user) == set()


def test_undo_is_refused_while_an_invitation_to_them_is_open(client, u, acme, login):
    org, boss, lupe = acme
    employment.remove_member(lupe, boss, org.today())
    invitations.invite(org, "lupe@example.org", None, orgs.Employment(role=MemberRole.MANAGER), boss, 14)
    db.session.commit()
    login(boss)
    response = client.submit(u("lms.orgs.reinstate_member", org_slug="acme", membership_id=lupe.id))
    assert "An invitation to lupe@example.org is open" in html_text(client.get(response.headers["Location"]).text)
    db.session.refresh(lupe)
    assert lupe.employment_end == org.today()


def test_an_expired_invitation_does_not_stop_the_undo(app, acme):
    """Nobody can join through an expired link, so it does not stand in the way."""
    org, boss, lupe = acme
    employment.remove_member(lupe, boss, org.today())
    invitation, _raw = invitations.invite(org, "lupe@example.org", None, orgs.Employment(), boss, 14)
    invitation.expires_at = utcnow() - timedelta(minutes=1)
    employment.reinstate_member(lupe, boss)
    db.session.commit()
    assert lupe.employment_end is None


def test_undo_after_they_rejoined_by_invitation_changes_nothing(client, u, acme, login):
    """Accepting a new invitation makes them current through the same membership: nothing is left to undo."""
    org, boss, lupe = acme
    employment.remove_member(lupe, boss, org.today())
    invitation, _raw = invitations.invite(org, "lupe@example.org", None, orgs.Employment(job_title="Lead"), boss, 14)
    joining.accept_invitation(invitation, lupe.user, agreed=True)
    db.session.commit()
    login(boss)
    response = client.submit(u("lms.orgs.reinstate_member", org_slug="acme", membership_id=lupe.id))
    assert "Lupe Ortiz is current staff: there is no end of employment to undo." in html_text(
        client.get(response.headers["Location"]).text)
    assert db.session.execute(select(AuditEvent).where(AuditEvent.action == "membership.reinstated")).first() is None


# ---------------------------------------------------------------- where the person stands


def _course(trainer, slug: str):
    course = course_authoring.create_course(course_authoring.CourseData(slug=slug, title=f"Course {slug}", version="2026.1"), trainer)
    module = module_authoring.add_module(course, module_authoring.ModuleData(slug="m", title="Module", credited_minutes=60), trainer)
    lesson_authoring.add_lesson(course, module, "one", "One", "Text", 10, trainer)
    course_authoring.set_course_status(course, CourseStatus.PUBLISHED, trainer)
    return course


def _learning(lupe, trainer, count: int, start: int = 0) -> None:
    """``count`` more courses Lupe is enrolled in, each with a certificate."""
    for n in range(start, start + count):
        course = _course(trainer, f"c{n}")
        enrollment.enroll(lupe.user, course)
        issuance.issue_manually(lupe.user, course, trainer, "Completed on paper", issuance.TrainingMinutes(self_paced=60))
    db.session.commit()


def test_the_staff_page_leads_to_hours_ce_courses_and_certificates(client, u, acme, make_user, login):
    org, boss, lupe = acme
    trainer = make_user("tess@example.org", name="Tess Trainer", role=SiteRole.TRAINER)
    _learning(lupe, trainer, 1)
    login(boss)
    page = client.get(u("lms.orgs.member", org_slug="acme", membership_id=lupe.id)).text
    uid = lupe.user_id
    for link in (u("lms.hours.person_timesheet", org_slug="acme", user_id=uid),
                 u("lms.hours.queue", org_slug="acme", person=uid),
                 u("lms.hours.adjust", org_slug="acme", membership_id=lupe.id),
                 u("lms.hours.checklist_pdf", org_slug="acme", user_id=uid),
                 u("lms.hours.compliance_dashboard", org_slug="acme"),
                 u("lms.certificates.staff", org_slug="acme")):
        assert link.replace("&", "&amp;") in page, link
    courses = html_text(page[page.index('id="member-courses"'):])
    assert "Course c0" in courses and "In progress" in courses and "0% done" in courses
    certificates = page[page.index('id="member-certificates"'):]
    assert "Valid" in certificates and "/certificate.pdf" in certificates
    ce = html_text(page[page.index('id="ce-heading"'):page.index('id="courses-heading"')])
    assert "0 minutes of 6 hours done in the year" in ce


def test_the_staff_page_costs_the_same_queries_for_many_courses_and_certificates(client, u, acme, make_user, login,
                                                                                  count_queries):
    org, boss, lupe = acme
    trainer = make_user("tess@example.org", name="Tess Trainer", role=SiteRole.TRAINER)
    _learning(lupe, trainer, 1)
    login(boss)
    path = u("lms.orgs.member", org_slug="acme", membership_id=lupe.id)
    client.get(path)  # warm-up (cached lookups)
    with count_queries() as one:
        assert client.get(path).status_code == 200
    _learning(lupe, trainer, 4, start=1)
    with count_queries() as five:
        page = client.get(path).text
    assert page.count("/certificate.pdf") == 5
    assert five.count == one.count, five.statements[one.count:]


def test_continuing_education_names_link_to_their_staff_pages(client, u, acme, login):
    _org, boss, lupe = acme
    login(boss)
    page = client.get(u("lms.hours.compliance_dashboard", org_slug="acme")).text
    assert f'href="{u("lms.orgs.member", org_slug="acme", membership_id=lupe.id)}">Lupe Ortiz</a>' in page
