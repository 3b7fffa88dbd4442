"""Migrations and models agree, so `lms db upgrade` builds exactly the schema the code expects."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, select

from lms import create_app, db, migrate
from lms.accounts import services as accounts
from lms.accounts.models import SiteRole
from lms.catalog import course_authoring
from lms.certificates import issuance
from lms.certificates.models import VerificationLog
from lms.db import metadata
from lms.migrate import VERSION_TABLE
from lms.migrations_support import include_name
from tests.conftest import PASSWORD, _config, _database_url, _private_database


def test_models_match_migrations(app):
    engine = app.extensions["lms"].db.engine
    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "include_name": include_name, "version_table": VERSION_TABLE}
        )
        diff = compare_metadata(context, metadata)
    assert diff == [], diff


def test_every_table_is_prefixed_and_versioned_separately(app):
    names = inspect(app.extensions["lms"].db.engine).get_table_names()
    assert VERSION_TABLE in names
    assert all(name.startswith("lms_") for name in metadata.tables)
    assert db.session is not None


def test_rebuilding_a_table_keeps_the_rows_that_point_at_it(tmp_path):
    """0008 rebuilds the certificates table (SQLite's batch mode copies it). Rows pointing at a certificate keep their
    link across the upgrade and the downgrade: on SQLite, foreign keys are off while migrations run, so dropping the
    old copy does not fire ON DELETE SET NULL."""
    with _private_database(_database_url(tmp_path), suffix="mig") as url:
        app = create_app(_config(url, tmp_path))
        with app.app_context():
            migrate.upgrade()
            admin = accounts.register_user("root@example.org", "Root", PASSWORD, role=SiteRole.ADMIN)
            holder = accounts.register_user("rosa@example.org", "Rosa", PASSWORD)
            course = course_authoring.create_course(course_authoring.CourseData(slug="core", title="Core"), admin)
            cert = issuance.issue_manually(holder, course, admin, "Paper", issuance.TrainingMinutes(live=60))
            db.session.add(VerificationLog(client_hash="x" * 64, code_prefix=cert.code[:4], result="valid", certificate_id=cert.id))
            db.session.commit()
            cert_id, links = cert.id, select(VerificationLog.certificate_id)
            db.session.close()  # no transaction of the test's may hold a lock that a migration waits for (PostgreSQL)
            try:
                migrate.downgrade("0007")
                assert db.session.execute(links).scalars().all() == [cert_id]
                db.session.close()
                migrate.upgrade()
                assert db.session.execute(links).scalars().all() == [cert_id]
                assert migrate.current() == ScriptDirectory.from_config(migrate.alembic_config()).get_current_head()
            finally:
                db.session.remove()
                app.extensions["lms"].db.engine.dispose()
