"""A trainee reading a translated lesson whose source was updated after the translation is told so: the translation
may not match the latest version yet (and not told anything once the translator has caught up)."""

from __future__ import annotations

from lms import db
from lms.accounts.models import SiteRole
from lms.catalog import course_authoring, lesson_authoring, module_authoring
from lms.catalog.models import CourseStatus
from lms.catalog.texts import set_text
from lms.enrollment import services as learning

NOTE = "Esta lección se actualizó en inglés después de traducirse"


def test_a_stale_translation_says_so_until_it_is_translated_again(client, u, make_user, login):
    trainer = make_user("teacher@example.org", role=SiteRole.TRAINER)
    course = course_authoring.create_course(course_authoring.CourseData(slug="heat", title="Heat safety"), trainer)
    module = module_authoring.add_module(course, module_authoring.ModuleData(slug="signs", title="Signs",
                                                                             credited_minutes=30), trainer)
    lesson = lesson_authoring.add_lesson(course, module, "stroke", "Heat stroke", "Hot, dry skin.", 10, trainer)
    for obj, name, value in ((course, "title", "Calor"), (module, "title", "Señales"), (lesson, "title", "Golpe de calor"),
                             (lesson, "body", "Piel caliente y seca.")):
        set_text(course, obj, name, "es", value, trainer)
    course_authoring.set_course_status(course, CourseStatus.PUBLISHED, trainer)
    rosa = make_user("rosa@example.org", locale="es")
    learning.enroll(rosa, course)
    db.session.commit()
    page = u("lms.courses.lesson", course_slug="heat", module_slug="signs", lesson_slug="stroke")

    login(rosa)
    assert NOTE not in client.get(page).get_data(as_text=True)
    lesson_authoring.update_lesson(course, lesson, "Heat stroke", "Hot, dry or damp skin.", 10, trainer)
    db.session.commit()
    shown = client.get(page).get_data(as_text=True)
    assert NOTE in shown and "Piel caliente y seca." in shown
    set_text(course, lesson, "body", "es", "Piel caliente, seca o húmeda.", trainer)
    db.session.commit()
    assert NOTE not in client.get(page).get_data(as_text=True)
