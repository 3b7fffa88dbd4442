"""Demo ledger entries for the demo staff: a few weeks of external training and field experience, some approved, one
rejected with a reason, some waiting, and a manager's correction. Idempotent: every entry has a fixed idempotency key
(an entry already made is kept as it is, on a later day too), and decisions are only taken on entries still pending."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from lms.db import utcnow
from lms.hours import adjustments, approvals, external_training, field_experience, ledger
from lms.hours.evidence import Upload
from lms.hours.models import EntryStatus
from lms.i18n import zone_of

MANAGER = "employer@example.org"


def _pdf(text: str) -> bytes:
    """A one-page PDF saying ``text`` (ASCII), with a correct cross-reference table."""
    stream = f"BT /F1 18 Tf 72 720 Td ({text}) Tj ET".encode("ascii")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def _today(user: Any) -> date:
    """Today where ``user`` is (their time zone, else the site's: :func:`lms.i18n.today_for`, the calendar their
    entries' dates are checked against), not the server's, on this module's clock (``utcnow``, which tests fix)."""
    return utcnow().astimezone(ZoneInfo(zone_of(user))).date()


def add_hours_demo(org: Any, users: dict[str, Any]) -> None:
    """``DEMO_STEPS`` step: ledger entries for trainee@ and promotora@, decided by employer@."""
    manager, tom, maria = users[MANAGER], users["trainee@example.org"], users["promotora@example.org"]

    def external(user: Any, key: str, days_ago: int, title: str, provider: str, minutes: int,
                 areas: tuple[str, ...], evidence: str | None = None) -> Any:
        if made := ledger.find_by_key(user.id, f"demo-hours-{key}"):  # dates count back from the first run's day
            return made
        upload = Upload("certificate.pdf", "application/pdf", _pdf(evidence)) if evidence else None
        day = _today(user) - timedelta(days=days_ago)
        data = external_training.ExternalTraining(title=title, provider=provider, activity_date=day,
                                                  minutes=minutes, competency_areas=areas, org_id=org.id)
        return external_training.submit_external(user, data, f"demo-hours-{key}", upload)[0]

    def field(user: Any, key: str, days_ago: int, minutes: int, what: str, areas: tuple[str, ...]) -> Any:
        if made := ledger.find_by_key(user.id, f"demo-hours-{key}"):
            return made
        day = _today(user) - timedelta(days=days_ago)
        data = field_experience.FieldExperience(activity_date=day, minutes=minutes, description=what,
                                                supervisor_name="Erin Employer", supervisor_title="CHW Program Manager",
                                                competency_areas=areas, org_id=org.id)
        return field_experience.log_field(user, data, f"demo-hours-{key}")[0]

    def approve(entry: Any) -> None:
        if entry.status is EntryStatus.PENDING:
            approvals.approve(entry, manager)

    approve(external(tom, "tom-heat", 24, "Heat illness prevention for outdoor workers", "County Public Health",
                     120, ("public-health-sdoh", "education-facilitation"), "Certificate of attendance - Tom Trainee"))
    approve(field(tom, "tom-visits", 17, 180, "Home visits with my supervisor: blood pressure follow-up and referrals.",
                  ("service-coordination", "communication")))
    external(tom, "tom-mhfa", 8, "Mental Health First Aid", "National Council for Mental Wellbeing", 480,
             ("interpersonal", "professional-conduct"))
    field(tom, "tom-fair", 3, 240, "Health fair at the farmworker resource center: outreach table and screenings.",
          ("outreach",))

    rejected = external(maria, "maria-diabetes", 20, "Taller de prevención de diabetes", "Clínica del Valle", 90,
                        ("education-facilitation",))
    if rejected.status is EntryStatus.PENDING:
        approvals.reject(rejected, manager, "Por favor, adjunte la constancia de asistencia y envíela otra vez.")  # to María, in hers
    external(maria, "maria-diabetes-2", 19, "Taller de prevención de diabetes", "Clínica del Valle", 90,
             ("education-facilitation",), "Constancia de asistencia - Maria Promotora")
    visits = field(maria, "maria-charla", 12, 180, "Charla sobre alimentación saludable en la iglesia, con mi supervisora.",
                   ("education-facilitation", "outreach"))
    approve(visits)
    adjustments.add_adjustment(org, maria, adjustments.Adjustment(
        minutes=-30, corrects_id=visits.id,
        description="La hoja de asistencia muestra que la charla terminó a las 11:30: 2 h 30 min, no 3 h."),
        manager, "demo-hours-maria-correction", approve_now=True)
