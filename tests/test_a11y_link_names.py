"""Links and buttons repeated on every row of a list name their row (WCAG 2.4.4, 2.4.9): a screen reader's list of
links has no card or table around it, so the outline's "Edit module", "Add lesson", "Remove"..., the translation
status table's links, a session's title and "Check in", and the hours queue's training titles each end with the
item's title (or the person and date), visually hidden, after the visible words (2.5.3 Label in Name). A title in the
course's language inside a page in another is marked with its own (3.1.2)."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from html.parser import HTMLParser

import pytest

from lms import db
from lms.accounts.models import SiteRole
from lms.catalog import lesson_authoring, module_authoring
from tests.authoring_support import heat_course


@dataclass
class Control:
    """A link or button: its tag, attributes, accessible name (hidden words included) and its parts in a language."""

    tag: str
    attrs: dict[str, str | None]
    name: str = ""
    langs: list[tuple[str, str]] = field(default_factory=list)  # (lang, text) of the parts with a lang


class _Controls(HTMLParser):
    """Every ``a`` and ``button`` of a page, as assistive technology names them (text content, hidden words too)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.controls: list[Control] = []
        self._open: Control | None = None
        self._langs: list[tuple[str, str, list[str]]] = []  # (tag, lang, text so far) inside the open control

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag in ("a", "button"):
            self._open = Control(tag, attributes)
            self.controls.append(self._open)
        elif self._open and attributes.get("lang"):
            self._langs.append((tag, attributes["lang"] or "", []))

    def handle_endtag(self, tag):
        if self._open and tag == self._open.tag:
            self._open.name = re.sub(r"\s+", " ", self._open.name).strip()
            self._open = None
        elif self._langs and tag == self._langs[-1][0]:
            _tag, lang, text = self._langs.pop()
            self._open.langs.append((lang, re.sub(r"\s+", " ", "".join(text)).strip()))

    def handle_data(self, data):
        if self._open:
            self._open.name += data
            for _tag, _lang, text in self._langs:
                text.append(data)


def controls(page: str) -> list[Control]:
    parser = _Controls()
    parser.feed(page)
    return parser.controls


def names(page: str) -> list[str]:
    return [c.name for c in controls(page)]


def between(page: str, start: str, end: str) -> str:
    return page[page.index(start):page.index(end, page.index(start))]


def assert_unique(found: list[str]) -> None:
    repeated = [name for name, count in Counter(found).items() if count > 1]
    assert not repeated, repeated


# ---------------------------------------------------------------- the course outline


@pytest.fixture
def outline_course(make_user):
    """Heat safety (heat_course: “Warning signs” with “Heat stroke” and the quiz “Check”), a second module “Cooling
    down” with the lessons “Find shade” and “Drink water” and no quiz; by Ana Author (English), not signed in."""
    author = make_user("author@example.org", name="Ana Author", role=SiteRole.TRAINER, locale="en")
    course, _signs, _stroke, _check = heat_course(author)
    cooling = module_authoring.add_module(course, module_authoring.ModuleData(slug="cooling", title="Cooling down"),
                                          author)
    lesson_authoring.add_lesson(course, cooling, "shade", "Find shade", "Shade.", 5, author)
    lesson_authoring.add_lesson(course, cooling, "water", "Drink water", "Water.", 5, author)
    db.session.commit()
    return course, author


def _outline(client, u, course) -> str:
    page = client.get(u("lms.authoring.course", course_slug=course.slug)).text
    return between(page, '<ol class="outline">', "</main>")


def test_every_link_and_button_of_the_outline_names_its_module_or_lesson(client, u, login, outline_course):
    course, author = outline_course
    login(author)
    found = names(_outline(client, u, course))
    assert_unique(found)
    for expected in ("Edit module Warning signs", "Edit module Cooling down", "Add lesson Warning signs",
                     "Add lesson Cooling down", "Quiz: Check Warning signs", "Add quiz Cooling down",
                     "Remove module Warning signs", "Remove module Cooling down", "Down Move Warning signs down",
                     "Up Move Cooling down up", "Preview Heat stroke (in Warning signs)",
                     "Remove Heat stroke (in Warning signs)", "Preview Find shade (in Cooling down)",
                     "Remove Drink water (in Cooling down)", "Down Move Find shade (in Cooling down) down",
                     "Up Move Drink water (in Cooling down) up"):
        assert expected in found
    # none left bare: each generic word is followed by a title
    assert not {"Edit module", "Add lesson", "Add quiz", "Quiz", "Remove module", "Preview", "Remove", "Up",
                "Down"} & set(found)


def test_the_titles_are_marked_with_the_courses_language_for_a_reader_in_another(client, u, login, outline_course):
    course, author = outline_course
    author.locale = "es"
    db.session.commit()
    login(author)
    found = controls(_outline(client, u, course))
    edit = u("lms.authoring.edit_module", course_slug=course.slug, module_slug="cooling")
    (link,) = [c for c in found if c.attrs.get("href") == edit]
    assert link.langs == [("en", "Cooling down")]
    assert ("en", "Find shade") in [part for c in found if c.tag == "button" for part in c.langs]
    assert_unique([c.name for c in found])


def test_no_lang_is_repeated_when_the_reader_reads_the_courses_language(client, u, login, outline_course):
    course, author = outline_course
    login(author)
    outline = _outline(client, u, course)
    assert not [c for c in controls(outline) if c.langs and c.tag == "button"]
    assert '<span class="visually-hidden"> Cooling down</span>' in outline


# ---------------------------------------------------------------- the translation status table


def test_each_translation_status_link_names_its_row_and_language(client, u, login, outline_course):
    course, author = outline_course
    login(author)
    page = client.get(u("lms.authoring.translations", course_slug=course.slug)).text
    found = controls(between(page, "<table", "</table>"))
    assert_unique([c.name for c in found])
    assert [c.name for c in found] == ["Missing, translate Course title and summary into Spanish",
                                       "Missing, translate Warning signs into Spanish",
                                       "Missing, translate Cooling down into Spanish"]
    assert found[1].langs == []  # the module's title is in the page's language: no lang needed
    author.locale = "es"
    db.session.commit()
    page = client.get(u("lms.authoring.translations", course_slug=course.slug)).text
    found = controls(between(page, "<table", "</table>"))
    assert found[2].name.startswith("Falta") and "Cooling down" in found[2].name
    assert found[2].langs == [("en", "Cooling down")]


# ---------------------------------------------------------------- live sessions: every session of a module has its title


def _session_links(page: str) -> list[str]:
    return [c.name for c in controls(page) if "/sessions/" in (c.attrs.get("href") or "")
            and c.name.startswith("Role-play practice")]


@pytest.mark.parametrize("endpoint", ["lms.sessions.index", "lms.sessions.teach"])
def test_each_sessions_title_link_says_when_it_is(client, u, login, trainer, endpoint):
    from tests.live_support import live_course, schedule

    schedule(live_course(trainer)[1], trainer, repeat=2)
    login(trainer)
    found = _session_links(between(client.get(u(endpoint)).text, "<main", "</main>"))
    assert len(found) == 2, found
    assert_unique(found)
    assert all(re.fullmatch(r"Role-play practice, .*\d{1,2}:\d{2}.*", name) for name in found), found


# ---------------------------------------------------------------- the hours queue: many rows share a training's title


def test_each_queue_rows_link_names_the_person_the_day_and_the_time(client, u, login, make_user, make_org, add_member):
    from tests.test_hours_ledger import DAY, external, make_staff

    staff = make_staff(make_user, make_org, add_member)
    external(staff.trainee, "k1", minutes=90)
    external(staff.colleague, "k2", minutes=90)
    external(staff.trainee, "k3", day=DAY.replace(day=DAY.day - 1), minutes=60)
    login(staff.manager)
    page = client.get(u("lms.hours.queue", org_slug=staff.org.slug)).text
    found = [c.name for c in controls(between(page, "<tbody", "</tbody>")) if c.name.startswith("Workshop")]
    assert len(found) == 3, found
    assert_unique(found)
    assert any(re.fullmatch(r"Workshop of Tina Trainee, .+, 1 hour 30 minutes", name) for name in found), found
    assert any(re.fullmatch(r"Workshop of Carl Colleague, .+, 1 hour 30 minutes", name) for name in found), found
    # seen on screen, the link still reads "Workshop"
    assert re.search(r'>Workshop<span class="visually-hidden"> of Tina Trainee, ', page)


# ---------------------------------------------------------------- the dashboard: one "Manage" per organisation


def test_each_manage_link_on_the_dashboard_names_its_organisation(client, u, login, make_user, make_org):
    boss = make_user("boss@example.org", name="Bea Boss")
    make_org("acme", manager=boss, name="Acme Clinic")
    make_org("bay", manager=boss, name="Bay Health")
    login(boss)
    found = [name for name in names(client.get(u("lms.main.home")).text) if name.startswith("Manage")]
    assert sorted(found) == ["Manage Acme Clinic", "Manage Bay Health"]
