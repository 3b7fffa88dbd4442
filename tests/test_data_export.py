"""“Download my data” (profile page): a zip of everything held about the person, in their language, with nothing of
anyone else's but the names of the staff who acted on their records, and never a secret."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from lms import db
from lms.accounts import admin_actions, api_tokens
from lms.accounts.models import LoginSession, SiteRole, User
from lms.audit import AuditEvent
from lms.catalog import course_authoring, lesson_authoring, module_authoring, quiz_authoring
from lms.catalog import services as catalog
from lms.catalog.models import CourseStatus, QuestionKind
from lms.certificates import issuance, training
from lms.db import utcnow
from lms.enrollment import quiz_attempts as enrollment_quiz_attempts
from lms.enrollment import services as enrollment
from lms.enrollment import visits
from lms.enrollment.models import Enrollment, QuizAttempt, QuizAttemptGrant
from lms.hours import approvals, external_training
from lms.hours.evidence import Upload
from lms.i18n import today_for
from lms.live.models import Attendance, AttendanceStatus, IntervalSource
from lms.orgs.models import EmploymentPeriod, EmploymentType
from tests.live_support import add_time, held_at, live_course, seat

PDF = b"%PDF-1.4\n% evidence of a workshop\n%%EOF\n"
EXPECTED_FILES = {
    "README.txt", "profile.csv", "organisations.csv", "invitations.csv", "courses.csv", "lessons.csv", "modules.csv",
    "quiz_attempts.csv", "quiz_answers.csv", "quiz_extra_attempts.csv", "live_sessions.csv",
    "live_attendance_times.csv", "hours.csv", "certificates.csv", "api_tokens.csv", "sign_ins.csv", "activity.csv",
}


def _course(trainer, slug: str, title: str):
    """A published course with one self-paced module (a lesson and a one-question quiz)."""
    course = course_authoring.create_course(course_authoring.CourseData(slug=slug, title=title, summary="About"), trainer)
    module = module_authoring.add_module(course, module_authoring.ModuleData(slug="m1", title=f"{title}: module", credited_minutes=30),
                                trainer)
    lesson = lesson_authoring.add_lesson(course, module, "intro", f"{title}: lesson", "Some *text*.", 5, trainer)
    quiz = quiz_authoring.ensure_quiz(course, module, title=f"{title}: quiz", pass_mark=100, max_attempts=None,
                                      actor=trainer)
    quiz_authoring.save_question(course, quiz, None, slug="q1", kind=QuestionKind.SINGLE, prompt=f"{title}: question",
                                 options=[quiz_authoring.OptionData("a", "Listen first", True, "Yes, listen."),
                                          quiz_authoring.OptionData("b", "Talk first", False, "Listen before you talk.")],
                                 actor=trainer)
    course_authoring.set_course_status(course, CourseStatus.PUBLISHED, trainer)
    return course, module, lesson, quiz


def _learn(user, course, lesson, quiz, *, right_after_wrong: bool = True) -> None:
    """Open and complete the lesson, fail the quiz once, then pass it."""
    taken = enrollment.enroll(user, course)
    now = utcnow()
    visits.visit_lesson(taken, lesson, now - timedelta(minutes=4), timedelta(minutes=30))
    visits.complete_lesson(taken, lesson, now, timedelta(minutes=30))
    (question, options), = catalog.load_questions(quiz)
    wrong = next(o for o in options if not o.is_correct)
    right = next(o for o in options if o.is_correct)
    enrollment_quiz_attempts.submit_quiz(taken, quiz, {question.id: {wrong.id}})
    if right_after_wrong:
        enrollment_quiz_attempts.submit_quiz(taken, quiz, {question.id: {right.id}})
    db.session.commit()


def _hours(user, org, manager, *, title: str, provider: str, reason: str, key: str) -> None:
    """An external training with evidence, approved by ``manager``, and another one rejected with ``reason``."""
    day = today_for(user) - timedelta(days=3)
    approved, _new = external_training.submit_external(
        user, external_training.ExternalTraining(title=title, activity_date=day, minutes=90, provider=provider), f"{key}-1",
        Upload("sign-in sheet.pdf", "application/pdf", PDF))
    rejected, _new = external_training.submit_external(
        user, external_training.ExternalTraining(title=f"{title} again", activity_date=day, minutes=45), f"{key}-2")
    db.session.commit()
    approvals.approve(approved, manager)
    approvals.reject(rejected, manager, reason)
    db.session.commit()


@pytest.fixture
def world(make_user, make_org, add_member, trainer):
    """Lupe (a trainee of Acme, managed by Mona) with data in every area, and Otto, a colleague with data of his own.
    Lupe completes "Active listening" (a certificate is issued) and holds one issued by hand for "Practice course"."""
    mona = make_user("mona@example.org", name="Mona Manager")
    acme = make_org("acme", manager=mona, name="Acme Clinic")
    lupe = make_user("lupe@example.org", name="Lupe Ortiz", locale="en")
    otto = make_user("otto@example.org", name="Otto Colleague")
    membership = add_member(acme, lupe, employee_id="E-7", job_title="Promotora")
    add_member(acme, otto, employee_id="E-8", job_title="Secret job of Otto")
    db.session.add(EmploymentPeriod(membership_id=membership.id, employee_id="E-OLD", job_title="Volunteer promotora",
                                    employment_type=EmploymentType.VOLUNTEER, employment_end=today_for(lupe) - timedelta(days=400),
                                    ended_by_id=mona.id, ended_at=utcnow() - timedelta(days=400)))
    course, module, lesson, quiz = _course(trainer, "listening", "Active listening")
    _learn(lupe, course, lesson, quiz)
    _learn(otto, course, lesson, quiz, right_after_wrong=False)
    taken = enrollment.get_enrollment(lupe, course)
    db.session.add(QuizAttemptGrant(enrollment_id=taken.id, quiz_id=quiz.id, extra=1, reason="Phone died mid-quiz",
                                    granted_by_id=trainer.id))
    live, live_module = live_course(trainer)
    session = held_at(live_module, trainer, utcnow().replace(second=0, microsecond=0) - timedelta(days=2), 120)
    seat(session, lupe, otto)
    add_time(session, lupe, 0, 110, IntervalSource.CHECK_IN)
    add_time(session, otto, 0, 20, IntervalSource.CHECK_IN)
    db.session.add(Attendance(session_id=session.id, user_id=lupe.id, status=AttendanceStatus.PRESENT, minutes=110))
    _hours(lupe, acme, mona, title="Motivational interviewing", provider="@SUM(1+1)", reason="Sheet unsigned",
           key="lupe")
    _hours(otto, acme, mona, title="Otto's private workshop", provider="Otto's provider", reason="Otto's reason",
           key="otto")
    certificate = issuance.issue_manually(lupe, live, trainer, "Completed on paper",
                                          training.TrainingMinutes(self_paced=60))
    issuance.issue_manually(otto, live, trainer, "Otto on paper", training.TrainingMinutes(self_paced=60))
    token, raw = api_tokens.create_api_token(lupe, "Spreadsheet sync")
    api_tokens.create_api_token(otto, "Otto's token")
    db.session.commit()
    return {"lupe": lupe, "otto": otto, "mona": mona, "trainer": trainer, "org": acme, "certificate": certificate,
            "token": token, "raw_token": raw}


def _download(client, u, **headers):
    return client.post(u("lms.accounts.download_data"), data={"csrf_token": client.csrf_token(u("lms.accounts.profile"))},
                       headers=headers)


def _zip(response) -> zipfile.ZipFile:
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    assert response.mimetype == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    assert archive.testzip() is None  # every member reads back with its checksum
    return archive


def _csv(archive: zipfile.ZipFile, name: str) -> list[dict[str, str]]:
    text = archive.read(name).decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text[1:], newline="")))


def _everything(archive: zipfile.ZipFile) -> str:
    return "\n".join(archive.read(name).decode("utf-8", errors="replace") for name in archive.namelist())


def test_a_trainee_gets_every_area_of_their_data(client, u, login, world):
    lupe, cert = world["lupe"], world["certificate"]
    login(lupe)
    response = _download(client, u)
    assert response.headers["Content-Disposition"].startswith("attachment; filename=my-data-")
    assert "no-store" in response.headers["Cache-Control"]
    archive = _zip(response)
    names = set(archive.namelist())
    assert names >= EXPECTED_FILES
    assert any(name.startswith("evidence/") and name.endswith("sign-in sheet.pdf") for name in names)
    assert f"certificates/{cert.number}.pdf" in names
    assert archive.read(f"certificates/{cert.number}.pdf").startswith(b"%PDF")
    evidence = next(name for name in names if name.startswith("evidence/"))
    assert archive.read(evidence) == PDF

    profile = {row["Field"]: row["Value"] for row in _csv(archive, "profile.csv")}
    assert profile["Name"] == "Lupe Ortiz" and profile["Email"] == "lupe@example.org"
    assert profile["Site role"] == "Trainee" and profile["Account active"] == "Yes"
    organisations = _csv(archive, "organisations.csv")
    assert [(r["Organisation"], r["Employee ID"], r["Job title"], r["End recorded by"]) for r in organisations] == [
        ("Acme Clinic", "E-7", "Promotora", ""), ("Acme Clinic", "E-OLD", "Volunteer promotora", "Mona Manager")]
    assert organisations[0]["Role"] == "Staff member" and organisations[1]["Type of employment"] == "Volunteer"

    courses = {row["Course"]: row for row in _csv(archive, "courses.csv")}
    assert courses["Active listening"]["Status"] == "Completed" and courses["Active listening"]["Enrolled by"] == "Lupe Ortiz"
    assert courses["Practice course"]["Enrolled by"] == "Carmen Coach"  # enrolled when the certificate was issued by hand
    (lesson,) = _csv(archive, "lessons.csv")
    assert lesson["Lesson"] == "Active listening: lesson" and lesson["Completed"] and int(lesson["Time spent (seconds)"]) == 240
    assert [m["Module"] for m in _csv(archive, "modules.csv")] == ["Active listening: module"]
    attempts = _csv(archive, "quiz_attempts.csv")
    assert [(a["Quiz"], a["Attempt"], a["Score (%)"], a["Passed"]) for a in attempts] == [
        ("Active listening: quiz", "1", "0", "No"), ("Active listening: quiz", "2", "100", "Yes")]
    answers = _csv(archive, "quiz_answers.csv")
    assert [(a["Attempt"], a["Question"], a["Your answers"], a["Result"], a["Feedback"]) for a in answers] == [
        ("1", "Active listening: question", "Talk first", "Not right", "Listen before you talk."),
        ("2", "Active listening: question", "Listen first", "Right", "Yes, listen.")]
    assert answers[0]["Answers offered"] == "Listen first | Talk first"
    (grant,) = _csv(archive, "quiz_extra_attempts.csv")
    assert grant["Granted by"] == "Carmen Coach" and grant["Reason"] == "Phone died mid-quiz"

    (live,) = _csv(archive, "live_sessions.csv")
    assert live["Course"] == "Practice course" and live["Module"] == "Role-play practice"
    assert live["Registration"] == "Registered" and live["Attendance"] == "Present" and live["Minutes credited"] == "110"
    (stretch,) = _csv(archive, "live_attendance_times.csv")
    assert stretch["How it was recorded"] == "Check-in code" and stretch["Not counted"] == "No"

    hours = {row["Title"]: row for row in _csv(archive, "hours.csv")}
    assert set(hours) == {"Motivational interviewing", "Motivational interviewing again", "Active listening: module"}
    assert hours["Active listening: module"]["Source"] == "Self-paced module"
    approved, rejected = hours["Motivational interviewing"], hours["Motivational interviewing again"]
    assert (approved["Status"], approved["Decided by"], approved["Minutes"]) == ("Approved", "Mona Manager", "90")
    assert approved["Evidence file"] == evidence and approved["Organisation"] == "Acme Clinic"
    assert (rejected["Status"], rejected["Reason for rejecting"]) == ("Rejected", "Sheet unsigned")

    certificates = {row["Certificate number"]: row for row in _csv(archive, "certificates.csv")}
    assert len(certificates) == 2  # the one issued on completing the course, and the one issued by hand
    certificate = certificates[cert.number]
    assert certificate["Status"] == "Valid" and certificate["Course"] == "Practice course"
    assert certificate["Verification page"].startswith("http://lms.test/verify/")
    assert certificate["Reason for issuing by hand"] == "Completed on paper"
    assert certificate["PDF file"] == f"certificates/{cert.number}.pdf"
    (token,) = _csv(archive, "api_tokens.csv")
    assert token["Name"] == "Spreadsheet sync" and token["Created"] and not token["Revoked"]
    assert len(_csv(archive, "sign_ins.csv")) == 1

    activity = _csv(archive, "activity.csv")
    actions = {row["Action code"] for row in activity}
    assert {"user.registered", "membership.created", "enrollment.created", "hours.entry_created", "hours.approved",
            "hours.rejected", "certificate.issued", "api_token.created"} <= actions
    rejection = next(row for row in activity if row["Action code"] == "hours.rejected")
    assert (rejection["Who"], rejection["Reason"], rejection["About your records"]) == (
        "Mona Manager", "Sheet unsigned", "Yes")
    assert rejection["Record type"] == "HoursEntry" and rejection["Record number"] == rejected["Entry"]
    assert rejection["Action"] == "Hours entry rejected"  # the audit log's words for it


def test_nobody_elses_data_and_no_secret_is_in_it(client, u, login, world):
    lupe = world["lupe"]
    login(lupe)
    archive = _zip(_download(client, u))
    everything = _everything(archive)
    for other in ("Otto", "otto@example.org", "E-8", "mona@example.org", "coach@example.org"):
        assert other not in everything, other
    token = world["token"]
    secrets = [world["raw_token"], token.token_hash, token.prefix, lupe.password_hash,
               *db.session.execute(select(LoginSession.token_hash).where(LoginSession.user_id == lupe.id)).scalars()]
    for secret in secrets:
        assert secret and secret not in everything


def test_spreadsheet_formulas_are_neutralised(client, u, login, world):
    login(world["lupe"])
    hours = _csv(_zip(_download(client, u)), "hours.csv")
    assert {row["Who gave it"] for row in hours} == {"'@SUM(1+1)", ""}


def test_a_manager_sees_what_they_did_to_others_without_its_details(client, u, login, world):
    login(world["mona"])
    activity = _csv(_zip(_download(client, u)), "activity.csv")
    rejected = [row for row in activity if row["Action code"] == "hours.rejected"]
    assert len(rejected) == 2 and all(row["About your records"] == "No" for row in rejected)
    assert all(row["Reason"] == "" and row["Details"] == "" for row in rejected)
    assert all(row["Who"] == "Mona Manager" and row["Organisation"] == "Acme Clinic" for row in rejected)


def test_in_spanish_the_readme_and_the_columns_follow_the_person(client, u, login, make_user):
    rosa = make_user("rosa@example.org", name="Rosa Díaz", locale="es", timezone="America/Los_Angeles")
    login(rosa)
    archive = _zip(_download(client, u, **{"Accept-Language": "en"}))
    readme = archive.read("README.txt").decode("utf-8")
    assert "Rosa Díaz" in readme and "America/Los_Angeles" in readme
    assert "== Su perfil ==" in readme and "== Certificados ==" in readme and "== Your profile ==" not in readme
    assert readme.endswith("\r\n") and "\r\n\r\n" in readme
    header = archive.read("courses.csv").decode("utf-8").splitlines()[0]
    assert header.startswith("\ufeffCurso,") and "Estado" in header
    fields = [row[0] for row in csv.reader(io.StringIO(archive.read("profile.csv").decode("utf-8-sig"), newline=""))]
    assert "Correo electrónico" in fields and "Email" not in fields


def test_english_readme_explains_each_file_and_what_is_kept(client, u, login, make_user):
    login(make_user("ana@example.org", name="Ana", locale="en"))
    archive = _zip(_download(client, u))
    readme = archive.read("README.txt").decode("utf-8")
    for name in EXPECTED_FILES - {"README.txt"}:
        assert f"{name}: " in readme, name
    assert "contact a site administrator" in readme and "Training hours and certificates are kept" in readme
    assert "evidence/" not in readme and "certificates/:" not in readme  # no such folders without files
    assert set(archive.namelist()) == EXPECTED_FILES


def test_it_needs_the_form_token_and_a_signed_in_person(app, client, u, login, make_user):
    user = make_user("ana@example.org")
    anonymous = client.post(u("lms.accounts.download_data"))
    assert anonymous.status_code == 302 and "/login?next=" in anonymous.headers["Location"]
    login(user)
    refused = client.post(u("lms.accounts.download_data"))
    assert refused.status_code == 400 and "Form expired" in refused.get_data(as_text=True)
    assert client.post(u("lms.accounts.download_data"), data={"csrf_token": "forged"}).status_code == 400
    assert client.get(u("lms.accounts.download_data")).status_code == 405
    assert db.session.execute(select(AuditEvent).where(AuditEvent.action == "account.data_exported")).first() is None


@pytest.mark.parametrize("app_config", [{"LMS_DATA_EXPORT_LIMIT": "2 per hour"}])
def test_each_download_is_audited_and_limited_per_account(client, u, login, make_user, app_config):
    user = make_user("ana@example.org", name="Ana")
    login(user)
    assert _download(client, u).status_code == 200
    assert _download(client, u).status_code == 200
    assert _download(client, u).status_code == 429
    rows = db.session.execute(select(AuditEvent).where(AuditEvent.action == "account.data_exported")).scalars().all()
    assert [(row.object_type, row.object_id, row.actor_id) for row in rows] == [("User", user.id, user.id)] * 2


@pytest.mark.parametrize("app_mode", ["standalone", "mounted"])
def test_the_profile_page_offers_the_download(client, u, login, make_user, app_mode):
    """Also in a host application, under its prefix."""
    login(make_user("ana@example.org", locale="en"))
    page = client.get(u("lms.accounts.profile")).get_data(as_text=True)
    assert f'action="{u("lms.accounts.download_data")}"' in page and "Download my data" in page
    assert "profile.csv" in _zip(_download(client, u)).read("README.txt").decode("utf-8")


def test_an_admin_download_lists_their_actions_on_accounts_without_details(client, u, login, make_user):
    admin = make_user("admin@example.org", name="Ada Admin", role=SiteRole.ADMIN)
    other = make_user("pat@example.org", name="Pat Person")
    admin_actions.set_role(other, SiteRole.TRAINER, admin, "Teaches now")
    db.session.commit()
    login(admin)
    activity = _csv(_zip(_download(client, u)), "activity.csv")
    (changed,) = [row for row in activity if row["Action code"] == "user.role_changed"]
    assert (changed["Record type"], changed["Record number"], changed["Details"]) == ("User", str(other.id), "")
    assert "Pat Person" not in _everything(_zip(_download(client, u)))
    assert db.session.get(User, other.id).role is SiteRole.TRAINER


def test_attempts_kept_before_snapshots_are_shown_against_todays_questions(client, u, login, world):
    """Attempts graded before the quiz's questions were kept with them read their answers against today's questions,
    as their result page does."""
    lupe = world["lupe"]
    first = db.session.execute(select(QuizAttempt).join(Enrollment, Enrollment.id == QuizAttempt.enrollment_id)
                               .where(Enrollment.user_id == lupe.id, QuizAttempt.number == 1)).scalar_one()
    db.session.execute(update(QuizAttempt).where(QuizAttempt.id == first.id).values(snapshot=None))
    db.session.commit()
    login(lupe)
    answers = _csv(_zip(_download(client, u)), "quiz_answers.csv")
    assert [(a["Attempt"], a["Your answers"], a["Result"], a["Feedback"]) for a in answers] == [
        ("1", "Talk first", "Not right", "Listen before you talk."), ("2", "Listen first", "Right", "Yes, listen.")]
