"""What the authoring pages say after a save or a preview: the translations a save left out of date (or an object
just added to a translated course has no part in yet), and images written without a description (alt text)."""

from __future__ import annotations

from collections.abc import Iterable

from lms.catalog.markdown import images_without_description
from lms.i18n import _, language_name, ngettext


def saved_message(saved: str, behind: Iterable[str], what: str) -> str:
    """``saved`` ("Lesson saved."), then one sentence per language whose translation the save left out of date
    (:mod:`lms.catalog.translation_lag`): ``what`` is ``lesson``, ``question`` or ``quiz`` (a question added to a
    translated quiz)."""
    return " ".join([saved, *(_out_of_date(what, language_name(locale)) for locale in behind)])


def added_message(saved: str, missing: Iterable[str], what: str, source_locale: str) -> str:
    """``saved`` (a :func:`saved_message`, "Module added."), then one sentence per language the course is translated
    into (:func:`lms.catalog.translation_lag.course_locales`) that the object just added, ``what`` (``lesson``,
    ``module`` or ``question``), has no translation in yet: its readers see it in ``source_locale``'s language."""
    source = language_name(source_locale)
    return " ".join([saved, *(_not_translated(what, language_name(locale), source) for locale in missing)])


def _out_of_date(what: str, language: str) -> str:
    if what == "lesson":
        # i18n: after saving a lesson; language is a language's name in running text, e.g. "Spanish"
        return _("The %(language)s translation of this lesson is now out of date.", language=language)
    if what == "quiz":
        # i18n: after adding a question to a translated quiz; language is a language's name in running text
        return _("The %(language)s translation of this quiz is now out of date.", language=language)
    # i18n: after saving a quiz question; language is a language's name in running text, e.g. "Spanish"
    return _("The %(language)s translation of this question is now out of date.", language=language)


def _not_translated(what: str, language: str, source: str) -> str:
    if what == "lesson":
        # i18n: after adding a lesson to a translated course; language and source are languages' names in running
        # text, e.g. "Spanish" and "English"
        return _("This lesson has no %(language)s translation yet: %(language)s readers see it in %(source)s.",
                 language=language, source=source)
    if what == "module":
        # i18n: after adding a module to a translated course; language and source as in "This lesson has no…"
        return _("This module has no %(language)s translation yet: %(language)s readers see it in %(source)s.",
                 language=language, source=source)
    # i18n: after adding a question to a translated course; language and source as in "This lesson has no…"
    return _("This question has no %(language)s translation yet: %(language)s readers see it in %(source)s.",
             language=language, source=source)


def undescribed_images(body: str) -> str | None:
    """The warning for images of a lesson body written without a description (alt text), else None."""
    count = len(images_without_description(body))
    if not count:
        return None
    # i18n: a warning on the lesson form; the lesson is saved (or previewed) all the same
    return ngettext("%(num)s image in the lesson text has no description for people who cannot see it. Write one "
                    "between the brackets: ![What the picture shows](https://…).",
                    "%(num)s images in the lesson text have no description for people who cannot see them. Write "
                    "one between the brackets of each: ![What the picture shows](https://…).", count)
