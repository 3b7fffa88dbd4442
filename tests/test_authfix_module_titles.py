"""Two modules of a course cannot share a title (case and spaces ignored), in the course's language or in a
translation: messages and the Remove page name modules by title. Courses that already have two alike get each one's
short name beside its title in messages, and the Remove page shows the short name."""

from __future__ import annotations

import pytest

from lms import db
from lms.catalog import module_authoring, module_kind
from lms.catalog.models import Module
from lms.catalog.module_authoring import ModuleData
from lms.catalog.module_titles import quoted_titles
from lms.catalog.texts import set_text
from lms.errors import DomainError
from tests.authoring_support import heat_course, page_words
from tests.test_translation_editor_preview import _form

TAKEN = "The module “Warning signs” (short name signs) already has this title. Give each module of a course a " \
        "different title."


def _module_form(title: str, slug: str = "second") -> dict:
    return {"slug": slug, "title": title, "kind": "self_paced", "credited_minutes": "30", "is_required": "y"}


def test_a_new_module_with_another_modules_title_is_refused_at_its_title(client, u, signed_in_trainer):
    heat_course(signed_in_trainer)
    db.session.commit()
    response = client.submit(u("lms.authoring.new_module", course_slug="heat"), _module_form("  warning   SIGNS "))
    assert response.status_code == 400
    assert TAKEN in page_words(response.text)
    assert db.session.query(Module).filter_by(slug="second").count() == 0
    ok = client.submit(u("lms.authoring.new_module", course_slug="heat"), _module_form("After the heat"))
    assert ok.status_code == 302


def test_renaming_a_module_to_another_modules_title_is_refused_and_its_own_title_is_kept(signed_in_trainer):
    course, module, _lesson, _quiz = heat_course(signed_in_trainer)
    second = module_authoring.add_module(course, ModuleData(slug="second", title="After the heat"), signed_in_trainer)
    with pytest.raises(DomainError) as refused:
        module_authoring.update_module(course, second, ModuleData(slug="second", title="Warning Signs"),
                                       signed_in_trainer)
    assert refused.value.message == TAKEN and refused.value.details.get("field") == "title"
    # saving a module with its own title is fine; a removed module's title is free again
    module_authoring.update_module(course, module, ModuleData(slug="signs", title="Warning signs", summary="x"),
                                   signed_in_trainer)
    module.is_archived = True
    db.session.flush()
    module_authoring.update_module(course, second, ModuleData(slug="second", title="Warning signs"), signed_in_trainer)


def test_messages_name_modules_that_share_a_title_by_short_name(signed_in_trainer):
    course, module, _lesson, _quiz = heat_course(signed_in_trainer)
    before = module_authoring.add_module(course, ModuleData(slug="before-visit", title="Before the visit"),
                                         signed_in_trainer)
    other = module_authoring.add_module(course, ModuleData(slug="before-2", title="Other"), signed_in_trainer)
    assert quoted_titles(course, [before]) == "“Before the visit”"
    set_text(course, other, "title", "en", "Before the visit", signed_in_trainer)  # as made before the rule
    db.session.flush()
    assert quoted_titles(course, [before]) == "“Before the visit” (short name before-visit)"
    with pytest.raises(DomainError) as refused:
        module_kind.check_publishable(course)
    assert "modules “Before the visit” (short name before-visit), “Before the visit” (short name before-2)" \
        in refused.value.message
    assert module.slug == "signs"


def test_the_remove_page_shows_the_modules_short_name(client, u, signed_in_trainer):
    heat_course(signed_in_trainer)
    db.session.commit()
    page = client.get(u("lms.authoring.remove_module", course_slug="heat", module_slug="signs"))
    assert "Short name: signs" in page_words(page.text)


def test_a_translated_module_title_another_module_has_in_that_language_is_refused(client, u, signed_in_trainer):
    course, module, _lesson, _quiz = heat_course(signed_in_trainer)
    second = module_authoring.add_module(course, ModuleData(slug="second", title="After the heat"), signed_in_trainer)
    set_text(course, module, "title", "es", "Señales", signed_in_trainer)
    db.session.commit()
    path = u("lms.authoring.translate_module", course_slug="heat", locale="es", module_slug="second")
    form = _form(client.get(path).text)
    form[f"t-module-{second.id}-title"] = "señales "
    refused = client.submit(path, form)
    assert refused.status_code in (200, 400)
    assert "Another module has this title in this language: “Señales”. Give each module a different title." \
        in page_words(refused.text)
    # the source title shown in place of a missing translation counts too
    form[f"t-module-{second.id}-title"] = "Warning signs"
    set_text(course, module, "title", "es", "", signed_in_trainer)
    db.session.commit()
    assert "“Warning signs”" in page_words(client.submit(path, form).text)
    form[f"t-module-{second.id}-title"] = "Después del calor"
    assert client.submit(path, form).status_code == 302
