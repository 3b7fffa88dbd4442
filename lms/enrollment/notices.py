"""Email to trainees about their quizzes, in the trainee's language.

Template ``templates/lms/email/quiz_attempt_granted.txt``. Sent by the caller *after* its commit, so a change that was
rolled back never told anyone, and a mail server that refuses the message cannot undo the change. Links are built by
the caller (web layer).
"""

from __future__ import annotations

from typing import Any

from lms.catalog.models import Course, Module, Quiz
from lms.catalog.texts import load_titles
from lms.notify.services import recipient_locale, send_email


def tell_attempt_granted(user: Any, course: Course, module: Module, quiz: Quiz, link: str, *, by: str,
                         extra: int = 1) -> None:
    """Tell ``user`` that ``by`` gave them ``extra`` more attempts at ``quiz`` (raises :class:`MailError`)."""
    locale = recipient_locale(user)
    texts = load_titles([module, quiz], [course], locale)[course.id]
    module_title, quiz_title = texts(module) or module.slug, texts(quiz)
    # quizzes are often all called "Check what you learned": the module says which one
    title = f"{quiz_title} · {module_title}" if quiz_title and quiz_title != module_title else module_title
    send_email(user.email, "quiz_attempt_granted", locale, user=user, by=by, extra=extra, link=link,
               title=title, course_title=texts(course) or course.slug)
