"""Migration 0015: the content revision (``lms_content_revision``, one row) and the triggers that bump it on every
content table; down removes both (writes then bump nothing), up again restores them; the models still match the
migrations (the table is not modelled: ``lms.migrations_support.UNMODELLED_TABLES``)."""

from __future__ import annotations

from sqlalchemy import inspect, text

from lms import db
from lms.accounts import services as accounts
from lms.accounts.models import SiteRole
from lms.catalog import course_authoring
from tests.conftest import PASSWORD
from tests.migration_support import drift, migrate_to, private_app

TABLE = "lms_content_revision"
CONTENT_TABLES = {"lms_courses", "lms_modules", "lms_lessons", "lms_quizzes", "lms_questions", "lms_options",
                  "lms_texts"}


def _triggered_tables() -> set[str]:
    if db.session.get_bind().dialect.name == "postgresql":
        query = "SELECT DISTINCT event_object_table FROM information_schema.triggers WHERE trigger_name LIKE 'lms_%'"
    else:
        query = "SELECT DISTINCT tbl_name FROM sqlite_master WHERE type = 'trigger' AND name LIKE '%_revision%'"
    return set(db.session.execute(text(query)).scalars())


def test_upgrade_adds_the_revision_and_its_triggers_and_downgrade_removes_them(tmp_path):
    with private_app(tmp_path, "m0015"):
        migrate_to("0014")
        admin = accounts.register_user("root@example.org", "Root", PASSWORD, role=SiteRole.ADMIN)
        course = course_authoring.create_course(course_authoring.CourseData(slug="core", title="Core"), admin)
        db.session.commit()
        course_id = course.id

        migrate_to("0015")
        assert TABLE in inspect(db.session.get_bind()).get_table_names()
        assert _triggered_tables() == CONTENT_TABLES
        before = db.session.execute(text(f"SELECT n FROM {TABLE}")).scalar_one()
        db.session.execute(text("UPDATE lms_courses SET version = '2' WHERE id = :id"), {"id": course_id})
        db.session.commit()
        assert db.session.execute(text(f"SELECT n FROM {TABLE}")).scalar_one() == before + 1

        migrate_to("0014", down=True)
        assert TABLE not in inspect(db.session.get_bind()).get_table_names()
        assert _triggered_tables() == set()
        db.session.execute(text("UPDATE lms_courses SET version = '3' WHERE id = :id"), {"id": course_id})
        db.session.commit()  # no trigger left behind to fail on the missing table

        migrate_to()
        assert _triggered_tables() == CONTENT_TABLES and drift() == []
