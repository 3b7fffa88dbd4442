"""What an author's change to a quiz's settings, a question's right answers or a module's credit would do to the
trainees already there, counted so the page can ask before saving (a plain form: the counts, then the same values
sent again with ``confirm``).

Nothing already given changes: a quiz attempt keeps the pass mark it was marked against (its snapshot, see
:mod:`lms.enrollment.quiz_review`), a module completion keeps the minutes it credited, certificates are immutable.
What changes is what comes next, and that is what is counted here. Read-only; two to four queries.

Only what trainees see and need counts (:mod:`lms.catalog.visibility`): a quiz with no live question, and a self-paced
module with nothing in it to do, are neither shown nor needed to complete anything, so changing them changes nothing
for anyone yet (nothing is asked), and such a module's minutes are not in what the course credits.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import case, func, select

from lms import db
from lms.catalog import services as catalog
from lms.catalog import visibility
from lms.catalog.models import Course, CourseStatus, Module, Option, Question, Quiz
from lms.enrollment.models import Enrollment, EnrollmentStatus, ModuleCompletion, QuizAttempt, QuizAttemptGrant
from lms.enrollment.queries import count_course_enrollments


@dataclass(frozen=True)
class QuizSettingsImpact:
    """Trainees (enrolments not withdrawn) who took a quiz, and what new settings would mean for them."""

    #: The values these counts are for: the confirming form sends them back, so changed values are asked about again.
    confirmation: str
    taken: int
    #: Of them: not passed, module and course not completed, attempts left today and none under the new settings.
    locked_out: int = 0
    #: Of them: not passed though their best score reaches the new pass mark (they stay "not passed").
    failed_above: int = 0
    #: Of them: passed with a best score below the new pass mark (they stay "passed").
    passed_below: int = 0
    pass_mark_changed: bool = False


def quiz_settings_confirmation(pass_mark: int, max_attempts: int | None) -> str:
    return f"{pass_mark}:{'' if max_attempts is None else max_attempts}"


def quiz_settings_impact(quiz: Quiz, *, pass_mark: int, max_attempts: int | None) -> QuizSettingsImpact | None:
    """What saving ``pass_mark`` and ``max_attempts`` on ``quiz`` would do, or None when neither changes, the quiz has
    no live question (trainees neither see nor need it: :func:`lms.catalog.visibility.asked`) or nobody (enrolled,
    not withdrawn) has taken it: then there is nothing to ask. Two queries."""
    if pass_mark == quiz.pass_mark and max_attempts == quiz.max_attempts:
        return None
    if not visibility.is_asked(quiz):
        return None
    rows = db.session.execute(_quiz_takers(quiz)).all()
    if not rows:
        return None
    locked = failed_above = passed_below = 0
    for used, best, passed, extra, done in rows:
        if passed:
            passed_below += best < pass_mark
            continue
        failed_above += best >= pass_mark
        if not done and _left(quiz.max_attempts, extra, used) != 0 and _left(max_attempts, extra, used) == 0:
            locked += 1
    changed = pass_mark != quiz.pass_mark
    return QuizSettingsImpact(quiz_settings_confirmation(pass_mark, max_attempts), len(rows), locked,
                              failed_above if changed else 0, passed_below if changed else 0, changed)


def _left(max_attempts: int | None, extra: int, used: int) -> int | None:
    return None if max_attempts is None else max(max_attempts + extra - used, 0)


def _quiz_takers(quiz: Quiz):
    """Per enrolment (not withdrawn) with attempts: attempts used, best score, passed (0/1), attempts granted, and
    whether the module or the course is completed (0/1)."""
    tries = (
        select(QuizAttempt.enrollment_id, func.count(QuizAttempt.id).label("used"),
               func.max(QuizAttempt.score_percent).label("best"),
               func.max(case((QuizAttempt.passed.is_(True), 1), else_=0)).label("passed"))
        .where(QuizAttempt.quiz_id == quiz.id).group_by(QuizAttempt.enrollment_id).subquery()
    )
    granted = (
        select(QuizAttemptGrant.enrollment_id, func.sum(QuizAttemptGrant.extra).label("extra"))
        .where(QuizAttemptGrant.quiz_id == quiz.id).group_by(QuizAttemptGrant.enrollment_id).subquery()
    )
    completed = (
        select(ModuleCompletion.enrollment_id).where(ModuleCompletion.module_id == quiz.module_id).subquery()
    )
    done = case((Enrollment.status == EnrollmentStatus.COMPLETED, 1), (completed.c.enrollment_id.is_not(None), 1),
                else_=0)
    return (
        select(tries.c.used, tries.c.best, tries.c.passed, func.coalesce(granted.c.extra, 0), done)
        .select_from(Enrollment)
        .join(tries, tries.c.enrollment_id == Enrollment.id)
        .outerjoin(granted, granted.c.enrollment_id == Enrollment.id)
        .outerjoin(completed, completed.c.enrollment_id == Enrollment.id)
        .where(Enrollment.course_id == quiz.course_id, Enrollment.status != EnrollmentStatus.WITHDRAWN)
    )


@dataclass(frozen=True)
class ModuleCreditImpact:
    """Trainees enrolled in a published course (not withdrawn), and what a module's new credit would change."""

    #: As for :attr:`QuizSettingsImpact.confirmation`.
    confirmation: str
    enrolled: int
    completed: int
    #: Minutes the course credits (its required modules), before and after.
    course_minutes_before: int
    course_minutes_after: int
    module_minutes_before: int
    module_minutes_after: int
    becomes_required: bool = False
    #: Trainees still taking the course who have not completed this module: when it becomes required, they must.
    must_complete: int = 0


def module_credit_confirmation(credited_minutes: int, is_required: bool) -> str:
    return f"{credited_minutes}:{int(is_required)}"


def module_credit_impact(course: Course, module: Module, *, credited_minutes: int,
                         is_required: bool) -> ModuleCreditImpact | None:
    """What saving ``credited_minutes`` and ``is_required`` on ``module`` would change in ``course``, or None when
    there is nothing to ask: the course is not published, nobody is enrolled (withdrawn trainees aside), or neither
    the minutes change nor the module becomes required, or trainees neither see nor need the module (a self-paced
    one with nothing in it to do: :func:`lms.catalog.visibility.shown_to_trainees`). Making a module optional is not
    asked about. The course's minutes count only the required modules trainees see."""
    becomes_required = is_required and not module.is_required
    if course.status is not CourseStatus.PUBLISHED or module.is_archived:
        return None
    if credited_minutes == module.credited_minutes and not becomes_required:
        return None
    if not visibility.is_shown(module):
        return None
    counts = count_course_enrollments(course)
    enrolled = counts[EnrollmentStatus.ACTIVE] + counts[EnrollmentStatus.COMPLETED]
    if not enrolled:
        return None
    others = sum(m.credited_minutes for m in catalog.list_modules_of([course], trainee=True)[course.id]
                 if m.is_required and m.id != module.id)
    return ModuleCreditImpact(
        module_credit_confirmation(credited_minutes, is_required), enrolled, counts[EnrollmentStatus.COMPLETED],
        others + (module.credited_minutes if module.is_required else 0),
        others + (credited_minutes if is_required else 0), module.credited_minutes, credited_minutes,
        becomes_required, _count_without(course, module) if becomes_required else 0)


def _count_without(course: Course, module: Module) -> int:
    """Enrolments still in progress in ``course`` that have not completed ``module``."""
    completed = select(ModuleCompletion.enrollment_id).where(ModuleCompletion.module_id == module.id)
    return db.session.execute(
        select(func.count(Enrollment.id)).where(Enrollment.course_id == course.id,
                                                Enrollment.status == EnrollmentStatus.ACTIVE,
                                                Enrollment.id.not_in(completed))
    ).scalar_one()


@dataclass(frozen=True)
class AnswerKeyImpact:
    """Quiz attempts already graded on a question whose right answers an author is changing."""

    #: As for :attr:`QuizSettingsImpact.confirmation`: the new right answers (option slugs).
    confirmation: str
    graded: int


def answer_key_confirmation(correct_slugs: Iterable[str]) -> str:
    return ",".join(sorted(correct_slugs))


def answer_key_impact(question: Question, options: Iterable[Option],
                      correct_slugs: Iterable[str]) -> AnswerKeyImpact | None:
    """What making ``correct_slugs`` the right answers of ``question`` (its live ``options`` today) would leave behind:
    the attempts already graded on it, which keep their marks (each attempt keeps what it was marked against, see
    :mod:`lms.enrollment.quiz_review`), or None when the right answers do not change or nobody answered the question
    yet. Attempts of every enrolment count, withdrawn ones too: their marks stay as well. One query."""
    new = answer_key_confirmation(correct_slugs)
    if new == answer_key_confirmation(o.slug for o in options if o.is_correct):
        return None
    graded = count_graded_attempts(question)
    return AnswerKeyImpact(new, graded) if graded else None


def count_graded_attempts(question: Question) -> int:
    """Quiz attempts that answered ``question`` (an attempt's answers are kept by question slug)."""
    answers = db.session.execute(select(QuizAttempt.answers).where(QuizAttempt.quiz_id == question.quiz_id)).scalars()
    return sum(1 for kept in answers if question.slug in (kept or {}))
