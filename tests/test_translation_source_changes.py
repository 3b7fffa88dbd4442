"""A translator opening a stale translation sees what changed in the source since it was translated: a line diff of a
lesson's Markdown, the text before and now for short fields, removed and added text marked for eyes (struck through,
underlined, signed) and for screen readers (words), without JavaScript. Translations keep the source text they were
made from (migration 0011 keeps it for the ones already up to date); for older stale ones the page says it was not
kept."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select, update

from lms import create_app, db, migrate
from lms.accounts import services as accounts
from lms.accounts.models import SiteRole
from lms.catalog import course_authoring, lesson_authoring, module_authoring
from lms.catalog import services as catalog
from lms.catalog.models import Text
from lms.catalog.source_changes import describe_change
from lms.catalog.texts import load_texts, load_translated_from, set_text, text_hash, translation_state
from lms.text_diff import (
    ADDED,
    CHANGED,
    FOLDED,
    MAX_PAIRED_LINES,
    MAX_WORD_TOKENS,
    REMOVED,
    SAME,
    Line,
    Piece,
    fold,
    line_diff,
    word_diff,
)
from tests.conftest import PASSWORD, _config, _database_url, _private_database

BODY = "## Signs\n\nHot, dry skin.\n\nA fast pulse.\n\nConfusion.\n\nNausea.\n\nCall 911."
NEW_BODY = "## Signs\n\nHot, dry or damp skin.\n\nA fast pulse.\n\nConfusion.\n\nNausea.\n\nCall 911 and cool the person."
NOT_KEPT = "this translation was made from was not kept, so what changed cannot be shown"


@pytest.fixture
def lesson(signed_in_trainer):
    """A lesson translated into Spanish (title and body), whose English source then changed."""
    trainer = signed_in_trainer
    course = course_authoring.create_course(course_authoring.CourseData(slug="heat", title="Heat safety"), trainer)
    module = module_authoring.add_module(course, module_authoring.ModuleData(slug="signs", title="Warning signs"), trainer)
    lesson = lesson_authoring.add_lesson(course, module, "stroke", "Heat stroke", BODY, 10, trainer)
    set_text(course, lesson, "title", "es", "Golpe de calor", trainer)
    set_text(course, lesson, "body", "es", "## Señales\n\nPiel caliente y seca.", trainer)
    lesson_authoring.update_lesson(course, lesson, "Heat stroke signs", NEW_BODY, 10, trainer)
    db.session.commit()
    return lesson


def _url(u) -> str:
    return u("lms.authoring.translate_lesson", course_slug="heat", locale="es", module_slug="signs", lesson_slug="stroke")


def _change_block(page: str, key: str) -> str:
    match = re.search(rf'<details class="source-change" open id="change-{key}">(.*?)</details>', page, re.S)
    assert match, f"no change block for {key}"
    return match.group(1)


def _spanish(lesson, name: str) -> Text:
    return db.session.execute(select(Text).where(Text.owner_type == "lesson", Text.owner_id == lesson.id,
                                                 Text.field == name, Text.locale == "es")).scalar_one()


# ---------------------------------------------------------------- the diff itself


def test_short_fields_show_the_text_before_and_now_with_the_changed_words():
    before, after = word_diff("Heat stroke", "Heat stroke signs")
    assert before == (Piece("Heat stroke"),)
    assert after == (Piece("Heat stroke "), Piece("signs", ADDED))  # the space is no change worth marking
    before, after = word_diff("Drink water often", "Drink cool water every hour")
    assert before == (Piece("Drink water "), Piece("often", REMOVED))
    assert after == (Piece("Drink "), Piece("cool", ADDED), Piece(" water "), Piece("every hour", ADDED))
    assert "".join(p.text for p in before) == "Drink water often"  # nothing lost, nothing invented
    assert "".join(p.text for p in after) == "Drink cool water every hour"
    # the spaces between two changed words belong to the change: one struck-through run, not two
    assert word_diff("a b c", "x y c") == ((Piece("a b", REMOVED), Piece(" c")), (Piece("x y", ADDED), Piece(" c")))


def test_markdown_is_compared_by_line_then_by_word_with_long_unchanged_runs_folded():
    lines = line_diff(BODY, NEW_BODY)
    assert [line.change for line in lines] == [SAME, SAME, CHANGED] + [SAME] * 7 + [CHANGED]
    assert lines[2].pieces == (Piece("Hot, dry "), Piece("or damp", ADDED), Piece(" skin."))
    assert lines[10].pieces == (Piece("Call 911 "), Piece("and cool the person", ADDED), Piece("."))
    folded = fold(lines)
    assert [line.change for line in folded] == [SAME, SAME, CHANGED, SAME, SAME, FOLDED, SAME, SAME, CHANGED]
    assert folded[5] == Line(FOLDED, folded=3)  # "", "Confusion.", "": the two lines around each change stay
    # a line rewritten from scratch reads as one line removed and one added, not as a word salad
    assert [line.change for line in line_diff("Old idea here.", "Something else entirely")] == [REMOVED, ADDED]
    # blank lines that come and go with a paragraph are not worth a line of their own; on their own, they are
    assert [line.change for line in line_diff("One.\n\nTwo.", "One.\n\nTwo.\n\nThree.")] == [SAME, SAME, SAME, ADDED]
    assert line_diff("One.\nTwo.", "One.\n\nTwo.") == [Line(SAME, (Piece("One."),)), Line(ADDED, (Piece("", ADDED),)),
                                                       Line(SAME, (Piece("Two."),))]


def test_a_single_unchanged_line_is_shown_rather_than_folded():
    lines = [Line(CHANGED)] + [Line(SAME, (Piece(str(n)),)) for n in range(5)] + [Line(CHANGED)]
    assert [line.change for line in fold(lines)] == [CHANGED] + [SAME] * 5 + [CHANGED]  # 2 + 1 + 2: nothing folded


def test_huge_texts_are_compared_whole_instead_of_word_by_word():
    old, new = "word " * MAX_WORD_TOKENS, "word " * MAX_WORD_TOKENS + "more"
    assert word_diff(old, new) == ((Piece(old, REMOVED),), (Piece(new, ADDED),))
    assert [line.change for line in line_diff(old, new)] == [REMOVED, ADDED]
    many = MAX_PAIRED_LINES + 1  # a rewrite of that many lines: removed, then added, no pairing
    assert [line.change for line in line_diff("a\n" * many, "b\n" * many)] == [REMOVED] * many + [ADDED] * many + [SAME]
    assert describe_change(None, new, by_line=True).is_available is False


# ---------------------------------------------------------------- the editor page


def test_a_stale_lesson_shows_what_changed_in_its_markdown_and_title(client, u, lesson):
    page = client.get(_url(u)).get_data(as_text=True)
    body = _change_block(page, f"lesson-{lesson.id}-body")
    assert "Lesson text (Markdown): what changed in the English text since it was translated" in body
    assert '<div class="diff-line diff-changed"><span class="diff-sign" aria-hidden="true">±</span>' in body
    assert ('<span class="visually-hidden">Changed line: </span><span class="diff-text" lang="en" dir="ltr">Hot, dry '
            '<ins><span class="visually-hidden" lang="en">added: </span>or damp<span class="visually-hidden" '
            'lang="en"> end added </span></ins> skin.</span>') in body
    assert "and cool the person" in body and "3 unchanged lines not shown" in body
    assert "Struck-through</del> text was removed; <ins>underlined</ins> text was added." in body

    title = _change_block(page, f"lesson-{lesson.id}-title")
    assert re.search(r'<dt>Before</dt>\s*<dd><span class="diff-text" lang="en" dir="ltr">Heat stroke</span></dd>', title)
    assert re.search(r'<dt>Now</dt>\s*<dd><span class="diff-text" lang="en" dir="ltr">Heat stroke <ins>'
                     r'<span class="visually-hidden" lang="en">added: </span>signs<span', title)
    assert "diff-lines" not in title  # a title is before → now, not a line diff
    # the form is unchanged: the new source beside the translation, and the "still right" box
    assert f'name="ok-lesson-{lesson.id}-body"' in page and "Call 911 and cool the person.</div>" in page


def test_removed_text_is_struck_through_and_spoken(client, u, signed_in_trainer):
    trainer = signed_in_trainer
    course = course_authoring.create_course(course_authoring.CourseData(slug="heat", title="Heat safety"), trainer)
    set_text(course, course, "title", "es", "Calor", trainer)
    course_authoring.update_course(course, course_authoring.CourseData(slug="heat", title="Heat <em>illness</em> basics"), trainer)
    db.session.commit()
    page = client.get(u("lms.authoring.translate", course_slug="heat", locale="es")).get_data(as_text=True)
    block = _change_block(page, f"course-{course.id}-title")
    assert ('<dt>Before</dt>\n    <dd><span class="diff-text" lang="en" dir="ltr">Heat <del><span class="visually-hidden"'
            ' lang="en">removed: </span>safety<span class="visually-hidden" lang="en"> end removed </span></del></span>'
            ) in block
    assert "&lt;em&gt;illness&lt;/em&gt; basics" in block and "<em>" not in block  # source text is escaped


def test_a_spanish_speaking_translator_hears_the_markers_in_spanish_and_the_source_in_english(client, u, lesson,
                                                                                               make_user, login):
    login(make_user("traductora@example.org", role=SiteRole.TRAINER, locale="es"))
    page = client.get(_url(u)).get_data(as_text=True)
    body = _change_block(page, f"lesson-{lesson.id}-body")
    assert '<span class="diff-text" lang="en" dir="ltr">Hot, dry <ins><span class="visually-hidden" lang="es">' in body


def test_only_stale_texts_show_a_change(client, u, lesson):
    page = client.get(u("lms.authoring.translate_module", course_slug="heat", locale="es",
                        module_slug="signs")).get_data(as_text=True)
    assert "source-change" not in page  # the module's texts are missing, not stale


def test_saving_the_translation_keeps_the_new_source_and_clears_the_change(client, u, lesson):
    key = f"lesson-{lesson.id}"
    response = client.submit(_url(u), {f"h-{key}-title": text_hash("Heat stroke signs"), f"h-{key}-body": text_hash(NEW_BODY),
                                       f"t-{key}-title": "Golpe de calor", f"ok-{key}-title": "y",
                                       f"t-{key}-body": "## Señales\n\nPiel caliente, seca o húmeda."})
    assert response.status_code == 302
    assert _spanish(lesson, "body").source_value == NEW_BODY
    assert _spanish(lesson, "title").source_value == "Heat stroke signs"  # confirmed as still right
    page = client.get(_url(u)).get_data(as_text=True)
    assert "source-change" not in page and "state-stale" not in page

    # the next source edit is compared with what the translator last saw, not with the first version
    lesson_authoring.update_lesson(catalog.get_course("heat"), lesson, "Heat stroke signs", NEW_BODY + "\n\nStay with them.", 10,
                          lesson)
    db.session.commit()
    body = _change_block(client.get(_url(u)).get_data(as_text=True), f"{key}-body")
    assert "Stay with them." in body and "or damp" not in body.split("diff-changed")[-1]
    assert '<div class="diff-line diff-added"><span class="diff-sign" aria-hidden="true">+</span>' in body


def test_a_translation_whose_source_was_not_kept_says_so_and_shows_the_new_source(client, u, lesson):
    db.session.execute(update(Text).where(Text.locale == "es").values(source_value=None))
    db.session.commit()
    page = client.get(_url(u)).get_data(as_text=True)
    block = _change_block(page, f"lesson-{lesson.id}-body")
    assert f"The English text {NOT_KEPT}. Compare the translation with the current English text." in block
    assert "<del" not in block and "<ins" not in block
    assert "Call 911 and cool the person.</div>" in page  # the current source, as before


def test_a_kept_source_that_does_not_match_the_hash_is_not_trusted(client, u, lesson):
    db.session.execute(update(Text).where(Text.locale == "es").values(source_value="something else"))
    db.session.commit()
    assert NOT_KEPT in _change_block(client.get(_url(u)).get_data(as_text=True), f"lesson-{lesson.id}-body")


def test_an_invalid_submission_re_renders_with_the_change(client, u, lesson):
    key = f"lesson-{lesson.id}"
    response = client.submit(_url(u), {f"t-{key}-title": "x" * 201, f"t-{key}-body": "Piel."})
    assert response.status_code == 400
    assert "or damp" in _change_block(response.get_data(as_text=True), f"{key}-body")


# ---------------------------------------------------------------- storage and queries


def test_translations_keep_their_source_and_readers_do_not_load_it(app, lesson, count_queries):
    course = catalog.get_course("heat")
    row = _spanish(lesson, "body")
    assert row.source_value == BODY and translation_state(load_texts(course, "es"), "lesson", lesson.id, "body") == "stale"
    english = db.session.execute(select(Text).where(Text.locale == "en", Text.owner_id == lesson.id,
                                                    Text.owner_type == "lesson", Text.field == "body")).scalar_one()
    assert english.source_value is None  # the source itself has nothing to keep
    db.session.expire_all()
    with count_queries() as queries:
        texts = load_texts(course, "es")
    assert "source_value" not in queries.statements[0]  # a lesson body twice for every reader: no
    rows = [r for r in texts.rows.values() if r.locale == "es"]
    with count_queries() as queries:
        kept = load_translated_from(rows)
    assert queries.count == 1 and kept == {_spanish(lesson, "title").id: "Heat stroke", row.id: BODY}
    assert load_translated_from([]) == {}


def test_migration_keeps_the_source_of_up_to_date_translations_only(tmp_path):
    """0011 adds the column and fills it for translations made from today's source; a stale translation's source is
    gone, so it stays empty. Downgrading drops the column and keeps the texts."""
    with _private_database(_database_url(tmp_path), suffix="src") as url:
        app = create_app(_config(url, tmp_path))
        with app.app_context():
            migrate.upgrade()
            author = accounts.register_user("root@example.org", "Root", PASSWORD, role=SiteRole.TRAINER)
            course = course_authoring.create_course(course_authoring.CourseData(slug="core", title="Core", summary="About"), author)
            set_text(course, course, "title", "es", "Básico", author)
            set_text(course, course, "summary", "es", "Acerca", author)
            course_authoring.update_course(course, course_authoring.CourseData(slug="core", title="Core", summary="About it"), author)
            db.session.commit()
            values = select(Text.field, Text.source_value).where(Text.locale == "es").order_by(Text.field)
            db.session.close()
            try:
                migrate.downgrade("0010")
                db.session.close()
                migrate.upgrade()
                assert db.session.execute(values).all() == [("summary", None), ("title", "Core")]
                assert db.session.execute(select(Text.value).where(Text.locale == "es").order_by(Text.field)
                                          ).scalars().all() == ["Acerca", "Básico"]
            finally:
                db.session.remove()
                app.extensions["lms"].db.engine.dispose()
