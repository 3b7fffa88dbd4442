"""The course page and the home page name the day a course was completed as its certificate does, even after the
trainee changes time zone: Rosa finished at 17:30 on 5 December in California (01:30 UTC on the 6th, 10:30 on the
6th in Tokyo), so her certificate says 5 December; after she moves her profile to Tokyo, the pages still do."""

from __future__ import annotations

from datetime import date

from lms import db
from lms.accounts.models import SiteRole
from lms.certificates import codes, issuance, revocation
from tests.test_certificates_dates import FINISHED, STARTED, YEAR, _issue_at, _long, world  # noqa: F401


def _medium(day: date) -> str:
    return f"{day:%b} {day.day}, {day.year}"


def _pages(client, u) -> dict[str, str]:
    return {
        "course": client.get(u("lms.courses.course", course_slug="core")).get_data(as_text=True),
        "home": client.get(u("lms.main.home")).get_data(as_text=True),
    }


def test_the_pages_keep_the_certificates_day_after_a_change_of_time_zone(client, u, login, world):  # noqa: F811
    rosa = world["rosa"]
    cert = _issue_at(rosa, world["course"], STARTED, FINISHED)
    fifth, sixth = date(YEAR, 12, 5), date(YEAR, 12, 6)
    assert cert.snapshot["completed_on"] == fifth.isoformat()
    rosa.timezone = "Asia/Tokyo"  # where 01:30 UTC on the 6th is 10:30 on the 6th
    db.session.commit()
    login(rosa)
    pages = _pages(client, u)
    assert f"You completed this course on {_long(fifth)}." in pages["course"] and _long(sixth) not in pages["course"]
    assert f"completed {_medium(fifth)}" in pages["home"] and f"completed {_medium(sixth)}" not in pages["home"]
    mine = client.get(u("lms.certificates.mine")).get_data(as_text=True)
    verify = client.get(u("lms.certificates.verify_page", code=codes.display(cert.code))).get_data(as_text=True)
    assert _long(fifth) in mine and _long(fifth) in verify  # what the pages are checked against


def test_the_pages_name_a_day_the_issuer_stated(client, u, login, world, make_user):  # noqa: F811
    """A certificate reissued by hand for training finished on paper on 1 December: the pages say that day too."""
    rosa, course = world["rosa"], world["course"]
    admin = make_user("admin@example.org", role=SiteRole.ADMIN)
    first = _issue_at(rosa, course, STARTED, FINISHED)
    revocation.revoke(first.code, "Misspelt name", admin)
    issuance.issue_manually(rosa, course, admin, "Finished on paper", completed_on=date(YEAR, 12, 1))
    db.session.commit()
    login(rosa)
    pages = _pages(client, u)
    assert f"You completed this course on {_long(date(YEAR, 12, 1))}." in pages["course"]
    assert f"completed {_medium(date(YEAR, 12, 1))}" in pages["home"]


def test_without_a_certificate_the_day_is_on_the_trainees_calendar(client, u, login, world, make_user):  # noqa: F811
    """A revoked certificate no longer speaks for the training: the day is then the one in the trainee's zone, as a
    certificate issued now would state it."""
    rosa = world["rosa"]
    cert = _issue_at(rosa, world["course"], STARTED, FINISHED)
    revocation.revoke(cert.code, "Issued in error", make_user("admin@example.org", role=SiteRole.ADMIN))
    rosa.timezone = "Asia/Tokyo"
    db.session.commit()
    login(rosa)
    assert f"You completed this course on {_long(date(YEAR, 12, 6))}." in _pages(client, u)["course"]
