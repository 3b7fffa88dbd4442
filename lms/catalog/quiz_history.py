"""Whether a quiz's questions were edited after a given time, as far as the records tell.

Questions and answers keep no edit time of their own. What is recorded: each text's last change (``Text.updated_at``,
in every language) and the audit log (questions removed or restored, and whatever else is recorded there about the
quiz, its questions and answers). A change that leaves neither trace (before authoring edits were audited, ticking
another answer as correct without touching any text) cannot be seen here.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import and_, exists, or_, select

from lms import db
from lms.audit import AuditEvent
from lms.catalog.models import Option, Question, Quiz, Text


def quiz_edited_since(quiz: Quiz, since: datetime, locales: Iterable[str]) -> bool:
    """Whether a question or answer of ``quiz`` (removed ones included) had its text in one of ``locales`` changed
    after ``since``, or an audit row about the quiz, its questions or answers was written after it. Two queries."""
    questions = select(Question.id).where(Question.quiz_id == quiz.id).scalar_subquery()
    options = select(Option.id).join(Question, Question.id == Option.question_id).where(
        Question.quiz_id == quiz.id).scalar_subquery()
    texts = exists().where(
        Text.course_id == quiz.course_id, Text.locale.in_(list(locales)), Text.updated_at > since,
        or_(and_(Text.owner_type == "question", Text.owner_id.in_(questions)),
            and_(Text.owner_type == "option", Text.owner_id.in_(options))))
    if db.session.execute(select(texts)).scalar():
        return True
    audited = exists().where(
        AuditEvent.at > since,
        or_(and_(AuditEvent.object_type == "Quiz", AuditEvent.object_id == quiz.id),
            and_(AuditEvent.object_type == "Question", AuditEvent.object_id.in_(questions)),
            and_(AuditEvent.object_type == "Option", AuditEvent.object_id.in_(options))))
    return bool(db.session.execute(select(audited)).scalar())
