"""A revoked certificate does not block a new one for the same course version: a trainer revokes a certificate issued
in error and issues the trainee a new one, with its own number and code. The revoked one stays revoked, and the
database still allows only one certificate in force per trainee and course version."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from lms import db
from lms.accounts.models import SiteRole
from lms.catalog import course_authoring, lesson_authoring, module_authoring
from lms.catalog import services as catalog
from lms.catalog.models import CourseStatus
from lms.certificates import codes, issuance, training
from lms.certificates.models import Certificate, CertificateStatus
from lms.db import utcnow
from lms.enrollment import services as learning
from lms.enrollment import visits
from tests.test_certificates_manual import ZERO, _course, _hours_page, _issued_audit


@pytest.fixture
def world(app, make_user):
    """A trainer, a published course "core", and Nadia, who did none of it in the LMS."""
    trainer = make_user("teacher@example.org", role=SiteRole.TRAINER)
    return {"trainer": trainer, "course": _course(trainer, "core", 90), "nadia": make_user("nadia@example.org", name="Nadia New")}


def _certificates(user) -> list[Certificate]:
    return list(db.session.execute(select(Certificate).where(Certificate.user_id == user.id).order_by(Certificate.id)).scalars())


def _issue_by_hand(client, u, trainee, hours: str, reason: str):
    return client.submit(_hours_page(client, u, trainee), {**ZERO, "live_hours": hours, "reason": reason})


def _revoke(client, u, cert: Certificate, reason: str) -> None:
    done = client.submit(u("lms.certificates.revoke", code=codes.display(cert.code)), {"reason": reason})
    assert done.status_code == 302, done.get_data(as_text=True)[:2000]


def test_a_trainer_revokes_a_certificate_and_issues_a_new_one(client, u, login, world):
    nadia = world["nadia"]
    login(world["trainer"])
    assert _issue_by_hand(client, u, nadia, "4", "Workshop").status_code == 200
    [first] = _certificates(nadia)
    _revoke(client, u, first, "Issued with 4 hours instead of 6")

    page = client.get(_hours_page(client, u, nadia)).get_data(as_text=True)
    assert f"earlier certificate for this course version, {first.number}, was revoked on" in page
    assert "Issued with 4 hours instead of 6" in page and 'name="live_hours"' in page
    done = _issue_by_hand(client, u, nadia, "6", "Reissued with the right hours")
    assert done.status_code == 200 and "Certificate issued to Nadia New" in done.get_data(as_text=True)

    old, new = _certificates(nadia)
    assert old.id == first.id and old.status is CertificateStatus.REVOKED and old.snapshot["minutes"]["live"] == 240
    assert new.status is CertificateStatus.VALID and new.snapshot["minutes"]["live"] == 360
    assert new.code != old.code and new.number != old.number
    assert _issued_audit(new).data["replaces"] == old.number and "replaces" not in _issued_audit(old).data
    assert issuance.get_certificate(nadia, world["course"]).id == new.id

    old_page = client.get(u("lms.certificates.verify_page", code=codes.display(old.code))).get_data(as_text=True)
    new_page = client.get(u("lms.certificates.verify_page", code=codes.display(new.code))).get_data(as_text=True)
    assert "This certificate was revoked on" in old_page and "This certificate was revoked" not in new_page

    # The new one is now the one in force: asking again shows it instead of the form.
    again = _issue_by_hand(client, u, nadia, "8", "Once more")
    assert "already had a certificate" in again.get_data(as_text=True) and codes.display(new.code) in again.get_data(as_text=True)
    assert len(_certificates(nadia)) == 2

    login(nadia)
    mine = client.get(u("lms.certificates.mine")).get_data(as_text=True)
    assert codes.display(new.code) in mine and "This certificate was revoked on" in mine


def test_the_hours_form_says_nothing_about_revocation_when_there_was_none(client, u, login, world):
    login(world["trainer"])
    page = client.get(_hours_page(client, u, world["nadia"])).get_data(as_text=True)
    assert "was revoked" not in page and 'name="live_hours"' in page


def test_the_cli_issues_a_new_certificate_after_a_revocation(runner, client, u, login, world):
    nadia = world["nadia"]
    login(world["trainer"])
    _issue_by_hand(client, u, nadia, "4", "Workshop")
    [first] = _certificates(nadia)
    _revoke(client, u, first, "Wrong hours")
    args = ["lms", "certificates", "issue", "--email", nadia.email, "--course", "core", "--reason", "Reissued"]
    hours = ["--live-hours", "6", "--self-paced-hours", "0", "--field-hours", "0"]
    result = runner.invoke(args=[*args, *hours, "--by", "teacher@example.org"])
    assert result.exit_code == 0, result.output
    new = _certificates(nadia)[-1]
    assert result.output.startswith(codes.display(new.code)) and f"Replaces {first.number}, revoked on" in result.output


def test_the_database_keeps_one_certificate_in_force_per_course_version(world):
    """The unique index covers the certificates not revoked: a second one in force is refused by the database itself
    (a race between two issuers finds the winner's row), while any number of revoked ones may stay beside it."""
    nadia, course = world["nadia"], world["course"]
    cert = issuance.issue_manually(nadia, course, world["trainer"], "Paper", training.TrainingMinutes(live=60))
    db.session.commit()

    def copy_of(source: Certificate, **changes) -> Certificate:
        columns = {c.key: getattr(source, c.key) for c in Certificate.__mapper__.column_attrs if c.key != "id"}
        return Certificate(**{**columns, "code": codes.new_code(), "number": source.number + "-b", **changes})

    db.session.add(copy_of(cert))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()

    db.session.add(copy_of(cert, status=CertificateStatus.REVOKED, revoked_at=cert.issued_at, revocation_reason="Old"))
    db.session.commit()
    assert len(_certificates(nadia)) == 2 and issuance.get_certificate(nadia, course).id == cert.id


def test_the_course_page_says_a_revoked_certificate_was_revoked_until_a_new_one_is_issued(client, u, login, make_user, world):
    trainer = world["trainer"]
    course = course_authoring.create_course(course_authoring.CourseData(slug="short", title="Short course"), trainer)
    module = module_authoring.add_module(course, module_authoring.ModuleData(slug="only", title="Only", credited_minutes=30), trainer)
    lesson_authoring.add_lesson(course, module, "read", "Read", "Text", 10, trainer)
    course_authoring.set_course_status(course, CourseStatus.PUBLISHED, trainer)
    rosa = make_user("rosa@example.org", name="Rosa Díaz")
    enrollment = learning.enroll(rosa, course)
    visits.complete_lesson(enrollment, catalog.get_lesson(module, "read"), utcnow(), timedelta(minutes=30))
    db.session.commit()
    [automatic] = _certificates(rosa)
    page = u("lms.courses.course", course_slug="short")

    login(rosa)
    assert "Download your certificate (PDF)" in client.get(page).get_data(as_text=True)
    login(trainer)
    _revoke(client, u, automatic, "Completed under another person's account")
    login(rosa)
    shown = client.get(page).get_data(as_text=True)
    assert "Your certificate for this course was revoked." in shown and "Download your certificate (PDF)" not in shown

    login(trainer)
    client.submit(_hours_page(client, u, rosa, "short"), {**ZERO, "self_paced_hours": "0.5", "reason": "Checked in person"})
    new = _certificates(rosa)[-1]
    login(rosa)
    shown = client.get(page).get_data(as_text=True)
    assert "was revoked" not in shown and codes.display(new.code) in shown


def test_a_certificate_issued_by_hand_states_the_day_the_training_was_completed(client, u, login, runner, world):
    """Training done elsewhere (a paper course at a community event in October) is not "started and completed today"."""
    nadia = world["nadia"]
    login(world["trainer"])
    path = _hours_page(client, u, nadia)
    future = client.submit(path, {**ZERO, "live_hours": "4", "reason": "Paper", "completed_on": "2099-01-01"})
    assert future.status_code == 400 and "cannot have been completed after today" in future.get_data(as_text=True)
    assert "Paper</textarea>" in future.get_data(as_text=True) and _certificates(nadia) == []

    done = client.submit(path, {**ZERO, "live_hours": "4", "reason": "Paper course, county fair", "completed_on": "2026-10-14"})
    assert done.status_code == 200
    [cert] = _certificates(nadia)
    assert (cert.snapshot["started_on"], cert.snapshot["completed_on"]) == ("2026-10-14", "2026-10-14")
    assert cert.snapshot["issued_on"] != "2026-10-14" and _issued_audit(cert).data["completed_on"] == "2026-10-14"
    page = client.get(u("lms.certificates.verify_page", code=codes.display(cert.code))).get_data(as_text=True)
    assert "October 14, 2026" in page

    _revoke(client, u, cert, "Wrong course")
    args = ["lms", "certificates", "issue", "--email", nadia.email, "--course", "core", "--reason", "Reissued"]
    result = runner.invoke(args=[*args, "--live-hours", "4", "--completed-on", "2026-10-15", "--by", "teacher@example.org"])
    assert result.exit_code == 0, result.output
    assert _certificates(nadia)[-1].snapshot["completed_on"] == "2026-10-15"
    bad = runner.invoke(args=[*args, "--completed-on", "14/10/2026"])
    assert bad.exit_code == 2 and "14/10/2026" in bad.output
