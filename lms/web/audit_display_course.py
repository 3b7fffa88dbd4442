"""How a few rows of a course's history read, beside :mod:`lms.web.audit_display` (which merges these in): a new
order of modules, lessons or questions (:mod:`lms.catalog.ordering`), the settings of a live session an edit changed
besides its time and place (:mod:`lms.live.session_record`), and an enrolment made by issuing a certificate by hand."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from babel.numbers import format_decimal

from lms.i18n import _, _l, current_locale, format_money, format_when, language_name

#: The titles of the reordering rows (the row is about the course, module or quiz whose list changed).
REORDER_TITLES = {
    # i18n: the course history: an author moved a module up or down; the row names the course and the new order
    "course.modules_reordered": _l("Modules reordered"),
    # i18n: the course history: an author moved a lesson up or down; the row names the module and the new order
    "module.lessons_reordered": _l("Lessons reordered"),
    # i18n: the course history: an author moved a quiz question up or down; the row names the quiz and the new order
    "quiz.questions_reordered": _l("Questions reordered"),
}


def _order(value: Any) -> str:
    """Items in order as a row keeps them (``{"id", "name"}``), numbered: "1. Heat stroke; 2. Cramps"."""
    # i18n: one item of a list in its new order in the course history: its place (1, 2, ...) and its name
    return "; ".join(_("%(number)s. %(name)s", number=index, name=item.get("name") or f"#{item.get('id')}")
                     for index, item in enumerate(value, start=1)) or "—"


#: The fields of the reordering rows.
REORDER_FIELDS = {
    "course.modules_reordered": {"order": (_l("Order of the modules"), _order)},
    "module.lessons_reordered": {"order": (_l("Order of the lessons"), _order)},
    "quiz.questions_reordered": {"order": (_l("Order of the questions"), _order)},
}


def _number(value: Any) -> str:
    return format_decimal(int(value), locale=current_locale())


def _moment(value: Any) -> str:
    return format_when(datetime.fromisoformat(value))


#: A live session's settings an edit's row keeps besides ``changes`` (its module is the common ``module_id``), under
#: the labels of the session form.
SESSION_SETTING_FIELDS = {
    "capacity": (_l("Seats"), _number),
    "registration_deadline": (_l("Registration closes"), _moment),
    "cost_cents": (_l("Cost per participant (US dollars)"), format_money),
    "notes": (_l("Notes for participants"), str),
    "locale": (_l("Language the session is given in"), language_name),
}

#: How an enrolment was made, besides a live session's ways (``via``).
ENROLLED_VIA = {
    # i18n: in the course history, how a trainee was enrolled: a trainer issued them a certificate by hand
    "manual_certificate": _l("certificate issued by hand"),
}
