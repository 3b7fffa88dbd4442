"""Error summaries take the reader to them (WCAG 2.2 3.3.1, 2.4.2, 2.4.3, 1.3.1, 3.1.2): after a refused form the
page's title starts with "Error:" and the first summary is a focusable box with ``autofocus`` (no JavaScript; what
Chromium does with it: tests/browser/test_error_focus.py); each problem is tied to its box and linked from the summary
(a correction's missing reason, a question's answers, a translation box); text in another language than the page's is
marked with its own (the translation picker, the status table, a session's notes)."""

from __future__ import annotations

import re
from datetime import date

import pytest

from lms import db
from lms.accounts.models import SiteRole
from lms.catalog import lesson_authoring
from lms.catalog.texts import TITLE_MAX, set_text
from lms.db import utcnow
from lms.live import attendance
from tests.authoring_support import heat_course
from tests.live_support import seat, soon, stayed

TITLE_RE = re.compile(r"<title>(.*?)</title>", re.S)
SUMMARY_RE = re.compile(r'<div class="error-summary[^"]*"[^>]*>')


def title(page: str) -> str:
    return re.sub(r"\s+", " ", TITLE_RE.search(page).group(1)).strip()


def summaries(page: str) -> list[str]:
    """The opening tags of the page's error summaries."""
    return SUMMARY_RE.findall(page)


def tag(page: str, element_id: str) -> str:
    """The opening tag of the element with ``element_id``."""
    match = re.search(rf'<[a-z]+[^>]*\bid="{re.escape(element_id)}"[^>]*>', page)
    assert match, f"no element with id {element_id}"
    return match.group(0)


def links(page: str) -> dict[str, str]:
    """The error summary's links: target → words."""
    box = page[page.index('class="error-summary'):]
    box = box[:box.index("</div>")]
    return {href: re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", text)).strip()
            for href, text in re.findall(r'<a href="#([^"]+)">(.*?)</a>', box, re.S)}


def assert_focused_summary(page: str, summary_id: str = "error-summary") -> None:
    """One summary takes focus: the first, focusable, with ``autofocus``; nothing else on the page has it."""
    first = summaries(page)[0]
    assert f'id="{summary_id}"' in first and 'tabindex="-1"' in first and " autofocus" in first
    assert page.count("autofocus") == 1


# ---------------------------------------------------------------- the title and the focus


def test_wrong_current_password_titles_the_page_error_and_focuses_the_summary(client, u, make_user, login):
    login(make_user())
    assert not title(client.get(u("lms.accounts.profile")).text).startswith("Error:")
    response = client.submit(
        u("lms.accounts.change_password"),
        {"current_password": "wrong one", "new_password": "another long one", "confirm_password": "another long one"},
    )
    assert response.status_code == 400
    assert title(response.text) == "Error: Your profile · CHW Learn"
    assert_focused_summary(response.text)
    assert links(response.text) == {"current_password": "Current password: Your current password is not right."}


def test_a_page_without_mistakes_has_neither_the_error_title_nor_autofocus(client, u, make_user, login):
    login(make_user())
    page = client.get(u("lms.accounts.profile")).text
    assert title(page) == "Your profile · CHW Learn"
    assert "autofocus" not in page and not summaries(page)


def test_ending_employment_without_a_date_says_error_in_the_title(client, u, make_user, make_org, add_member, login):
    boss = make_user("boss@example.org", name="Bea Boss")
    org = make_org("acme", manager=boss, name="Acme Clinic")
    lupe = add_member(org, make_user("lupe@example.org", name="Lupe Ortiz"), employment_start=date(2020, 3, 1))
    login(boss)
    response = client.submit(u("lms.orgs.end_member", org_slug="acme", membership_id=lupe.id), {"ended_on": ""})
    assert response.status_code == 400
    assert title(response.text).startswith("Error: ")
    assert_focused_summary(response.text)
    assert list(links(response.text)) == ["ended_on"]


def test_the_queue_summary_keeps_its_id_and_is_the_one_focused(client, u, manager):
    """The queue's form is sent to #queue-problems (the fragment takes the browser there); autofocus too, for the rest."""
    response = client.submit(u("lms.hours.bulk_decide", org_slug="acme"), {"action": "approve"})
    assert response.status_code == 400
    assert "Tick at least one entry, then choose an action." in response.text
    assert title(response.text).startswith("Error: ")
    assert_focused_summary(response.text, "queue-problems")


# ---------------------------------------------------------------- a correction's reason, at its box


@pytest.fixture
def final(module, trainer, make_user, login):
    """A two-hour class that ended an hour ago, attendance final; Ana stayed 30 minutes; the trainer signed in."""
    session = soon(module, trainer, -180, minutes=120)
    ana = make_user("ana@example.org", name="Ana Ruiz")
    seat(session, ana)
    stayed(session, ana, 30)
    attendance.finalize(session, trainer, utcnow(), 75)
    db.session.commit()
    login(trainer)
    return session, ana


def test_a_correction_without_a_reason_marks_the_reason_box_on_the_person_page(client, u, final):
    session, ana = final
    path = u("lms.sessions.attendance_person", session_id=session.id, user_id=ana.id)
    response = client.submit(path, {"action": "status", "status-status": "late"})
    page = response.text
    assert response.status_code == 400
    box = tag(page, "status-reason")
    assert 'aria-invalid="true"' in box and "status-reason-error" in box
    assert "give a reason for this correction" in page[page.index('id="status-reason-error"'):][:200]
    assert links(page) == {"status-reason": "Reason for the correction: Attendance is final: give a reason for this correction."}
    assert title(page).startswith("Error: ")
    assert_focused_summary(page)


def test_a_correction_without_a_reason_marks_the_reason_box_on_the_roster(client, u, final):
    session, ana = final
    response = client.submit(u("lms.sessions.attendance", session_id=session.id),
                             {f"status-{ana.id}": "late", f"shown-{ana.id}": "present", "reason": ""})
    page = response.text
    assert response.status_code == 400
    box = tag(page, "reason")
    assert 'aria-invalid="true"' in box and "reason-error" in box and "reason-help" in box
    assert links(page) == {"reason": "Reason for the correction: Attendance is final: give a reason for this correction."}
    assert_focused_summary(page)


# ---------------------------------------------------------------- the authoring pages


@pytest.fixture
def heat(signed_in_trainer):
    course, module, lesson, quiz = heat_course(signed_in_trainer)
    db.session.commit()
    return course, module, lesson, quiz


def test_a_lesson_without_text_marks_its_box(client, u, heat):
    course, module, _lesson, _quiz = heat
    response = client.submit(u("lms.authoring.new_lesson", course_slug=course.slug, module_slug=module.slug),
                             {"slug": "cramps", "title": "Heat cramps", "body": "", "estimated_minutes": "5"})
    page = response.text
    assert response.status_code == 400
    box = tag(page, "body")
    assert 'aria-invalid="true"' in box and 'aria-describedby="body-help body-error"' in box
    assert list(links(page)) == ["body"]
    assert_focused_summary(page)


def test_the_question_editor_says_which_answer_and_links_the_answers_problem(client, u, heat):
    course, module, _lesson, _quiz = heat
    path = u("lms.authoring.new_question", course_slug=course.slug, module_slug=module.slug)
    row_problem = client.submit(path, {"slug": "q1", "kind": "single", "prompt": "Hot?",
                                       "options-0-text": "Yes", "options-1-feedback": "Right."})
    assert row_problem.status_code == 400
    assert links(row_problem.text) == {
        "options-1-text": "Answer 2, Answer: This row has feedback or is marked correct, but no answer. Write the "
                          "answer, or empty the whole row."}
    assert "<legend>Answer 2</legend>" in row_problem.text
    none_correct = client.submit(path, {"slug": "q1", "kind": "single", "prompt": "Hot?",
                                        "options-0-text": "Yes", "options-1-text": "No"})
    assert none_correct.status_code == 400
    assert links(none_correct.text) == {"options-0-text": "Answers: Mark exactly one answer as correct."}
    assert_focused_summary(none_correct.text)


def test_the_translation_summary_links_each_box_and_the_picker_marks_each_title_in_its_language(client, u, heat):
    course, module, lesson, _quiz = heat
    lesson_two = lesson_authoring.add_lesson(course, module, "cramps", "Heat cramps", "Rest.", 5, None)
    set_text(course, lesson, "title", "es", "Golpe de calor", None)
    db.session.commit()
    path = u("lms.authoring.translate_module", course_slug=course.slug, locale="es", module_slug=module.slug)
    page = client.get(path).text
    picker = page[page.index("More to translate"):]
    assert re.search(r'<a href="[^"]*/lessons/stroke" lang="es">Golpe de calor</a>', picker)
    assert re.search(rf'<a href="[^"]*/lessons/{lesson_two.slug}" lang="en">Heat cramps</a>', picker)

    key = re.search(r'name="t-([^"]+)"', page).group(1)
    response = client.submit(path, {f"t-{key}": "x" * (TITLE_MAX + 1)})
    assert response.status_code == 400
    assert_focused_summary(response.text)
    assert list(links(response.text)) == [f"t-{key}"]
    assert links(response.text)[f"t-{key}"].startswith("Module, Title · Spanish: ")
    assert title(response.text).startswith("Error: ")
    # Preview sends the form to #preview; with a problem there is no #preview, so the summary takes focus instead
    previewed = client.submit(path, {f"t-{key}": "x" * (TITLE_MAX + 1), "preview": "y"}).text
    assert "This is a preview" in previewed and 'id="preview"' not in previewed
    assert_focused_summary(previewed)


def test_the_status_table_marks_only_the_module_titles_with_the_source_language(client, u, heat):
    course, *_ = heat
    page = client.get(u("lms.authoring.translations", course_slug=course.slug)).text
    assert '<th scope="row">Course title and summary</th>' in page
    assert '<th scope="row"><span lang="en">Warning signs</span></th>' in page


# ---------------------------------------------------------------- a session's notes, the audit log's filter


def test_a_sessions_notes_carry_the_sessions_language(client, u, module, trainer, make_user, login):
    session = soon(module, trainer, 60 * 24, locale="es", notes="Traiga una botella de agua.")
    ana = make_user("ana@example.org", name="Ana Ruiz")
    seat(session, ana)
    db.session.commit()
    login(ana)
    page = client.get(u("lms.sessions.detail", session_id=session.id)).text
    assert '<p class="live-notes" lang="es" dir="ltr">Traiga una botella de agua.</p>' in page


def test_the_audit_filters_problem_describes_its_box(client, u, make_user, login):
    login(make_user("root@example.org", role=SiteRole.ADMIN))
    page = client.get(u("lms.admin.audit_log", by="zzz")).text
    box = tag(page, "f-by")
    assert 'aria-describedby="f-by-help filter-by-error"' in box and 'aria-invalid="true"' in box
    assert 'id="filter-by-error"' in page
    assert 'aria-invalid' not in tag(page, "f-about")
