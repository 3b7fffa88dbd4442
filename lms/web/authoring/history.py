"""A course's history for its authors: the audit rows about the course and everything in it (modules, lessons,
quizzes, questions and answers, their translations, live sessions), and about what trainers did for its trainees
(extra quiz attempts, certificates issued by hand or revoked, attendance marked or corrected:
:data:`lms.web.audit_names.COURSE_PEOPLE_ACTIONS`), newest first, read as the admin audit log reads them
(:mod:`lms.web.audit_display`, :mod:`lms.web.audit_names`); what a lesson edit changed in its texts as a line
diff (:mod:`lms.web.authoring.text_changes`). A fixed number of queries per page."""

from __future__ import annotations

from flask import render_template

from lms import audit
from lms.catalog import services as catalog
from lms.catalog.texts import load_texts
from lms.i18n import current_locale
from lms.orgs.services import list_orgs
from lms.security import access
from lms.web.audit_display import action_title, changes, what
from lms.web.audit_names import COURSE_HISTORY_SKIPS, course_subjects, names_of
from lms.web.authoring import bp
from lms.web.authoring.text_changes import fields_of, text_changes
from lms.web.hours.ledger import page_number
from lms.web.hours.queue import event_reason

#: Rows on one page of a course's history.
PAGE_SIZE = 50


@bp.get("/<course_slug>/history")
@access.trainer
def history(course_slug: str):
    course = catalog.get_course(course_slug)
    page = page_number()
    events = audit.list_events_about(course_subjects(course.id), skip_actions=COURSE_HISTORY_SKIPS,
                                     limit=PAGE_SIZE + 1, offset=(page - 1) * PAGE_SIZE)
    events, has_more = events[:PAGE_SIZE], len(events) > PAGE_SIZE
    names = names_of(events, {org.id: org.name for org in list_orgs()})
    diffs = {event.id: text_changes(event) for event in events}  # shown apart from the other changes, collapsed
    return render_template(
        "lms/authoring/history.html", course=course, events=events, has_more=has_more, number=page, names=names,
        t=load_texts(course, current_locale(), owners=[("course", course.id)], fields=("title",)), diffs=diffs,
        diff_fields=fields_of,
        action_title=action_title,
        changes=lambda event: changes(event, names, omit=("course_id", *(c.key for c in diffs[event.id]))),
        what=lambda event: what(event, names),
        event_reason=event_reason)
