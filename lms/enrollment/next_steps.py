"""Where a trainee goes next in a course, and what is left once the lessons and quizzes that count are done.

The rule (``docs/learning.md``, "Reading lessons"):

- A **required step** is a lesson or the quiz of a *required self-paced* module: reading it and passing it are what
  complete that module, and the module is needed for the course (:func:`has_required_steps`).
- Every other lesson or quiz is **optional**: reading and a practice quiz in a live or field module (those modules
  are completed by attendance or by approved field hours, :func:`lms.enrollment.completion.steps_count`), and the
  lessons and quiz of an optional module. They stay reachable from the course page and the lesson pager, marked
  optional, but are never offered as the next thing to do.
- **Continue where you left off**, **Next lesson / Next quiz** after a passed quiz and **Mark as complete and
  continue** lead to required steps only (:func:`next_step`, :func:`step_after`). The one exception: inside optional
  reading, **Mark as complete and continue** goes on through the rest of that module's own reading first.
- Once every required step is done, what is left is the required modules not complete yet (:func:`still_to_do`):
  live sessions to register for and attend, field experience to log. The course page and the quiz result say so and
  link there, instead of leading into optional reading.
"""

from __future__ import annotations

from lms.catalog.models import Lesson, Module
from lms.catalog.services import Outline
from lms.enrollment.completion import Progress, steps_count
from lms.enrollment.models import Enrollment
from lms.enrollment.services import Step, steps


def has_required_steps(module: Module) -> bool:
    """Whether ``module``'s lessons and quiz are required steps: a required self-paced module."""
    return module.is_required and steps_count(module)


def required_steps(outline: Outline) -> list[Step]:
    """The required steps of the course in reading order (:func:`lms.enrollment.services.steps`)."""
    return [step for step in steps(outline) if has_required_steps(step.module)]


def _done(progress: Progress, step: Step) -> bool:
    if step.lesson is not None:
        return step.lesson.id in progress.completed_lessons
    return progress.outline.quizzes[step.module.id].id in progress.passed_quizzes


def _current(ordered: list[Step], enrollment: Enrollment) -> Step | None:
    return next((s for s in ordered if s.lesson is not None and s.lesson.id == enrollment.current_lesson_id), None)


def next_step(enrollment: Enrollment, progress: Progress) -> Step | None:
    """The next thing to do: the required lesson left open if unfinished, else the first unfinished required lesson or
    quiz (None when every required step is done, optional reading left or not)."""
    ordered = required_steps(progress.outline)
    current = _current(ordered, enrollment)
    if current is not None and not _done(progress, current):
        return current
    return next((s for s in ordered if not _done(progress, s)), None)


def still_to_do(progress: Progress) -> list[Module]:
    """The required modules not complete yet, in course order. Once :func:`next_step` is None these are modules
    completed another way (a live session attended, field experience approved), or none when the course is done."""
    return [m for m in progress.outline.modules if m.is_required and not progress.module_done(m)]


def resume_step(enrollment: Enrollment, progress: Progress) -> Step | None:
    """Where **Continue** leads: :func:`next_step`; else, with a required module still to do (:func:`still_to_do`),
    None: going back to a finished lesson or into optional reading is no way forward, so the course page says what
    is left instead; else the lesson last opened (None for a course with nothing to read)."""
    step = next_step(enrollment, progress)
    if step is not None or still_to_do(progress):
        return step
    return _current(steps(progress.outline), enrollment)


def review_step(progress: Progress) -> Step | None:
    """Where to review a course from: its first lesson or quiz (None for a course with nothing to read)."""
    return next(iter(steps(progress.outline)), None)


def step_after(progress: Progress, lesson: Lesson) -> Step | None:
    """Where **Mark as complete and continue** leads after ``lesson``: the rest of its own module (its next lesson, or
    its quiz if not passed yet), then the next required step of the course (a lesson even if read before, for
    reading on; a quiz only if not passed). None at the end: the course page then says what is left."""
    ordered = steps(progress.outline)
    index = next(i for i, s in enumerate(ordered) if s.lesson is not None and s.lesson.id == lesson.id)
    here = ordered[index].module.id
    for step in ordered[index + 1:]:
        if step.module.id != here and not has_required_steps(step.module):
            continue  # optional reading of another module is never the way on
        if step.lesson is not None or not _done(progress, step):
            return step
    return None

