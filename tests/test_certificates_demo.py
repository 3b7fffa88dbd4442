"""The demo's certificates state real training time: María (promotora@) completes the continuing-education course the
way a trainee does, so her certificate is issued automatically with the credited minutes of its modules; Tom's
(trainee@), issued by hand and revoked, states the hours the course credits. No demo certificate says "Total: 0
minutes", and running the demo again makes no more of them."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select

from lms import db
from lms.accounts.models import SiteRole
from lms.catalog import course_authoring, lesson_authoring, module_authoring
from lms.catalog import services as catalog
from lms.catalog.models import CourseStatus
from lms.certificates import codes, keys
from lms.certificates.demo import add_certificates_demo
from lms.certificates.models import Certificate, CertificateStatus
from lms.enrollment.models import Enrollment, EnrollmentStatus
from lms.hours.models import EntrySource, HoursEntry
from tests.conftest import html_text

ROOT = Path(__file__).resolve().parent.parent



def _certificates() -> dict[str, list[Certificate]]:
    """Every certificate, by the name it prints."""
    found: dict[str, list[Certificate]] = {}
    for cert in db.session.execute(select(Certificate).order_by(Certificate.id)).scalars():
        found.setdefault(cert.snapshot["holder_name"], []).append(cert)
    return found


def test_lms_demo_issues_certificates_with_the_credited_hours(app, runner, client, u):
    imported = runner.invoke(args=["lms", "import-courses", str(ROOT / "courses")])
    assert imported.exit_code == 0, imported.output
    for _ in range(2):
        demo = runner.invoke(args=["lms", "demo", "--password", "demo password 1"])
        assert demo.exit_code == 0, demo.output
        db.session.expire_all()

    course = catalog.find_course("ce-documentation")
    credited = sum(m.credited_minutes for m in catalog.load_outline(course).modules)
    assert credited == 320  # courses/ce-documentation: 100 + 100 + 120 minutes, all self-paced
    certs = _certificates()
    [maria], [tom] = certs["María Promotora"], certs["Tom Trainee"]
    assert maria.status is CertificateStatus.VALID and maria.issued_by_id is None  # issued automatically
    assert maria.snapshot["minutes"] == {"live": 0, "self_paced": 320, "field": 0, "total": 320}
    enrollment = db.session.execute(select(Enrollment).where(Enrollment.id == maria.enrollment_id)).scalar_one()
    assert enrollment.status is EnrollmentStatus.COMPLETED
    ledger = db.session.execute(select(func.sum(HoursEntry.minutes)).where(
        HoursEntry.user_id == maria.user_id, HoursEntry.source == EntrySource.SELF_PACED,
        HoursEntry.course_id == course.id)).scalar()
    assert ledger == 320  # the ledger agrees with the certificate
    assert tom.status is CertificateStatus.REVOKED and tom.snapshot["minutes"]["total"] == 320
    assert tom.revocation_reason == "Demo: issued to the wrong person"

    for cert, verdict in ((maria, "Valid certificate"), (tom, "Revoked certificate")):
        page = html_text(client.get(u("lms.certificates.verify_page", code=codes.display(cert.code))).get_data(as_text=True))
        assert verdict in page and "Total: 5 hours 20 minutes" in page and "Total: 0 minutes" not in page


def test_the_demo_step_makes_nothing_twice_and_nothing_without_a_published_course(app, make_user):
    admin = make_user("admin@example.org", role=SiteRole.ADMIN)
    users = {"admin@example.org": admin, "promotora@example.org": make_user("promotora@example.org"),
             "trainee@example.org": make_user("trainee@example.org")}
    course = course_authoring.create_course(course_authoring.CourseData(slug="ce-documentation", title="Documentation"), admin)
    add_certificates_demo(None, users)  # a draft course: nobody can complete it, nothing is issued
    db.session.commit()
    assert db.session.scalar(select(func.count(Certificate.id))) == 0 and keys.current_key() is not None

    module = module_authoring.add_module(course, module_authoring.ModuleData(slug="notes", title="Notes", credited_minutes=90), admin)
    lesson_authoring.add_lesson(course, module, "one", "One", "Text", 10, admin)
    course_authoring.set_course_status(course, CourseStatus.PUBLISHED, admin)
    for _ in range(2):
        add_certificates_demo(None, users)
        db.session.commit()
    certs = list(db.session.execute(select(Certificate).order_by(Certificate.id)).scalars())
    assert [(c.user_id, c.status, c.snapshot["minutes"]["total"]) for c in certs] == [
        (users["promotora@example.org"].id, CertificateStatus.VALID, 90),
        (users["trainee@example.org"].id, CertificateStatus.REVOKED, 90),
    ]
