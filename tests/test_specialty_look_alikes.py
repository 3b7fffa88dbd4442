"""A specialty whose word mixes Latin letters with Cyrillic or Greek look-alikes ("nutrición" typed with a Cyrillic
a) would be a specialty apart from the one it looks like: the authoring forms and the catalog services refuse it with
a message naming it. Accented Latin, and words all in another alphabet, are kept as before."""

from __future__ import annotations

import re
from html import unescape

import pytest
from sqlalchemy import func, select

from lms import db
from lms.accounts.models import SiteRole
from lms.catalog import course_authoring
from lms.catalog.areas import checked_specialties, mixes_scripts
from lms.catalog.models import Course
from lms.errors import DomainError
from tests.test_authoring import _create_course

CYRILLIC_A, GREEK_OMICRON = "\u0430", "\u03bf"
LOOK_ALIKE = f"N{CYRILLIC_A}trición"  # as typed: its first a is a Cyrillic one
MESSAGE = ("mixes letters of different alphabets (such as Cyrillic or Greek letters that look like Latin ones), so it "
           "would not match the specialty it looks like. Type it again using one alphabet.")


@pytest.fixture
def trainer(make_user, login):
    user = make_user("trainer@example.org", name="Tina Trainer", role=SiteRole.TRAINER, locale="en")
    login(user)
    return user


def _text(response) -> str:
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", response.get_data(as_text=True))))


@pytest.mark.parametrize(("typed", "mixed"), [
    ("nutrición", False),
    ("nutricio\u0301n", False),  # the accent typed apart
    ("питание", False),  # all Cyrillic: one alphabet
    ("salud-de-los-niños", False),
    ("nutrition питание", False),  # two words, each in one alphabet
    (LOOK_ALIKE, True),
    (f"nutrici{GREEK_OMICRON}n", True),
    (f"salud de los niñ{CYRILLIC_A}s", True),  # one word of several
])
def test_the_rule(typed, mixed):
    assert mixes_scripts(typed) is mixed


def test_the_course_form_refuses_a_look_alike_and_names_it(client, u, trainer):
    response = _create_course(client, u, specialties=f"Nutrición, {LOOK_ALIKE}")
    assert response.status_code == 400
    assert f"“{LOOK_ALIKE}” {MESSAGE}" in _text(response)
    assert db.session.scalar(select(func.count(Course.id))) == 0


def test_accented_latin_and_other_alphabets_still_work(client, u, trainer):
    assert _create_course(client, u, specialties="Nutrición, Salud de los niños, питание").status_code == 302
    course = db.session.execute(select(Course)).scalar_one()
    assert course.specialties == ["nutrición", "salud-de-los-niños", "питание"]


def test_the_module_form_refuses_a_look_alike(client, u, trainer):
    assert _create_course(client, u, specialties="").status_code == 302
    response = client.submit(u("lms.authoring.new_module", course_slug="heat-safety"), {
        "slug": "food", "title": "Food", "summary": "", "kind": "self_paced", "credited_minutes": "45",
        "is_required": "y", "competency_areas": ["outreach"], "specialties": f"nutrici{GREEK_OMICRON}n"})
    assert response.status_code == 400 and f"“nutrici{GREEK_OMICRON}n” {MESSAGE}" in _text(response)


def test_the_services_refuse_it_too(app, make_user):
    """Course-file import and any other caller go through the services: the same rule, on the specialties field."""
    with pytest.raises(DomainError) as refused:
        checked_specialties(["nutrición", LOOK_ALIKE])
    assert refused.value.details.get("field") == "specialties" and MESSAGE in refused.value.message
    data = course_authoring.CourseData(slug="food", title="Food", specialties=(LOOK_ALIKE,))
    with pytest.raises(DomainError):
        course_authoring.create_course(data, make_user("t@example.org", role=SiteRole.TRAINER))
    db.session.rollback()


def test_a_course_file_with_a_look_alike_is_refused_on_import(app, courses, run_import):
    course_yaml = courses / "listening-basics" / "course.yaml"
    course_yaml.write_text(course_yaml.read_text(encoding="utf-8").replace(
        "specialties: []", f"specialties: [nutrición, {LOOK_ALIKE}]"), encoding="utf-8")
    result = run_import(courses, ok=False)
    assert MESSAGE in result.output and db.session.scalar(select(func.count(Course.id))) == 0
