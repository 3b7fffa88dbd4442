"""The audit log says whom a change was about and who made it: certificates by number, holder and course (on the rows
that revoke them too), enrolments by person and course, registrations by person and live session; a filter by who
made the change ("Only my actions", or any account's address); the organisation filter finds the enrolments,
registrations and attendance of the organisation's staff, which are written without an organisation. All in a fixed
number of queries per page."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from html import unescape

import pytest
from sqlalchemy import func, select

from lms import audit, db
from lms.accounts.models import SiteRole
from lms.audit import AuditEvent
from lms.catalog.services import find_course
from lms.certificates import issuance, revocation
from lms.db import utcnow
from lms.enrollment import services as learning
from lms.live import registration
from lms.web.audit_names import org_subjects
from tests.certificates_support import issued_world
from tests.conftest import html_text
from tests.live_support import live_course, schedule


def _rows(page: str) -> list[str]:
    return [html_text(row) for row in re.findall(r'<tr id="event-\d+">.*?</tr>', page, re.S)]


def _row(page: str, action: str) -> str:
    return next(row for row in _rows(page) if f" {action} " in f" {row} ")


def _practice(trainer):
    """The published course "Practice course" with a session of its live module "Role-play practice" in 5 days."""
    course, module = live_course(trainer)
    return course, schedule(module, trainer)[0]


def _register(session, person, actor=None) -> None:
    registration.register(session, person, actor or person, utcnow())  # enrols them in the course too
    db.session.commit()


@pytest.fixture
def world(make_user, make_org, add_member):
    """Acme's Rosa holds a certificate (issued by Tess, a trainer) of the course "ce"; Ada is a site administrator."""
    world = issued_world(make_user, make_org, add_member)
    world["admin"] = make_user("ada@example.org", name="Ada Admin", role=SiteRole.ADMIN)
    return world


def test_certificate_rows_name_the_number_the_holder_and_the_course(client, u, login, world):
    cert = world["cert"]
    revocation.revoke(cert.code, "Misspelt name", world["trainer"])
    db.session.commit()
    login(world["admin"])
    page = client.get(u("lms.admin.audit_log")).get_data(as_text=True)
    expected = f"Certificate {cert.number}: Rosa Díaz, Documentation"
    assert expected in _row(page, "certificate.revoked") and "Misspelt name" in _row(page, "certificate.revoked")
    assert expected in _row(page, "certificate.issued")
    assert "Certificate #" not in page


def test_a_certificate_is_named_by_the_name_it_prints(client, u, login, world):
    """A name corrected after issue does not rename the certificate in the log: it prints the old one."""
    world["trainee"].name = "Rosa María Díaz"
    db.session.commit()
    login(world["admin"])
    row = _row(client.get(u("lms.admin.audit_log", action="certificate.issued")).get_data(as_text=True),
               "certificate.issued")
    assert f"Certificate {world['cert'].number}: Rosa Díaz, Documentation" in row


def test_enrolment_and_registration_rows_name_the_person_and_what_they_joined(client, u, login, world, trainer):
    _course, session = _practice(trainer)
    _register(session, world["trainee"])
    session.starts_at = datetime(2026, 3, 3, 18, 0, tzinfo=UTC)  # 10:00 in Los Angeles, the admin's default zone
    db.session.commit()
    login(world["admin"])
    page = client.get(u("lms.admin.audit_log")).get_data(as_text=True)
    assert "Rosa Díaz in Practice course" in _row(page, "enrollment.created")
    registered = _row(page, "registration.registered")
    assert "Rosa Díaz for Role-play practice, Mar 3, 2026, 10:00 AM" in registered
    assert "Live session: Role-play practice, Mar 3, 2026, 10:00 AM" in registered  # the data's session_id, by name
    created = _row(page, "live_session.created")  # named as it was scheduled, not as it is now
    assert re.search(r"Role-play practice, (.+?) Starts: \1 ", created) and "Mar 3, 2026" not in created
    assert "Enrolment #" not in page and "Registration #" not in page and "Live session #" not in page


# ---------------------------------------------------------------- who made the change


def test_the_log_filters_by_who_made_the_change(client, u, login, world):
    admin = world["admin"]
    revocation.revoke(world["cert"].code, "Wrong course", admin)
    db.session.commit()
    login(admin)
    everyone = client.get(u("lms.admin.audit_log")).get_data(as_text=True)
    mine_link = unescape(re.search(r'href="([^"]+)">Only my actions', everyone).group(1))
    assert "by=ada%40example.org" in mine_link or "by=ada@example.org" in mine_link
    mine = client.get(mine_link).get_data(as_text=True)
    rows = _rows(mine)
    assert any("certificate.revoked" in row for row in rows) and len(rows) == db.session.scalar(
        select(func.count()).select_from(AuditEvent).where(AuditEvent.actor_id == admin.id))
    assert all(row.split(" Ada Admin ")[0] != row for row in rows)  # Ada in each row's "Who"
    assert "Changes made by Ada Admin (ada@example.org)." in html_text(mine) and "Only my actions" not in mine
    assert 'value="ada@example.org"' in mine

    tess = client.get(u("lms.admin.audit_log", by="  TEACHER@example.org ")).get_data(as_text=True)
    assert _rows(tess) and all("Tess Trainer" in row for row in _rows(tess))
    assert len(_rows(tess)) == db.session.scalar(
        select(func.count()).select_from(AuditEvent).where(AuditEvent.actor_id == world["trainer"].id))
    both = client.get(u("lms.admin.audit_log", by="teacher@example.org", action="certificate.revoked"))
    assert "Nothing in the audit log matches." in both.get_data(as_text=True)


def test_an_address_without_an_account_says_so(client, u, login, world):
    login(world["admin"])
    page = client.get(u("lms.admin.audit_log", by="nobody@example.org"))
    assert page.status_code == 200
    text = html_text(page.get_data(as_text=True))
    assert "No account has the email address nobody@example.org." in text and _rows(page.get_data(as_text=True)) == []
    assert "Nothing in the audit log matches." not in text


def test_the_pager_keeps_the_actor_filter(client, u, login, world, monkeypatch):
    from lms.web import admin as admin_views

    monkeypatch.setattr(admin_views, "LOG_PAGE_SIZE", 1)
    login(world["admin"])
    page = unescape(client.get(u("lms.admin.audit_log", by="teacher@example.org")).get_data(as_text=True))
    pager = page[page.index('class="learn-pager"'):]
    assert "by=teacher@example.org" in pager and "page=2" in pager


# ---------------------------------------------------------------- the organisation filter


@pytest.fixture
def two_orgs(world, make_user, make_org, add_member, trainer):
    """Rosa (Acme staff) and Omar (Other Place staff) each register for a live session, which enrols them in its
    course; so does Lupe, who belongs to no organisation."""
    course, session = _practice(trainer)
    omar = make_user("omar@example.org", name="Omar Otro")
    add_member(make_org("other", name="Other Place"), omar)
    lupe = make_user("lupe@example.org", name="Lupe Sola")
    for person in (world["trainee"], omar, lupe):
        _register(session, person)
    return {**world, "omar": omar, "lupe": lupe, "course": course, "session": session}


def test_the_organisation_filter_finds_its_staffs_enrolments_and_registrations(client, u, login, two_orgs):
    login(two_orgs["admin"])
    acme = _rows(client.get(u("lms.admin.audit_log", org="acme")).get_data(as_text=True))
    enrolled = [row for row in acme if "enrollment.created" in row]
    registered = [row for row in acme if "registration.registered" in row]
    by_hand, enrolled = [row for row in enrolled if "by hand" in row], [row for row in enrolled if "by hand" not in row]
    assert len(by_hand) == 1 and "Rosa Díaz in Documentation" in by_hand[0]  # her certificate's enrolment
    assert len(enrolled) == 1 and "Rosa Díaz in Practice course" in enrolled[0]
    assert "Acme Clinic (the person is or was on its staff)" in enrolled[0]
    assert len(registered) == 1 and "Rosa Díaz for" in registered[0]
    assert any("certificate.issued" in row for row in acme)  # rows written with the organisation, as before
    assert not any("Omar" in row or "Lupe" in row for row in acme)
    other = _rows(client.get(u("lms.admin.audit_log", org="other", action="enrollment.created")).get_data(as_text=True))
    assert len(other) == 1 and "Omar Otro in Practice course" in other[0]


def test_former_staff_stay_in_their_organisations_log(client, u, login, two_orgs):
    from datetime import date

    from lms.orgs import employment

    membership = two_orgs["membership"]
    employment.remove_member(membership, two_orgs["manager"], date.today() - timedelta(days=1))
    db.session.commit()
    login(two_orgs["admin"])
    rows = _rows(client.get(u("lms.admin.audit_log", org="acme", action="enrollment.created")).get_data(as_text=True))
    assert len(rows) == 2 and all("Rosa Díaz" in row for row in rows)  # by registering, and by her certificate


def test_the_organisation_filter_pages_through_both_kinds_of_rows(client, u, login, two_orgs, monkeypatch):
    """Rows written with the organisation and rows about its staff interleave newest first, page after page, each
    once."""
    from lms.web import admin as admin_views

    monkeypatch.setattr(admin_views, "LOG_PAGE_SIZE", 2)
    rosa = two_orgs["trainee"]
    enrollment = learning.get_enrollment(rosa, two_orgs["course"])
    learning.withdraw(enrollment, rosa)
    db.session.commit()
    expected = [e.id for e in audit.list_events(org_id=two_orgs["org"].id, org_subjects=org_subjects(two_orgs["org"].id),
                                                limit=100)]
    assert expected == sorted(expected, reverse=True) and len(expected) == len(set(expected)) >= 5
    login(two_orgs["admin"])
    seen, number = [], 1
    while True:
        page = client.get(u("lms.admin.audit_log", org="acme", page=number)).get_data(as_text=True)
        seen += [int(i) for i in re.findall(r'<tr id="event-(\d+)">', page)]
        if "Next page" not in page:
            break
        number += 1
    assert seen == expected


def test_the_page_runs_a_fixed_number_of_queries(client, u, login, world, make_user, add_member, trainer, count_queries):
    """Certificates, enrolments, registrations and live sessions named on every row, filtered by organisation and
    actor or not: the same queries for 1 or 6 of each."""
    _course, session = _practice(trainer)
    login(world["admin"])
    filtered, unfiltered = u("lms.admin.audit_log", org="acme", by="teacher@example.org"), u("lms.admin.audit_log")

    def more() -> None:
        person = make_user()
        add_member(world["org"], person)
        _register(session, person, world["trainer"])
        issuance.issue_manually(person, find_course("ce"), world["trainer"], "Paper", issuance.TrainingMinutes(live=60))
        db.session.commit()

    def measure(url: str) -> int:
        with count_queries() as queries:
            assert client.get(url).status_code == 200
        return queries.count

    more()
    before = measure(filtered), measure(unfiltered)
    for _ in range(5):
        more()
    rows = _rows(client.get(filtered).get_data(as_text=True))
    assert len([row for row in rows if "Certificate CHW-" in row]) == 7  # and Rosa's
    assert len([row for row in rows if "registration.registered" in row and " for Role-play practice, " in row]) == 6
    assert (measure(filtered), measure(unfiltered)) == before


def test_odd_actor_filters_never_fail(client, u, login, world):
    login(world["admin"])
    for value in ("x" * 600, "<script>", "a@b", "@@", " "):
        assert client.get(u("lms.admin.audit_log", by=value)).status_code == 200
