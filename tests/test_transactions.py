"""Units of work are all or nothing on both databases, savepoints included."""

from __future__ import annotations

from sqlalchemy import func, select

from lms import db
from lms.accounts.models import User


def _users_seen_by_another_connection(app) -> int:
    with app.extensions["lms"].db.engine.connect() as other:
        return other.execute(select(func.count()).select_from(User)).scalar_one()


def test_rolling_back_undoes_a_savepoint_that_was_the_first_write(app, make_user):
    """On SQLite, Python's driver opens a transaction only before INSERT/UPDATE/DELETE: a SAVEPOINT sent first opened
    the transaction itself and its release committed, so a later rollback kept the row (an adjustment refused after
    it was inserted stayed in the ledger)."""
    make_user("kept@example.org")
    before = _users_seen_by_another_connection(app)
    assert db.session.execute(select(User.id)).first() is not None  # reads first, as requests do
    with db.session.begin_nested():
        db.session.add(User(email="gone@example.org", name="Gone", password_hash="x"))
    db.session.rollback()
    assert _users_seen_by_another_connection(app) == before
    assert db.session.scalar(select(User.id).where(User.email == "gone@example.org")) is None


def test_a_savepoint_rolled_back_alone_keeps_the_rest_of_the_unit_of_work(app, make_user):
    make_user("kept@example.org")
    db.session.add(User(email="outer@example.org", name="Outer", password_hash="x"))
    savepoint = db.session.begin_nested()
    db.session.add(User(email="inner@example.org", name="Inner", password_hash="x"))
    db.session.flush()
    savepoint.rollback()
    db.session.commit()
    emails = set(db.session.scalars(select(User.email)))
    assert "outer@example.org" in emails and "inner@example.org" not in emails
