"""A certificate issued by hand never states 0 hours. Without stated hours, ``issuance.issue_manually`` states the
credited minutes of the modules completed in the LMS, and when there are none it refuses (a certificate of no
training) before writing anything: no enrolment, no audit row, no certificate. The web form and the command line,
which always state hours, refuse 0 with their own messages, and never fail."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from lms import db
from lms.accounts.models import SiteRole
from lms.audit import AuditEvent
from lms.certificates import issuance, training
from lms.certificates.models import Certificate
from lms.enrollment import services as learning
from lms.enrollment.models import Enrollment
from lms.errors import DomainError
from tests.test_certificates_manual import ZERO, _certificate, _complete_self_paced, _course, _hours_page, _issued_audit

NO_TRAINING = "so the certificate would state 0 hours: state the hours of training done outside the LMS"


@pytest.fixture
def world(app, make_user):
    """Rosa completed the course's self-paced module in the LMS (90 minutes); Nadia did nothing in it."""
    trainer = make_user("teacher@example.org", role=SiteRole.TRAINER)
    course = _course(trainer, "core", 90)
    rosa = make_user("rosa@example.org", name="Rosa Díaz")
    _complete_self_paced(rosa, course)
    return {"trainer": trainer, "course": course, "rosa": rosa, "nadia": make_user("nadia@example.org", name="Nadia New")}


def _counts() -> tuple[int, int, int]:
    """Certificates, enrolments and audit rows in the database."""
    models = (Certificate, Enrollment, AuditEvent)
    return tuple(db.session.execute(select(func.count()).select_from(model)).scalar() for model in models)


def _refused(world, user) -> DomainError:
    """Issue by hand without stated hours; the refusal, after checking nothing was written or left to write."""
    before = _counts()
    with pytest.raises(DomainError) as refusal:
        issuance.issue_manually(user, world["course"], world["trainer"], "Completed on paper")
    assert not db.session.new and not db.session.dirty
    db.session.commit()
    assert _counts() == before and _certificate(user) is None
    return refusal.value


def test_the_service_refuses_a_certificate_of_no_training_and_writes_nothing(world):
    refusal = _refused(world, world["nadia"])
    assert NO_TRAINING in refusal.message and refusal.status == 400
    assert db.session.execute(select(Enrollment).where(Enrollment.user_id == world["nadia"].id)).first() is None


def test_an_enrolment_with_nothing_completed_is_refused_too(world):
    learning.enroll(world["nadia"], world["course"])
    db.session.commit()
    assert NO_TRAINING in _refused(world, world["nadia"]).message


def test_stated_hours_are_still_issued(world):
    nadia = world["nadia"]
    stated = training.TrainingMinutes(live=120, self_paced=750)
    cert = issuance.issue_manually(nadia, world["course"], world["trainer"], "Completed the county's paper course", stated)
    db.session.commit()
    assert cert.snapshot["minutes"] == {"live": 120, "self_paced": 750, "field": 0, "total": 870}
    event = _issued_audit(cert)
    assert event.data["lms_minutes"]["total"] == 0 and event.data["stated_minutes"]["total"] == 870
    assert db.session.execute(select(Enrollment).where(Enrollment.user_id == nadia.id)).scalar_one() is not None


def test_without_stated_hours_the_credited_minutes_of_completed_modules_are_stated(world):
    cert = issuance.issue_manually(world["rosa"], world["course"], world["trainer"], "Rest of the course on paper")
    db.session.commit()
    credited = {"live": 0, "self_paced": 90, "field": 0, "total": 90}
    assert cert.snapshot["minutes"] == credited
    event = _issued_audit(cert)
    assert event.data["lms_minutes"] == credited and event.data["stated_minutes"] == credited


def test_a_certificate_in_force_is_returned_unchanged_without_stated_hours(world):
    """Issuing again returns the certificate in force, as it always has: it states nothing new."""
    nadia = world["nadia"]
    first = issuance.issue_manually(nadia, world["course"], world["trainer"], "Paper", training.TrainingMinutes(live=240))
    db.session.commit()
    before = _counts()
    again = issuance.issue_manually(nadia, world["course"], world["trainer"], "Again")
    db.session.commit()
    assert again.id == first.id and again.snapshot["minutes"]["total"] == 240 and _counts() == before


def test_the_web_form_refuses_zero_hours_with_its_message(client, u, login, world):
    nadia = world["nadia"]
    login(world["trainer"])
    path = _hours_page(client, u, nadia)
    before = _counts()
    refused = client.submit(path, {**ZERO, "reason": "Completed on paper"})
    assert refused.status_code == 400 and "A certificate cannot state 0 hours of training" in refused.get_data(as_text=True)
    assert _counts() == before


def test_the_command_line_refuses_zero_hours_with_its_message(runner, world):
    before = _counts()
    args = ["lms", "certificates", "issue", "--email", "nadia@example.org", "--course", "core", "--reason", "On paper",
            "--by", "teacher@example.org"]
    result = runner.invoke(args=args)
    assert result.exit_code == 1 and "cannot state 0 hours" in result.output and "Traceback" not in result.output
    assert isinstance(result.exception, SystemExit)
    assert _counts() == before
