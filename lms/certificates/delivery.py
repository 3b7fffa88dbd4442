"""A certificate's "Language of delivery": the languages its training was done in, most used first.

It rests on what the enrolment recorded up to the end of the training: each lesson read (its time on task, as
measured on the server, :mod:`lms.enrollment.visits`, ending when it was done) and each quiz attempt in the interface
language in use at that time (:func:`lms.accounts.languages.weight_per_language`), each as the course could be read
in it (its source language where it had no translation); and each live session of the course attended, for the
minutes attended, in the session's own language whatever the trainee's interface. Hours spent away from the site do
not count, so someone who switches to Spanish and takes the whole course in Spanish took it in Spanish, whatever the
profile said earlier that day. Without any such record (a certificate issued by hand for training done elsewhere),
the time of the training is split by the interface language set over it, as before
(:func:`lms.accounts.languages.time_per_language`).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from lms import db
from lms.accounts import languages
from lms.accounts.models import User
from lms.enrollment.models import Enrollment, LessonProgress, QuizAttempt
from lms.live.models import Attendance, LiveSession

#: A language used for less than this share of the training's time is not named (a look at the other language).
MIN_DELIVERY_SHARE = 0.1
#: What a lesson done counts at least: one marked done with no time measured was still read.
LESSON_MIN_SECONDS = 60
#: What a quiz attempt counts (its time is not measured), in the language of the moment it was submitted.
QUIZ_ATTEMPT_SECONDS = 120


def delivery_languages(user: User, source: str, translated: set[str], stretch: tuple[datetime, datetime],
                       enrollment: Enrollment | None = None) -> list[str]:
    """The languages the course was taken in, most used first, each used for at least :data:`MIN_DELIVERY_SHARE` of
    the training: from the work recorded in ``enrollment`` up to the end of ``stretch`` (the training's days), else
    from the interface language set over ``stretch``. ``source`` is the course's source language and ``translated``
    the languages it had a title in. A course taken partly in English and partly in Spanish so says "English and
    Spanish", not the language of the last day. At most four queries."""
    spent = _work_done_in(user, enrollment, source, translated, stretch[1]) if enrollment is not None else {}
    if not sum(spent.values()):
        spent = {}
        for language, seconds in languages.time_per_language(user, *stretch, default=source).items():
            read_in = language if language in translated else source
            spent[read_in] = spent.get(read_in, 0.0) + seconds
    total = sum(spent.values())
    ranked = sorted(spent, key=lambda language: (-spent[language], language))
    if not total:  # no measurable time (issued the moment it started): the language of that moment
        return ranked[:1] or [source]
    return [language for language in ranked if spent[language] >= MIN_DELIVERY_SHARE * total]


def _work_done_in(user: User, enrollment: Enrollment, source: str, translated: set[str], end: datetime) -> dict[str, float]:
    """Seconds of recorded work per language, up to ``end``: self-paced in the interface language of the time (as the
    course could be read in it), live in the session's language."""
    spans: list[tuple[datetime, datetime, float]] = []
    lessons = db.session.execute(
        select(LessonProgress.first_viewed_at, LessonProgress.completed_at, LessonProgress.seconds_spent)
        .where(LessonProgress.enrollment_id == enrollment.id, LessonProgress.first_viewed_at <= end)
    ).all()
    for opened, done, seconds in lessons:
        read_until = min(done or opened, end)
        weight = max(seconds or 0, LESSON_MIN_SECONDS)
        spans.append((max(opened, read_until - timedelta(seconds=weight)), read_until, float(weight)))
    attempts = db.session.execute(
        select(QuizAttempt.submitted_at).where(QuizAttempt.enrollment_id == enrollment.id, QuizAttempt.submitted_at <= end)
    ).scalars()
    spans += [(submitted, submitted, float(QUIZ_ATTEMPT_SECONDS)) for submitted in attempts]
    spent: dict[str, float] = {}
    for language, seconds in languages.weight_per_language(user, spans, default=source).items():
        read_in = language if language in translated else source
        spent[read_in] = spent.get(read_in, 0.0) + seconds
    live = db.session.execute(
        select(LiveSession.locale, Attendance.minutes).join(Attendance, Attendance.session_id == LiveSession.id)
        .where(Attendance.user_id == user.id, LiveSession.course_id == enrollment.course_id, Attendance.minutes > 0,
               LiveSession.starts_at <= end)
    ).all()
    for language, minutes in live:
        spent[language or source] = spent.get(language or source, 0.0) + 60.0 * minutes
    return spent
