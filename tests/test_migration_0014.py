"""Migration 0014: the table of earlier periods of employment (``lms_employment_periods``), created empty (no earlier
period was ever kept, so nothing is copied), memberships untouched; down and up again on a database of its own, and
the models still match the migrations afterwards (``tests/test_migrations.py`` checks the same on the suite's
database)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import inspect, select

from lms import db
from lms.accounts import services as accounts
from lms.orgs import employment, history
from lms.orgs import services as orgs
from lms.orgs.models import EmploymentPeriod, Membership
from tests.conftest import PASSWORD
from tests.migration_support import drift, migrate_to, private_app

TABLE = "lms_employment_periods"


def _tables() -> set[str]:
    return set(inspect(db.session.get_bind()).get_table_names())


def _memberships() -> list[tuple]:
    return db.session.execute(select(Membership.id, Membership.employee_id, Membership.job_title,
                                     Membership.employment_start, Membership.employment_end)
                              .order_by(Membership.id)).all()


def test_upgrade_adds_an_empty_table_and_leaves_memberships_as_they_were(tmp_path):
    with private_app(tmp_path, "m0014"):
        migrate_to("0013")
        assert TABLE not in _tables()
        # A clinic as 0013 left it: one current and one former member (the model's new table is not used).
        boss = accounts.register_user("boss@example.org", "Boss", PASSWORD)
        org = orgs.create_org("acme", orgs.OrgSettings(name="Acme", pay_period_anchor=date(2026, 1, 5)), boss)
        tom = orgs.add_member(org, accounts.register_user("tom@example.org", "Tom", PASSWORD),
                              orgs.Employment("E-1", "Promotor", date(2025, 3, 2)), actor=boss)
        employment.remove_member(tom, boss, date(2026, 1, 31))
        db.session.commit()
        tom_id, before = tom.id, _memberships()

        migrate_to("0014")
        assert TABLE in _tables()
        assert db.session.execute(select(EmploymentPeriod)).first() is None  # nothing backfilled
        assert _memberships() == before  # the models are compared at the newest revision, below

        # Rehiring now keeps the earlier period; going down drops the table (those periods) only.
        tom = db.session.get(Membership, tom_id)
        orgs.add_member(tom.organisation, tom.user, orgs.Employment(employment_start=date(2026, 3, 1)), actor=None)
        db.session.commit()
        assert len(history.list_past_periods(tom)) == 1
        rehired = _memberships()

        migrate_to("0013", down=True)
        assert TABLE not in _tables()
        assert _memberships() == rehired

        migrate_to()
        assert TABLE in _tables() and _memberships() == rehired
        assert db.session.execute(select(EmploymentPeriod)).first() is None
        assert drift() == []


def test_the_periods_go_with_their_membership(app, make_user, make_org, add_member):
    """ON DELETE CASCADE: deleting a membership (an organisation or account removed) deletes its periods."""
    boss = make_user()
    org = make_org("acme", manager=boss)
    tom = add_member(org, make_user(), employment_start=date(2025, 3, 2))
    employment.remove_member(tom, boss, date(2025, 12, 31))
    orgs.add_member(org, tom.user, orgs.Employment(employment_start=date(2026, 2, 1)), actor=None)
    db.session.commit()
    assert db.session.execute(select(EmploymentPeriod.membership_id)).scalars().all() == [tom.id]
    db.session.delete(tom)
    db.session.commit()
    assert db.session.execute(select(EmploymentPeriod)).first() is None
