"""From a course to its live sessions: the live module links to the course's upcoming sessions, and once only a live
module is left, "Continue" leads there instead of back to a lesson already finished."""

from __future__ import annotations

import re

import pytest

from lms.accounts.models import SiteRole
from tests.test_learning import build_course, complete_url, lesson_url


@pytest.fixture
def trainer(make_user):
    return make_user("trainer@example.org", role=SiteRole.TRAINER)


def _page(client, u) -> str:
    response = client.get(u("lms.courses.course", course_slug="core"))
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _progress_box(page: str) -> str:
    return page.split('id="you-heading"', 1)[1].split("</section>", 1)[0]


def _module(page: str, slug: str) -> str:
    return page.split(f'id="module-{slug}"', 1)[1].split("</li>", 1)[0]


def test_the_live_module_links_to_the_courses_sessions(client, u, trainer):
    build_course(trainer, quiz=False, live=True)
    sessions = u("lms.sessions.index", course="core")
    page = _page(client, u)
    live = _module(page, "live")
    assert "Completed by attending a live session." in live
    assert f'href="{sessions}"' in live.replace("&amp;", "&") and "Find a live session" in live
    assert "/sessions/" not in _module(page, "m1")  # self-paced modules have no such link


def test_with_only_the_live_module_left_continue_leads_to_its_sessions(client, u, login, trainer, make_user):
    build_course(trainer, quiz=False, live=True)
    login(make_user("kai@example.org", name="Kai"))
    assert client.submit(u("lms.courses.enroll", course_slug="core")).status_code == 302
    box = _progress_box(_page(client, u))
    assert "Start the course" in box
    for n in (1, 2):
        assert client.get(lesson_url(u, lesson=f"l{n}")).status_code == 200
        assert client.submit(complete_url(u, lesson=f"l{n}")).status_code == 302
    box = _progress_box(_page(client, u))
    assert lesson_url(u, lesson="l2") not in box  # not back to the lesson just finished
    assert "Still to do: Live practice." in box
    button = re.search(r'<a class="button[^"]*" href="([^"]+)">([^<]+)</a>', box)
    assert button and button.group(1).replace("&amp;", "&") == u("lms.sessions.index", course="core")
    assert button.group(2) == "Find a live session"


def test_halfway_through_continue_still_leads_to_the_next_lesson(client, u, login, trainer, make_user):
    build_course(trainer, quiz=False, live=True)
    login(make_user("kai@example.org", name="Kai"))
    assert client.submit(u("lms.courses.enroll", course_slug="core")).status_code == 302
    assert client.get(lesson_url(u, lesson="l1")).status_code == 200
    assert client.submit(complete_url(u, lesson="l1")).status_code == 302
    box = _progress_box(_page(client, u))
    assert "Continue where you left off" in box and lesson_url(u, lesson="l2") in box
    assert "Still to do" not in box
