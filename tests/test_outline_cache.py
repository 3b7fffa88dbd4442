"""The course outline cached per process (``lms.catalog.outline_cache``) and the content revision the database keeps
(migration 0015): every write to a content table bumps it, whatever the path, so the lesson page and the catalog show
an edit on the very next request of the same process, and run fewer statements while nothing changes."""

from __future__ import annotations

import re

from flask import current_app
from sqlalchemy import delete, insert, select, text, update

from lms import db
from lms.accounts.models import SiteRole
from lms.catalog import outline_cache
from lms.catalog import services as catalog
from lms.catalog.models import Course, Lesson, Module, Option, Question, Quiz, Text
from lms.enrollment import services as enrollment
from tests.test_learning import build_course, lesson_url, measure


def _without_token(page: str) -> str:
    """The page without its CSRF tokens, which carry the second they were signed in (two renders may differ)."""
    return re.sub(r'name="csrf_token" value="[^"]*"', 'name="csrf_token"', page)

CONTENT = (Text, Option, Question, Quiz, Lesson, Module, Course)  # leaves first


def revision() -> int:
    return db.session.execute(text("SELECT n FROM lms_content_revision WHERE id = 1")).scalar_one()


def test_every_write_to_a_content_table_bumps_the_revision(app, make_user):
    """INSERT, UPDATE and DELETE in plain SQL, without the ORM (what a script or a database console would do)."""
    build_course(make_user(role=SiteRole.TRAINER))
    db.session.close()
    engine = db.session.get_bind()
    for model in CONTENT:
        table = model.__table__
        with engine.begin() as conn:
            row = dict(conn.execute(select(table).order_by(table.c.id.desc()).limit(1)).mappings().one())
        for statement in (text(f"UPDATE {table.name} SET id = id WHERE id = :id").bindparams(id=row["id"]),
                          update(table).where(table.c.id == row["id"]).values(id=row["id"]),
                          delete(table).where(table.c.id == row["id"]),
                          insert(table).values(**row)):
            with engine.begin() as conn:
                before = conn.execute(text("SELECT n FROM lms_content_revision")).scalar_one()
                conn.execute(statement)
            with engine.begin() as conn:
                assert conn.execute(text("SELECT n FROM lms_content_revision")).scalar_one() > before, \
                    (table.name, str(statement))
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            before = conn.execute(text("SELECT n FROM lms_content_revision")).scalar_one()
            conn.execute(text("TRUNCATE lms_texts"))
        assert revision() > before


def test_a_rolled_back_write_leaves_the_revision_as_it_was(app, make_user):
    course = build_course(make_user(role=SiteRole.TRAINER))
    before = revision()
    db.session.execute(update(Course).where(Course.id == course.id).values(version="2"))
    assert revision() == before + 1  # the writer sees its own bump
    db.session.rollback()
    assert revision() == before


def _reader(make_user, login, course, locale="en"):
    user = make_user(locale=locale)
    enrollment.enroll(user, course)
    db.session.commit()
    login(user)
    return user


def test_an_edit_in_the_authoring_pages_shows_on_the_next_lesson_page(client, u, make_user, login, as_):
    trainer = make_user(role=SiteRole.TRAINER)
    course = build_course(trainer, modules=2)
    reader = _reader(make_user, login, course)
    page = client.get(lesson_url(u)).text
    assert "English body 1.1." in page and "Lesson 1 of 4" in page
    assert _without_token(client.get(lesson_url(u)).text) == _without_token(page)  # warm now
    course_page = u("lms.courses.course", course_slug="core")
    assert "Module 1" in client.get(course_page).text
    as_(trainer)
    response = client.submit(u("lms.authoring.edit_lesson", course_slug="core", module_slug="m1", lesson_slug="l1"),
                             {"slug": "l1", "title": "Listening first", "body": "A *new* body.",
                              "estimated_minutes": "25", "save": "y"})
    assert response.status_code == 302
    response = client.submit(u("lms.authoring.edit_module", course_slug="core", module_slug="m1"), {
        "slug": "m1", "title": "Renamed module", "summary": "", "kind": "self_paced", "credited_minutes": "60",
        "is_required": "y", "competency_areas": [], "specialties": ""})
    assert response.status_code == 302
    as_(reader)
    page = client.get(lesson_url(u)).text
    assert "<p>A <em>new</em> body.</p>" in page and "English body 1.1." not in page
    assert "Listening first" in page and "Renamed module" in page and "about 25 minutes" in page
    assert "Renamed module" in client.get(course_page).text and "Listening first" in client.get(course_page).text
    # a lesson removed in the authoring pages is gone from the reader's pager and count at once
    as_(trainer)
    assert client.submit(u("lms.authoring.remove_lesson", course_slug="core", module_slug="m1", lesson_slug="l2"),
                         {}).status_code == 302
    as_(reader)
    page = client.get(lesson_url(u)).text
    assert "Lesson 1 of 3" in page and "Lesson 1.2" not in page
    assert client.get(lesson_url(u, lesson="l2")).status_code == 404


def test_a_saved_translation_shows_on_the_next_lesson_page(client, u, make_user, login, as_):
    trainer = make_user(role=SiteRole.TRAINER)
    course = build_course(trainer)
    reader = _reader(make_user, login, course, locale="es")
    assert "Texto <em>en español</em> 1.1." in client.get(lesson_url(u)).text
    lesson = catalog.get_lesson(catalog.get_module(course, "m1"), "l1")
    as_(trainer)
    url = u("lms.authoring.translate_lesson", course_slug="core", locale="es", module_slug="m1", lesson_slug="l1")
    form = client.get(url).text
    hashes = dict(re.findall(r'name="(h-[^"]+)" value="([^"]*)"', form))
    key = f"lesson-{lesson.id}"
    assert client.submit(url, {**hashes, f"t-{key}-title": "Escuchar", f"t-{key}-body": "Cuerpo *nuevo*."}
                         ).status_code == 302
    as_(reader)
    page = client.get(lesson_url(u)).text
    assert "Cuerpo <em>nuevo</em>." in page and "Escuchar" in page


def test_a_reimport_shows_on_the_next_lesson_page(client, u, make_user, login, courses, run_import):
    run_import(courses)
    course = catalog.get_course("listening-basics")
    _reader(make_user, login, course)
    url = lesson_url(u, course="listening-basics", module="listening", lesson="why-listen")
    assert "<strong>practice</strong>" in client.get(url).text
    assert "<strong>practice</strong>" in client.get(url).text
    path = courses / "listening-basics" / "listening" / "01-why-listen.en.md"
    path.write_text(path.read_text(encoding="utf-8").replace("**practice**", "**daily practice**"), encoding="utf-8")
    run_import(courses)
    assert "<strong>daily practice</strong>" in client.get(url).text


def test_a_raw_sql_edit_shows_on_the_next_lesson_page(client, u, make_user, login):
    course = build_course(make_user(role=SiteRole.TRAINER))
    _reader(make_user, login, course)
    assert "English body 1.1." in client.get(lesson_url(u)).text
    with db.session.get_bind().begin() as conn:
        conn.execute(text("UPDATE lms_texts SET html = '<p>Changed by hand.</p>' WHERE owner_type = 'lesson' "
                          "AND field = 'body' AND locale = 'en' AND value = 'English body 1.1.'"))
    assert "Changed by hand." in client.get(lesson_url(u)).text


def _bump(course: Course) -> None:
    """A content change that no page shows (the course's version label), so the next request loads everything."""
    db.session.execute(update(Course).where(Course.id == course.id).values(version=str(revision())))
    db.session.commit()


def test_a_warm_cache_saves_statements_whatever_the_size_of_the_course(client, u, make_user, login, count_queries):
    trainer = make_user(role=SiteRole.TRAINER)
    warm, cold = [], []
    for slug, modules, lessons in (("small", 1, 2), ("large", 6, 8)):
        course = build_course(trainer, slug, modules=modules, lessons=lessons)
        _reader(make_user, login, course)
        url = lesson_url(u, course=slug, lesson="l2")
        measure(client, count_queries, url)
        warm.append(measure(client, count_queries, url))
        _bump(course)
        with count_queries() as queries:
            assert client.get(url).status_code == 200
        cold.append(queries.count)
    # the session, the course with the enrolment (one statement), the revision, both lessons' progress rows, the
    # update of the visit (9 before the cache, 6 before the course and the enrolment came in one); after a change to
    # the content: the outline (3) and the texts (1) too
    assert warm == [5, 5], warm
    assert cold == [w + 4 for w in warm], (cold, warm)


def test_the_catalog_runs_fewer_statements_with_a_warm_cache(client, u, make_user, login, count_queries):
    trainer = make_user(role=SiteRole.TRAINER)
    reader = make_user()
    for i in range(3):
        enrollment.enroll(reader, build_course(trainer, f"c{i}", title=f"Course {i}"))
    db.session.commit()
    login(reader)
    warm = measure(client, count_queries, u("lms.courses.catalog"))
    _bump(catalog.get_course("c0"))
    with count_queries() as queries:
        page = client.get(u("lms.courses.catalog")).text
    assert queries.count == warm + 3  # titles, languages and modules of every course, together
    assert _without_token(client.get(u("lms.courses.catalog")).text) == _without_token(page)
    for i in range(3, 8):
        build_course(trainer, f"c{i}", title=f"Course {i}")
    assert measure(client, count_queries, u("lms.courses.catalog")) == warm
    assert "Course 7" in client.get(u("lms.courses.catalog")).text


def test_the_cache_stays_bounded_and_keeps_one_revision(client, u, make_user, login, monkeypatch):
    trainer = make_user(role=SiteRole.TRAINER)
    reader = make_user()
    slugs = [f"c{i}" for i in range(5)]
    for slug in slugs:
        enrollment.enroll(reader, build_course(trainer, slug, title=slug))
    db.session.commit()
    login(reader)
    monkeypatch.setattr(outline_cache, "MAX_ENTRIES", 3)
    store = current_app.extensions["lms"].outlines
    for slug in slugs:
        assert client.get(lesson_url(u, course=slug)).status_code == 200
    assert len(store.entries) == 3 and [key[1] for key in store.entries] == [
        catalog.get_course(slug).id for slug in slugs[2:]]
    monkeypatch.setattr(outline_cache, "MAX_CHARS", 1)  # one entry at least, however long
    assert client.get(lesson_url(u, course="c0")).status_code == 200
    assert len(store.entries) == 1 and store.chars > 1
    _bump(catalog.get_course("c1"))
    assert client.get(lesson_url(u, course="c1")).status_code == 200
    assert store.revision == revision() and [key[1] for key in store.entries] == [catalog.get_course("c1").id]


def test_without_the_revision_row_nothing_is_cached_and_pages_still_work(client, u, make_user, login):
    course = build_course(make_user(role=SiteRole.TRAINER))
    _reader(make_user, login, course)
    with db.session.get_bind().begin() as conn:
        n = conn.execute(text("SELECT n FROM lms_content_revision")).scalar_one()
        conn.execute(text("DELETE FROM lms_content_revision"))
    try:
        assert "English body 1.1." in client.get(lesson_url(u)).text
        assert "Core training" in client.get(u("lms.courses.catalog")).text
        assert current_app.extensions["lms"].outlines.entries == {}
    finally:
        with db.session.get_bind().begin() as conn:
            conn.execute(text("INSERT INTO lms_content_revision (id, n) VALUES (1, :n)"), {"n": n})


def test_a_transaction_that_wrote_content_keeps_no_outline(app, make_user):
    """It may read its own edit, but were its outline kept, a rollback would leave it behind under a revision that the
    next writer reaches: readers would then be served the edit that never happened."""
    course = build_course(make_user(role=SiteRole.TRAINER))
    db.session.commit()
    store = current_app.extensions["lms"].outlines
    store.entries.clear()
    course_title = db.session.scalars(select(Text).where(
        Text.owner_type == "course", Text.owner_id == course.id, Text.field == "title", Text.locale == "en")).one()
    course_title.value = "An edit that is rolled back"
    db.session.flush()
    _outline, texts = outline_cache.course_outline(course, "en")
    assert texts.get(course, "title").value == "An edit that is rolled back"
    assert store.entries == {}
    db.session.rollback()

    _bump(course)  # the next writer takes the revision to the number the rolled-back edit had
    db.session.commit()
    _outline, texts = outline_cache.course_outline(course, "en")
    assert texts.get(course, "title").value == "Core training"
    assert len(store.entries) == 1
