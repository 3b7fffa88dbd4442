"""Employers see their staff's courses completed without a certificate (``lms.certificates.withheld``), and what
happens next: on the staff member's page, the staff list, the staff certificates list and the continuing-education
dashboard; current staff only, as for certificates. Trainers are warned on the course's authoring page and when
publishing when its required modules credit 0 minutes in all (so completing it would issue no certificate)."""

from __future__ import annotations

import re
from datetime import timedelta
from html import unescape

import pytest
from sqlalchemy import select

from lms import db
from lms.catalog import course_authoring, lesson_authoring, module_authoring
from lms.catalog import services as catalog
from lms.catalog.models import CourseStatus
from lms.certificates import issuance, training, withheld
from lms.orgs import employment
from lms.orgs.models import Membership
from tests.test_certificates_counted import _long, _read, _today
from tests.test_hours_ledger import Staff, make_staff

NEXT = ("What happens next: ask the course's trainer to issue the certificate by hand, stating the hours of the "
        "training. It is also issued automatically as soon as a module of the course that credits time is completed.")
WHY = ("No certificate was issued for these completed courses: the modules completed in them credit no training time "
       "(0 hours), and a certificate must state the hours of training it certifies.")
WARNING = ("Completing this course issues no certificate. Its required modules credit 0 minutes in all, and a "
           "certificate must state the hours of training it certifies.")


def _text(page: str) -> str:
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", page))).strip()


def _membership(org, user) -> Membership:
    return db.session.execute(select(Membership).where(Membership.org_id == org.id, Membership.user_id == user.id)
                              ).scalar_one()


@pytest.fixture
def staff(make_user, make_org, add_member) -> Staff:
    """acme with its manager Bea; Tina and Carl on its staff since 2025; "other" with its manager Rex."""
    return make_staff(make_user, make_org, add_member)


@pytest.fixture
def orientation(trainer):
    """A published course whose one required module credits 0 minutes."""
    course = course_authoring.create_course(course_authoring.CourseData(slug="orientation", title="Orientation"), trainer)
    welcome = module_authoring.add_module(course, module_authoring.ModuleData(slug="welcome", title="Welcome",
                                                                              credited_minutes=0), trainer)
    lesson_authoring.add_lesson(course, welcome, "hello", "Hello", "Text.", 5, trainer)
    course_authoring.set_course_status(course, CourseStatus.PUBLISHED, trainer)
    db.session.commit()
    return course


@pytest.fixture
def held(staff, orientation):
    """Tina completed Orientation (its one required module credits 0 minutes): no certificate."""
    enrollment = _read(staff.trainee, orientation, "welcome", "hello")
    assert withheld.is_withheld(enrollment)
    return enrollment


def _pages(client, u, org, membership) -> dict[str, str]:
    paths = {
        "member": u("lms.orgs.member", org_slug=org.slug, membership_id=membership.id),
        "staff": u("lms.orgs.show", org_slug=org.slug),
        "certificates": u("lms.certificates.staff", org_slug=org.slug),
        "ce": u("lms.hours.compliance_dashboard", org_slug=org.slug),
    }
    pages = {}
    for name, path in paths.items():
        response = client.get(path)
        assert response.status_code == 200, name
        pages[name] = response.get_data(as_text=True)
    return pages


def test_the_employer_sees_a_completion_without_a_certificate_and_what_happens_next(client, u, login, staff, held):
    tina, org = staff.trainee, staff.org
    membership = _membership(org, tina)
    member_url = u("lms.orgs.member", org_slug=org.slug, membership_id=membership.id)
    login(staff.manager)
    pages = _pages(client, u, org, membership)
    completed = _long(_today())

    member = _text(pages["member"])
    assert "Completed without a certificate" in member and WHY in member and NEXT in member
    assert f"Orientation {completed}" in member
    assert "No certificate: 0 hours credited" in member and 'href="#withheld"' in pages["member"]
    assert "No certificates yet." not in member  # the section says what there is instead

    for name in ("certificates", "ce"):
        text = _text(pages[name])
        assert WHY in text and NEXT in text, name
        assert f"Tina Trainee Orientation {completed}" in text, name
        assert f'<a href="{member_url}">Tina Trainee</a>' in pages[name], name
        assert "Carl Colleague Orientation" not in text, name

    staff_list = pages["staff"]
    assert staff_list.count("Completed a course without a certificate") == 1
    assert f'href="{member_url}#withheld"' in staff_list
    carl_url = u("lms.orgs.member", org_slug=org.slug, membership_id=_membership(org, staff.colleague).id)
    assert f'href="{carl_url}#withheld"' not in staff_list

    filtered = client.get(u("lms.certificates.staff", org_slug=org.slug, show="valid")).get_data(as_text=True)
    assert "Completed without a certificate" not in filtered  # a filter of certificates lists certificates only


def test_another_organisation_sees_nothing_of_it(client, u, login, staff, held):
    login(staff.other_manager)
    for path in (u("lms.certificates.staff", org_slug="other"), u("lms.hours.compliance_dashboard", org_slug="other"),
                 u("lms.orgs.show", org_slug="other")):
        page = client.get(path).get_data(as_text=True)
        assert "without a certificate" not in page and "Tina Trainee" not in page, path
    assert client.get(u("lms.certificates.staff", org_slug="acme")).status_code in (403, 404)


def test_it_leaves_the_pages_once_a_certificate_is_issued(client, u, login, staff, held, orientation, trainer):
    issuance.issue_manually(staff.trainee, orientation, trainer, "Given in person", training.TrainingMinutes(self_paced=60))
    db.session.commit()
    login(staff.manager)
    for name, page in _pages(client, u, staff.org, _membership(staff.org, staff.trainee)).items():
        assert "without a certificate" not in page and "0 hours credited" not in page, name


def test_former_staff_leave_the_lists_and_their_page_shows_none(client, u, login, staff, held):
    membership = _membership(staff.org, staff.trainee)
    employment.remove_member(membership, staff.manager, _today() - timedelta(days=1))
    db.session.commit()
    assert withheld.list_for_org(staff.org.id) == [] and withheld.staff_ids_for_org(staff.org.id) == set()
    login(staff.manager)
    for name, page in _pages(client, u, staff.org, membership).items():
        assert "Completed without a certificate" not in page and "Completed a course without" not in page, name


def test_the_org_lists_run_a_fixed_number_of_queries(staff, orientation, make_user, add_member, count_queries):
    """One query for the people marked, one for the list, one for its titles, however many completed."""
    _read(staff.trainee, orientation, "welcome", "hello")
    with count_queries() as one:
        withheld.shown(withheld.list_for_org(staff.org.id), "en")
        withheld.staff_ids_for_org(staff.org.id)
    for n in range(3):
        person = make_user(f"p{n}@example.org")
        add_member(staff.org, person)
        _read(person, orientation, "welcome", "hello")
    with count_queries() as many:
        rows = withheld.shown(withheld.list_for_org(staff.org.id), "en")
        ids = withheld.staff_ids_for_org(staff.org.id)
    assert len(rows) == len(ids) == 4
    assert many.count == one.count


# ---------------------------------------------------------------- trainers: warned before it happens


def test_the_authoring_page_and_publishing_warn_when_required_modules_credit_nothing(client, u, login, trainer):
    course = course_authoring.create_course(course_authoring.CourseData(slug="intro", title="Intro"), trainer)
    welcome = module_authoring.add_module(course, module_authoring.ModuleData(slug="welcome", title="Welcome",
                                                                              credited_minutes=0), trainer)
    lesson_authoring.add_lesson(course, welcome, "hello", "Hello", "Text.", 5, trainer)
    extra = module_authoring.add_module(course, module_authoring.ModuleData(slug="extra", title="Extra", credited_minutes=45,
                                                          is_required=False), trainer)
    lesson_authoring.add_lesson(course, extra, "more", "More", "Text.", 5, trainer)
    db.session.commit()
    login(trainer)
    page = client.get(u("lms.authoring.course", course_slug="intro")).get_data(as_text=True)
    assert WARNING in _text(page) and 'id="no-certificate"' in page
    assert ("A trainee who completes only the required modules completes the course without a certificate, until a "
            "trainer issues one by hand with the hours of their training.") in _text(page)
    confirm = client.get(u("lms.authoring.set_status", course_slug="intro", status="published"))
    assert confirm.status_code == 200 and WARNING in _text(confirm.get_data(as_text=True))
    # A warning, not a refusal: the course can still be published.
    done = client.submit(u("lms.authoring.set_status", course_slug="intro"), {"status": "published", "confirm": "yes"})
    assert done.status_code == 302
    db.session.refresh(course)
    assert course.status is CourseStatus.PUBLISHED
    assert WARNING in _text(client.get(u("lms.authoring.course", course_slug="intro")).get_data(as_text=True))

    welcome.credited_minutes = 15  # one required minute credited is enough for a certificate
    db.session.commit()
    page = client.get(u("lms.authoring.course", course_slug="intro")).get_data(as_text=True)
    assert WARNING not in _text(page) and 'id="no-certificate"' not in page


def test_no_warning_without_required_modules_or_when_they_credit_time(client, u, login, trainer):
    empty = course_authoring.create_course(course_authoring.CourseData(slug="empty", title="Empty"), trainer)
    timed = course_authoring.create_course(course_authoring.CourseData(slug="timed", title="Timed"), trainer)
    module = module_authoring.add_module(timed, module_authoring.ModuleData(slug="m", title="M", credited_minutes=30), trainer)
    lesson_authoring.add_lesson(timed, module, "l", "L", "Text.", 5, trainer)
    db.session.commit()
    assert not withheld.withholds_on_completion(catalog.load_outline(empty).modules)
    login(trainer)
    for slug in ("empty", "timed"):
        assert 'id="no-certificate"' not in client.get(u("lms.authoring.course", course_slug=slug)).get_data(as_text=True)
    confirm = client.get(u("lms.authoring.set_status", course_slug="timed", status="published")).get_data(as_text=True)
    assert 'id="no-certificate"' not in confirm
