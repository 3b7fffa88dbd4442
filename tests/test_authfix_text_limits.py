"""Even text limits in authoring: course, module and lesson titles all hold at most TITLE_MAX characters (the server
refuses more; the box says so with ``maxlength``); a short name too long is refused with a message, not cut by the
browser (its box has no ``maxlength``), and a refused one comes back as typed; long titles wrap in tables."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from lms import db
from lms.catalog.models import Course
from lms.catalog.texts import MAX_LENGTHS, TITLE_MAX
from tests.authoring_support import heat_course, page_words

NEW_COURSE = {"version": "1", "kind": "core", "source_locale": "en"}


def _box(page: str, name: str) -> str:
    return re.search(rf'<input [^>]*name="{name}"[^>]*>', page).group(0)


def test_course_module_and_lesson_titles_share_one_limit():
    assert {MAX_LENGTHS[kind, "title"] for kind in ("course", "module", "lesson")} == {TITLE_MAX}


@pytest.mark.parametrize("endpoint", ["new_course", "new_module", "new_lesson"])
def test_each_title_box_carries_the_limit(client, u, signed_in_trainer, endpoint):
    heat_course(signed_in_trainer)
    db.session.commit()
    values = {"new_course": {}, "new_module": {"course_slug": "heat"},
              "new_lesson": {"course_slug": "heat", "module_slug": "signs"}}[endpoint]
    page = client.get(u(f"lms.authoring.{endpoint}", **values)).text
    assert f'maxlength="{TITLE_MAX}"' in _box(page, "title")


def test_a_too_long_course_title_is_refused(client, u, signed_in_trainer):
    response = client.submit(u("lms.authoring.new_course"), {**NEW_COURSE, "slug": "long", "title": "x" * 5000})
    assert response.status_code == 400
    assert f"at most {TITLE_MAX} characters." in page_words(response.text)  # lms.web.validators.Length
    assert db.session.query(Course).count() == 0


def test_a_refused_short_name_comes_back_as_typed_and_a_long_one_is_refused_not_cut(client, u, signed_in_trainer):
    page = client.get(u("lms.authoring.new_course")).text
    assert "maxlength" not in _box(page, "slug")
    response = client.submit(u("lms.authoring.new_course"), {**NEW_COURSE, "slug": "Bad Slug!", "title": "Heat"})
    assert response.status_code == 400
    assert 'value="Bad Slug!"' in _box(response.text, "slug")
    assert "Use lowercase letters, numbers and hyphens." in page_words(response.text)
    long = client.submit(u("lms.authoring.new_course"), {**NEW_COURSE, "slug": "a" * 300, "title": "Heat"})
    assert long.status_code == 400 and "at most 64 characters." in page_words(long.text)
    assert f'value="{"a" * 300}"' in _box(long.text, "slug")
    # a short name typed with capitals is still taken, lowercased
    ok = client.submit(u("lms.authoring.new_course"), {**NEW_COURSE, "slug": " Heat-Safety ", "title": "Heat"})
    assert ok.status_code == 302 and db.session.query(Course).one().slug == "heat-safety"


def test_long_titles_wrap_in_tables():
    css = (Path(__file__).parents[1] / "lms" / "static" / "lms.css").read_text()
    assert re.search(r'th\[scope="row"\], th a, td a \{ overflow-wrap: anywhere; \}', css)
