"""A certificate's "Language of delivery" is the language the training was done in (``lms.certificates.delivery``):
the interface language in use when each lesson was read and each quiz answered, and each live session's own language
for the minutes attended, not how long each language was set on the profile over the training's days. QA's case: an
account in English all day switches to Spanish and takes the whole course in Spanish in five minutes; its
certificate said "Idioma de impartición: inglés". Without recorded work (issued by hand for training done elsewhere)
the training's days are split by the interface language set over them, as before."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from lms import db
from lms.accounts import languages
from lms.accounts.models import SiteRole
from lms.audit import AuditEvent
from lms.catalog import course_authoring, lesson_authoring, module_authoring, texts
from lms.catalog import services as catalog
from lms.catalog.models import CourseStatus, ModuleKind
from lms.certificates import issuance, training
from lms.certificates.snapshot import delivery_languages
from lms.db import utcnow
from lms.enrollment import quiz_attempts, visits
from lms.enrollment import services as learning
from lms.enrollment.models import EnrollmentStatus, LessonProgress, QuizAttempt
from lms.live.models import Attendance, LiveSession
from tests.certificates_support import one_question_quiz

IDLE = timedelta(minutes=30)
BOTH = {"en", "es"}
DAY = datetime(2026, 11, 2, tzinfo=UTC)  # the training's day, midnight: QA's trainee is on the site from 18:00


def _at(hours: float) -> datetime:
    return DAY + timedelta(hours=hours)


def _course(trainer, *, live: bool = False):
    """A published course in English with a Spanish title: a self-paced module of two lessons and a quiz, and with
    ``live`` a live module too."""
    course = course_authoring.create_course(course_authoring.CourseData(slug="core", title="CHW Core", version="2026.1"),
                                            trainer)
    notes = module_authoring.add_module(course, module_authoring.ModuleData(slug="notes", title="Notes",
                                                                            credited_minutes=30), trainer)
    lesson_authoring.add_lesson(course, notes, "one", "One", "Text", 10, trainer)
    lesson_authoring.add_lesson(course, notes, "two", "Two", "Text", 10, trainer)
    one_question_quiz(course, notes, trainer)
    if live:
        module_authoring.add_module(course, module_authoring.ModuleData(slug="session", title="Session", kind=ModuleKind.LIVE,
                                                                        credited_minutes=120), trainer)
    texts.set_text(course, course, "title", "es", "Núcleo de PSC", trainer)
    course_authoring.set_course_status(course, CourseStatus.PUBLISHED, trainer)
    db.session.commit()
    return course


def _switch(user, locale: str, at: datetime) -> None:
    """The person changes their interface language at ``at`` (the audit row the switcher writes, dated then)."""
    languages.set_language(user, locale, user)
    db.session.flush()
    row = db.session.execute(select(AuditEvent).where(AuditEvent.action == languages.ACTION, AuditEvent.object_id == user.id)
                             .order_by(AuditEvent.id.desc())).scalars().first()
    row.at = at
    db.session.commit()


def _read(enrollment, course, slug: str, opened: datetime, minutes: int) -> None:
    lesson = catalog.get_lesson(catalog.get_module(course, "notes"), slug)
    db.session.add(LessonProgress(enrollment_id=enrollment.id, lesson_id=lesson.id, first_viewed_at=opened,
                                  completed_at=opened + timedelta(minutes=minutes), seconds_spent=60 * minutes))
    db.session.commit()


def _quiz(enrollment, course, at: datetime) -> None:
    quiz = catalog.get_quiz(catalog.get_module(course, "notes"))
    db.session.add(QuizAttempt(enrollment_id=enrollment.id, quiz_id=quiz.id, number=1, submitted_at=at, score_percent=100,
                               passed=True, answers={}))
    db.session.commit()


def _attended(user, course, locale: str, starts: datetime, minutes: int) -> None:
    module = catalog.get_module(course, "session")
    session = LiveSession(module_id=module.id, course_id=course.id, starts_at=starts,
                          ends_at=starts + timedelta(minutes=minutes), locale=locale)
    db.session.add(session)
    db.session.flush()
    db.session.add(Attendance(session_id=session.id, user_id=user.id, minutes=minutes))
    db.session.commit()


def test_qa_english_all_day_then_the_whole_course_in_spanish_in_minutes(make_user):
    trainer = make_user("teacher@example.org", role=SiteRole.TRAINER)
    course = _course(trainer)
    rosa = make_user(name="Rosa Díaz", locale="en")
    enrollment = learning.enroll(rosa, course)
    db.session.commit()
    _switch(rosa, "es", _at(18))
    _read(enrollment, course, "one", _at(18.02), 2)
    _read(enrollment, course, "two", _at(18.06), 2)
    _quiz(enrollment, course, _at(18.1))
    stretch = (DAY, _at(18.11))  # from midnight to the issue, minutes after the last step
    assert delivery_languages(rosa, "en", BOTH, stretch, enrollment) == ["es"]
    # the profile was English for 18 hours of that day: what the certificate said
    assert delivery_languages(rosa, "en", BOTH, stretch) == ["en"]


def test_qa_scenario_end_to_end_the_issued_certificate_says_spanish(make_user):
    trainer = make_user("teacher@example.org", role=SiteRole.TRAINER)
    course = _course(trainer)
    rosa = make_user(name="Rosa Díaz", locale="en")
    enrollment = learning.enroll(rosa, course)
    db.session.commit()
    languages.set_language(rosa, "es", rosa)  # the language switcher
    db.session.commit()
    module = catalog.get_module(course, "notes")
    for slug in ("one", "two"):
        lesson = catalog.get_lesson(module, slug)
        visits.visit_lesson(enrollment, lesson, utcnow(), IDLE)
        visits.complete_lesson(enrollment, lesson, utcnow(), IDLE)
    quiz = catalog.get_quiz(module)
    [(question, options)] = catalog.load_questions(quiz)
    quiz_attempts.submit_quiz(enrollment, quiz, {question.id: {next(o.id for o in options if o.is_correct)}}, locale="es")
    db.session.commit()
    assert enrollment.status is EnrollmentStatus.COMPLETED
    cert = issuance.get_certificate(rosa, course)
    assert cert is not None and cert.snapshot["delivery_languages"] == ["es"]


def test_a_course_done_half_in_each_language_names_both_most_used_first(make_user):
    trainer = make_user("teacher@example.org", role=SiteRole.TRAINER)
    course = _course(trainer)
    rosa = make_user(name="Rosa Díaz", locale="en")
    enrollment = learning.enroll(rosa, course)
    db.session.commit()
    _read(enrollment, course, "one", _at(9), 10)  # English
    _switch(rosa, "es", _at(12))
    _read(enrollment, course, "two", _at(20), 12)  # Spanish, a little longer, then the quiz
    _quiz(enrollment, course, _at(20.25))
    _switch(rosa, "en", _at(21))  # back to English for the rest of the day: nothing done then
    stretch = (DAY, DAY + timedelta(days=1))
    assert delivery_languages(rosa, "en", BOTH, stretch, enrollment) == ["es", "en"]
    assert delivery_languages(rosa, "en", {"en"}, stretch, enrollment) == ["en"]  # no Spanish text: read in English
    # by the clock the day was English for 15 hours and Spanish for 9: the same two, the other way round
    assert delivery_languages(rosa, "en", BOTH, stretch) == ["en", "es"]


def test_a_switch_in_the_middle_of_a_lesson_splits_its_time(make_user):
    trainer = make_user("teacher@example.org", role=SiteRole.TRAINER)
    course = _course(trainer)
    rosa = make_user(name="Rosa Díaz", locale="en")
    enrollment = learning.enroll(rosa, course)
    db.session.commit()
    _switch(rosa, "es", _at(10.5))
    _read(enrollment, course, "one", _at(10), 60)  # 30 minutes in each language
    assert languages.weight_per_language(rosa, [(_at(10), _at(11), 60.0), (_at(9), _at(9), 5.0)], "en") == {
        "en": 35.0, "es": 30.0}
    assert delivery_languages(rosa, "en", BOTH, (DAY, _at(12)), enrollment) == ["en", "es"]


def test_work_after_the_training_ended_is_not_counted(make_user):
    """A replacement issued later for the same training: rereading it in Spanish since changes nothing."""
    trainer = make_user("teacher@example.org", role=SiteRole.TRAINER)
    course = _course(trainer)
    rosa = make_user(name="Rosa Díaz", locale="en")
    enrollment = learning.enroll(rosa, course)
    db.session.commit()
    _read(enrollment, course, "one", _at(9), 10)
    _switch(rosa, "es", _at(30))
    _read(enrollment, course, "two", _at(31), 50)
    assert delivery_languages(rosa, "en", BOTH, (DAY, _at(24)), enrollment) == ["en"]


def test_a_live_session_counts_in_its_own_language(make_user):
    trainer = make_user("teacher@example.org", role=SiteRole.TRAINER)
    course = _course(trainer, live=True)
    rosa = make_user(name="Rosa Díaz", locale="en")
    enrollment = learning.enroll(rosa, course)
    db.session.commit()
    _read(enrollment, course, "one", _at(9), 30)  # the interface is English all along
    _attended(rosa, course, "es", _at(14), 120)  # a session held in Spanish
    stretch = (DAY, DAY + timedelta(days=1))
    assert delivery_languages(rosa, "en", BOTH, stretch, enrollment) == ["es", "en"]
    # spoken in Spanish even though the course has no Spanish text
    assert delivery_languages(rosa, "en", {"en"}, stretch, enrollment) == ["es", "en"]
    assert delivery_languages(rosa, "en", BOTH, stretch) == ["en"]  # by the interface alone: English


def test_a_session_of_another_course_or_not_attended_does_not_count(make_user):
    trainer = make_user("teacher@example.org", role=SiteRole.TRAINER)
    course = _course(trainer, live=True)
    rosa = make_user(name="Rosa Díaz", locale="en")
    enrollment = learning.enroll(rosa, course)
    db.session.commit()
    _read(enrollment, course, "one", _at(9), 30)
    _attended(rosa, course, "es", _at(14), 0)  # registered, never came
    other = course_authoring.create_course(course_authoring.CourseData(slug="other", title="Other"), trainer)
    module_authoring.add_module(other, module_authoring.ModuleData(slug="session", title="Session", kind=ModuleKind.LIVE,
                                                                   credited_minutes=60), trainer)
    db.session.commit()
    _attended(rosa, other, "es", _at(15), 120)
    assert delivery_languages(rosa, "en", BOTH, (DAY, DAY + timedelta(days=1)), enrollment) == ["en"]


def test_without_recorded_work_the_days_are_split_by_the_interface_language_as_before(make_user):
    trainer = make_user("teacher@example.org", role=SiteRole.TRAINER)
    course = _course(trainer)
    lupe = make_user(name="Lupe", locale="es")
    enrollment = learning.enroll(lupe, course)
    db.session.commit()
    stretch = (DAY, DAY + timedelta(days=1))
    assert delivery_languages(lupe, "en", BOTH, stretch, enrollment) == ["es"]
    _switch(lupe, "en", _at(10))  # Spanish for 10 hours, English for 14
    assert delivery_languages(lupe, "en", BOTH, stretch, enrollment) == ["en", "es"]
    assert delivery_languages(lupe, "en", BOTH, stretch, enrollment) == delivery_languages(lupe, "en", BOTH, stretch)


def test_a_certificate_issued_by_hand_for_training_done_elsewhere_keeps_the_profile_language(make_user):
    trainer = make_user("teacher@example.org", role=SiteRole.TRAINER)
    course = _course(trainer)
    lupe = make_user(name="Lupe", locale="es")
    cert = issuance.issue_manually(lupe, course, trainer, "Completed on paper", training.TrainingMinutes(self_paced=90))
    db.session.commit()
    assert cert.snapshot["delivery_languages"] == ["es"]


def test_the_languages_take_a_handful_of_queries_however_much_was_done(make_user, count_queries):
    trainer = make_user("teacher@example.org", role=SiteRole.TRAINER)
    course = _course(trainer, live=True)
    rosa = make_user(name="Rosa Díaz", locale="en")
    enrollment = learning.enroll(rosa, course)
    db.session.commit()
    _switch(rosa, "es", _at(12))
    _read(enrollment, course, "one", _at(9), 10)
    _read(enrollment, course, "two", _at(13), 10)
    _quiz(enrollment, course, _at(14))
    for hour in (15, 17, 19):
        _attended(rosa, course, "en", _at(hour), 20)
    stretch = (DAY, DAY + timedelta(days=1))
    assert (rosa.locale, enrollment.course_id) == ("es", course.id)  # loaded, as issuing has them
    with count_queries() as queries:
        assert delivery_languages(rosa, "en", BOTH, stretch, enrollment) == ["en", "es"]
    assert queries.count <= 4
