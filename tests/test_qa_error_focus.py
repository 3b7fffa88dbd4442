"""Boxes that answer what was sent take the reader to them (WCAG 2.2 2.4.3, 3.3.1, 2.4.2), through the shared
mechanism (lms/web/error_summary.py) rather than a hand-written box: the roster file's problems, a removal or status
change that is refused, a course that cannot be downloaded as course files are error summaries (id, ``tabindex="-1"``,
``autofocus``, "Error:" in the title); a confirmation asked for (the roster's later start dates, an open invitation)
takes the focus without the "Error:" title. A refused end of the only manager's employment lists no consequences."""

from __future__ import annotations

import io
from datetime import date

from sqlalchemy import select

from lms import db
from lms.catalog import course_authoring
from lms.orgs.models import Membership
from tests.conftest import html_text
from tests.test_a11y_error_focus import assert_focused_summary, summaries, tag, title
from tests.test_authoring_archive import COURSE, build
from tests.test_mgr_qa_roster_start_moves import _hidden, tom  # noqa: F401 (a fixture)
from tests.test_org_invitations import FIRST, SECOND

HEADER = "email,name,employment_start\n"


def _import(client, u, text: str):
    return client.submit(u("lms.orgs.roster_import", org_slug="acme"),
                         {"file": (io.BytesIO(text.encode()), "roster.csv")}, content_type="multipart/form-data")


def test_a_roster_file_with_problems_is_a_focused_error_summary(client, u, manager):
    response = _import(client, u, HEADER + "not-an-email,Nia New,\n")
    page = response.get_data(as_text=True)
    assert "Nothing was imported. Fix these problems" in html_text(page)
    assert title(page).startswith("Error: Import a roster")
    assert_focused_summary(page)


def test_the_roster_confirmation_of_later_start_dates_takes_the_focus_without_an_error_title(client, u, tom):  # noqa: F811
    page = _import(client, u, HEADER + "trainee@example.org,Tom Trainee,2024-09-01\n").get_data(as_text=True)
    box = tag(page, "roster-start-moves")
    assert 'tabindex="-1"' in box and " autofocus" in box and page.count("autofocus") == 1
    assert not title(page).startswith("Error:") and not summaries(page)
    # sent again without the tick: the error summary takes the focus, the confirmation box does not
    page = client.submit(u("lms.orgs.roster_import", org_slug="acme"), _hidden(page),
                         content_type="multipart/form-data").get_data(as_text=True)
    assert "Tick the box to move these start dates later" in page and "autofocus" not in tag(page, "roster-start-moves")
    assert_focused_summary(page)


def test_a_refused_removal_is_a_focused_error_summary(client, u, trainer, login):
    build(trainer, lessons=("a",), quiz=False, publish=True)  # a published course's only lesson of its module
    login(trainer)
    page = client.get(u("lms.authoring.remove_lesson", course_slug=COURSE, module_slug="m1", lesson_slug="a")).text
    assert "a self-paced module needs a lesson or a quiz" in page
    assert title(page).startswith("Error: Remove")
    assert_focused_summary(page)


def test_a_refused_status_change_is_a_focused_error_summary(client, u, trainer, login):
    course_authoring.create_course(course_authoring.CourseData(slug="heat", title="Heat safety"), trainer)
    db.session.commit()
    login(trainer)
    page = client.get(u("lms.authoring.set_status", course_slug="heat"), query_string={"status": "published"}).text
    assert "Add at least one module before publishing." in page
    assert title(page).startswith("Error: ")
    assert_focused_summary(page)


def test_a_course_that_cannot_be_downloaded_as_files_is_a_focused_error_summary(client, u, trainer, login):
    course_authoring.create_course(course_authoring.CourseData(slug="empty", title="Empty"), trainer)
    db.session.commit()
    login(trainer)
    response = client.get(u("lms.authoring.export", course_slug="empty"))
    assert response.status_code == 409
    assert title(response.text).startswith("Error: Download as course files")
    assert_focused_summary(response.text)


# ---------------------------------------------------------------- the only manager's employment


def test_ending_the_only_managers_employment_lists_no_consequences(client, u, manager):
    mine = db.session.execute(select(Membership)).scalar_one()
    response = client.submit(u("lms.orgs.end_member", org_slug="acme", membership_id=mine.id),
                             {"ended_on": date.today().isoformat()})
    page = response.get_data(as_text=True)
    text = html_text(page)
    assert response.status_code == 409 and "is the only manager of" in text
    assert "their last day" not in text and 'id="end-consequences"' not in page
    assert "From now on they are not listed as current staff" not in text
    assert "They stop being a manager here at once." not in text
    assert_focused_summary(page, "end-last-manager")


def test_ending_a_staff_members_employment_still_lists_the_consequences(client, u, manager, make_user, add_member):
    org = db.session.execute(select(Membership)).scalar_one().organisation
    lupe = add_member(org, make_user("lupe@example.org", name="Lupe Ortiz"), employment_start=date(2020, 3, 1))
    db.session.commit()
    response = client.submit(u("lms.orgs.end_member", org_slug="acme", membership_id=lupe.id),
                             {"ended_on": date.today().isoformat()})
    text = html_text(response.get_data(as_text=True))
    assert response.status_code == 200 and "their last day" in text
    assert "From now on they are not listed as current staff" in text


def test_the_question_about_an_open_invitation_takes_the_focus_without_an_error_title(client, u, manager, mailbox):
    assert client.submit(u("lms.orgs.invite", org_slug="acme"), FIRST).status_code == 302
    page = client.submit(u("lms.orgs.invite", org_slug="acme"), SECOND).get_data(as_text=True)
    box = tag(page, "open-invitation")
    assert 'tabindex="-1"' in box and " autofocus" in box and page.count("autofocus") == 1
    assert not title(page).startswith("Error:")
