"""What a lesson edit changed, as a line diff (lms.text_diff, lms.web.authoring.text_changes, lms.web.edit_conflicts):
a course's History shows the removed and added lines of a lesson's text, collapsed, instead of checksums; rows
written before diffs were kept still show their checksums; a huge rewrite is cut short with a note; a save refused
because someone else saved first shows the saved text against the person's, whose text stays in the form. Lines
are escaped once. Everything goes through the authoring pages as a trainer uses them."""

from __future__ import annotations

import re
from html import unescape
from typing import Any

import pytest
from sqlalchemy import select

from lms import audit, db
from lms.audit import AuditEvent
from lms.catalog.models import Lesson
from lms.catalog.texts import text_hash
from lms.text_diff import MAX_SHOWN_CHARS
from tests.authoring_support import heat_course
from tests.security._injection import page_forms

PARAGRAPHS = [f"Paragraph {n}: keep the person cool and check on them often." for n in range(1, 13)]
BODY = "\n\n".join(PARAGRAPHS)  # long: the log keeps it by length and checksum
WHERE = {"course_slug": "heat", "module_slug": "signs", "lesson_slug": "stroke"}


@pytest.fixture
def course(trainer):
    course, _module, _lesson, _quiz = heat_course(trainer, body=BODY)
    db.session.commit()
    return course


def _form(client, u) -> dict[str, Any]:
    """The lesson's edit form as the page shows it, sent back as a browser would."""
    response = client.get(u("lms.authoring.edit_lesson", **WHERE))
    assert response.status_code == 200
    (form,) = [f for f in page_forms(response.get_data(as_text=True)) if "seen_version" in f.names()]
    data = form.defaults()
    data["body"] = next(c.value for c in form.controls if c.name == "body").removeprefix("\r\n").removeprefix("\n")
    return data


def _save(client, u, body: str, form: dict[str, Any] | None = None):
    return client.submit(u("lms.authoring.edit_lesson", **WHERE), {**(form or _form(client, u)), "body": body})


def _history(client, u) -> str:
    response = client.get(u("lms.authoring.history", course_slug="heat"))
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _lesson_rows(page: str) -> list[str]:
    """The History's "Lesson changed" rows, newest first."""
    return [row for row in re.findall(r'<tr id="event-\d+">.*?</tr>', page, re.S) if "Lesson changed" in row]


def _row(page: str) -> str:
    (row,) = _lesson_rows(page)
    return row


def _words(html: str) -> str:
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html))).strip()


def test_history_shows_the_lines_a_lesson_edit_removed_and_added(client, u, signed_in_trainer, course):
    new = BODY.replace(PARAGRAPHS[5], "Call 911 at once.").replace(PARAGRAPHS[9] + "\n\n", "")
    assert _save(client, u, new).status_code == 302

    row = _row(_history(client, u))
    details = re.search(r"<details class=\"text-change\">(.*?)</details>", row, re.S)
    assert details, "no collapsed diff"  # closed by default: no "open" attribute
    text = _words(details.group(1))
    assert text.startswith("Show what changed in the text: Lesson text (Markdown)")
    assert f"Removed line: {PARAGRAPHS[5]}" in text and "Added line: Call 911 at once." in text
    assert f"Removed line: {PARAGRAPHS[9]}" in text
    assert "unchanged lines not shown" in text and PARAGRAPHS[0] not in text  # far from any change: folded
    assert re.search(r"<del>\s*" + re.escape(PARAGRAPHS[5]), details.group(1))
    assert re.search(r"<ins>\s*Call 911 at once\.", details.group(1))
    assert "checksum" not in _words(row)  # the diff replaces the checksums


def test_a_short_lesson_text_is_diffed_from_the_old_and_new_text_the_row_keeps(client, u, signed_in_trainer,
                                                                               course):
    assert _save(client, u, "Move to shade.\n\nGive water.").status_code == 302  # long to short
    assert _save(client, u, "Move to shade.\n\nGive small sips of water.\n\nCall 911.").status_code == 302
    newest, first = (_words(row) for row in _lesson_rows(_history(client, u)))
    assert "Added line: Call 911." in newest and "Changed line:" in newest and "added: small sips of end added" in newest
    assert "Move to shade. → " not in newest  # not the whole texts as well
    assert f"Removed line: {PARAGRAPHS[0]}" in first and "Added line: Give water." in first  # kept beside the old
    # checksum, as the new text is short and kept as it is


def test_rows_written_before_diffs_were_kept_show_their_checksums(client, u, signed_in_trainer, course):
    lesson = db.session.execute(select(Lesson)).scalar_one()
    old, new = {"length": len(BODY), "hash": text_hash(BODY)}, {"length": 700, "hash": "0123456789abcdef"}
    audit.record("lesson.updated", lesson, signed_in_trainer, course_id=course.id, slug="stroke", body=new,
                 was={"body": old})
    db.session.commit()

    row = _row(_history(client, u))
    assert "<details" not in row
    assert f"Lesson text (Markdown): {len(BODY)} characters, checksum {text_hash(BODY)} → 700 characters, checksum " \
           "0123456789abcdef" in _words(row)


def test_html_in_a_lesson_line_is_shown_escaped_exactly_once(client, u, signed_in_trainer, course):
    script = "<script>alert(1)</script>"
    assert _save(client, u, BODY + "\n\n" + script).status_code == 302
    row = _row(_history(client, u))
    assert script not in row and "&amp;lt;" not in row
    assert row.count("&lt;script&gt;alert(1)&lt;/script&gt;") == 1
    assert f"Added line: {script}" in _words(row)


def test_a_huge_rewrite_is_cut_short_with_a_note(client, u, signed_in_trainer, course):
    lines = [f"Line {n} of a very long lesson about heat illness, hydration and shade breaks." for n in range(600)]
    assert _save(client, u, "\n".join(lines)).status_code == 302
    assert _save(client, u, "\n".join(line.upper() for line in lines)).status_code == 302

    event = db.session.execute(select(AuditEvent).where(AuditEvent.action == "lesson.updated")
                               .order_by(AuditEvent.id.desc())).scalars().first()
    assert len(str(event.data)) < 3 * MAX_SHOWN_CHARS and event.data["body"]["left_out"] > 0  # not the text twice
    text = _words(_lesson_rows(_history(client, u))[0])
    assert re.search(r"The change is too long to show in full: \d+ more changed lines are not shown\.", text)
    assert "Line 0 of a very long lesson" in text and "Line 599 of" not in text


def test_a_refused_save_shows_the_saved_text_against_the_persons_own(client, u, signed_in_trainer, course):
    tab_a, tab_b = _form(client, u), _form(client, u)
    assert _save(client, u, BODY.replace(PARAGRAPHS[2], "Saved by a colleague."), tab_a).status_code == 302
    mine = BODY.replace(PARAGRAPHS[7], "My own <b>new</b> step.")
    response = _save(client, u, mine.replace("\n", "\r\n"), tab_b)

    assert response.status_code == 409
    page = response.get_data(as_text=True)
    box = page.split('id="edit-conflict"')[1].split("</form>")[0].split('<form')[0]
    words = _words(box)
    assert "Line only in the saved text: Saved by a colleague." in words
    assert f"Line only in your text: {PARAGRAPHS[2]}" in words  # theirs replaced it; the person's still has it
    assert "Line only in your text: My own <b>new</b> step." in words
    assert f"Line only in the saved text: {PARAGRAPHS[7]}" in words
    assert "<b>new</b>" not in box and box.count("My own &lt;b&gt;new&lt;/b&gt; step.") == 1
    assert re.search(r"<summary>\s*The whole saved text\s*</summary>", box)
    assert unescape(_form_body(page)) == mine  # nothing the person typed is lost


def _form_body(page: str) -> str:
    (form,) = [f for f in page_forms(page) if "seen_version" in f.names()]
    value = next(c.value for c in form.controls if c.name == "body")
    return value.removeprefix("\r\n").removeprefix("\n").replace("\r\n", "\n")
