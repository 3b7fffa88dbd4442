"""The trainer's course page credits what trainees get: a required self-paced module with nothing in it yet is
hidden from trainees and counts toward nothing, so it is left out of the total, and named beside it."""

from __future__ import annotations

from lms import db
from lms.catalog import module_authoring
from lms.catalog.module_authoring import ModuleData
from tests.authoring_support import page_words
from tests.test_learning import build_course


def test_an_empty_required_module_is_left_out_of_the_credited_total_and_named(client, u, signed_in_trainer):
    course = build_course(signed_in_trainer, es_title=None, publish=False)  # "Module 1": 60 minutes, two lessons
    module_authoring.add_module(course, ModuleData(slug="before-visit", title="Before the visit", credited_minutes=20),
                                signed_in_trainer)
    db.session.commit()
    page = client.get(u("lms.authoring.course", course_slug="core")).text
    words = page_words(page)
    assert "1 hour credited" in words and "1 hour 20 minutes credited" not in words
    assert ("(not counting the empty module “Before the visit”, 20 minutes: trainees do not see it until it has a "
            "lesson or a quiz with questions)") in words
    preview = page_words(client.get(u("lms.authoring.preview", course_slug="core")).text)
    assert "1 hour of credited training" in preview


def test_a_module_with_something_to_do_counts_and_nothing_is_said(client, u, signed_in_trainer):
    course = build_course(signed_in_trainer, es_title=None, publish=False, optional_extra=True)
    db.session.commit()
    words = page_words(client.get(u("lms.authoring.course", course_slug="core")).text)
    assert "1 hour credited" in words and "not counting" not in words
    assert course.slug == "core"
