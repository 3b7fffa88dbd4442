"""The first day of a pay period (the anchor) is never taken from a default nobody chose: weekly and two-week pay
periods need one given when an organisation is created or moves to them from calendar periods; a save that gives
none keeps the organisation's own chosen anchor rather than silently putting back 2026-01-05. Monthly and
twice-a-month periods follow the calendar, whatever anchor is stored."""

from __future__ import annotations

from datetime import date

import pytest

from lms import db
from lms.errors import DomainError
from lms.hours import periods
from lms.orgs import services as orgs
from lms.orgs import settings as org_settings
from lms.orgs.models import PayPeriod
from lms.orgs.settings import ANCHOR_MISSING, DEFAULT_ANCHOR, OrgSettings


def test_settings_have_no_anchor_unless_given():
    assert OrgSettings(name="Acme").pay_period_anchor is None


@pytest.mark.parametrize("kind", [PayPeriod.WEEKLY, PayPeriod.BIWEEKLY])
def test_creating_weekly_or_two_week_periods_needs_an_anchor(app, make_user, kind):
    with pytest.raises(DomainError) as refused:
        orgs.create_org("acme", OrgSettings(name="Acme", pay_period=kind), make_user())
    assert refused.value.message == str(ANCHOR_MISSING) and refused.value.details.get("field") == "pay_period_anchor"
    db.session.rollback()
    assert orgs.find_org("acme") is None


@pytest.mark.parametrize("kind", [PayPeriod.MONTHLY, PayPeriod.SEMIMONTHLY])
def test_calendar_periods_need_none_and_do_not_read_the_stored_one(app, make_user, kind):
    org = orgs.create_org("acme", OrgSettings(name="Acme", pay_period=kind), make_user())
    db.session.commit()
    assert org.pay_period_anchor == DEFAULT_ANCHOR  # the column cannot be empty without a migration
    expected = periods.period_containing(org, date(2027, 5, 20))
    org.pay_period_anchor = date(2027, 5, 19)
    assert periods.period_containing(org, date(2027, 5, 20)) == expected
    assert expected[0] == (date(2027, 5, 1) if kind is PayPeriod.MONTHLY else date(2027, 5, 16))


def test_a_save_without_an_anchor_keeps_the_chosen_one(app, make_org, make_user):
    org = make_org("acme", pay_period=PayPeriod.BIWEEKLY, pay_period_anchor=date(2026, 2, 2))
    org_settings.update_settings(org, OrgSettings(name="Acme", signatory_name="Ana"), make_user())
    db.session.commit()
    assert org.pay_period_anchor == date(2026, 2, 2) and org.signatory_name == "Ana"
    assert periods.period_containing(org, date(2026, 2, 3))[0] == date(2026, 2, 2)
    org_settings.update_settings(org, OrgSettings(name="Acme", pay_period=PayPeriod.WEEKLY), make_user())
    assert org.pay_period_anchor == date(2026, 2, 2)  # chosen for two-week periods: any period's first day


def test_moving_from_calendar_periods_needs_an_anchor(app, make_org, make_user):
    org = make_org("acme", pay_period=PayPeriod.MONTHLY)
    with pytest.raises(DomainError):
        org_settings.update_settings(org, OrgSettings(name="Acme", pay_period=PayPeriod.BIWEEKLY), make_user())
    db.session.rollback()
    db.session.refresh(org)
    assert org.pay_period is PayPeriod.MONTHLY
    org_settings.update_settings(org, OrgSettings(name="Acme", pay_period=PayPeriod.BIWEEKLY,
                                                  pay_period_anchor=date(2027, 3, 1)), make_user())
    assert org.pay_period_anchor == date(2027, 3, 1)


def test_the_settings_form_of_a_monthly_organisation_shows_no_anchor(client, u, login, make_org, make_user):
    manager = make_user(name="Mona Manager")
    org = make_org("acme", manager=manager, pay_period=PayPeriod.MONTHLY)
    login(manager)
    page = client.get(u("lms.orgs.settings", org_slug=org.slug)).get_data(as_text=True)
    field = page.split('name="pay_period_anchor"')[1].split(">")[0]
    assert DEFAULT_ANCHOR.isoformat() not in field
