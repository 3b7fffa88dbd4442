"""Organisation settings: what managers configure (pay period and rate, time zone, continuing education, signatory),
the rules a setting keeps, and saving them (creating an organisation and its staff: ``lms.orgs.services``). Saving with
the version the form was opened on (``seen``) refuses to undo a save made since (:mod:`lms.edit_versions`); changing
the pay schedule moves approved entries not exported yet (the ``pay_schedule_changed`` signal)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from lms import audit, db, edit_versions
from lms.accounts.models import User
from lms.errors import DomainError
from lms.i18n import _, _l
from lms.orgs.models import CEYearBasis, Organisation, OrgKind, PayPeriod
from lms.signals import pay_schedule_changed


@dataclass(frozen=True)
class OrgSettings:
    """Everything an organisation's managers can configure."""

    name: str
    kind: OrgKind = OrgKind.EMPLOYER
    timezone: str = "America/Los_Angeles"
    pay_period: PayPeriod = PayPeriod.BIWEEKLY
    #: Weekly and two-week periods are counted from it, so they need one chosen: None keeps the organisation's own
    #: when its periods are weekly or two-week already, and is refused otherwise (a new organisation, or one whose
    #: periods followed the calendar, has no anchor anyone chose). Monthly and twice-a-month periods follow the
    #: calendar: None keeps the stored value (or stores :data:`DEFAULT_ANCHOR`), which nothing reads.
    pay_period_anchor: date | None = None
    training_pay_rate_cents: int = 0
    ce_year_basis: CEYearBasis = CEYearBasis.CALENDAR
    ce_fiscal_start_month: int = 7
    ce_annual_minimum_minutes: int = 360
    signatory_name: str | None = None
    signatory_title: str | None = None


#: What an organisation whose pay periods follow the calendar stores as its anchor when none is given: the column
#: cannot be empty (making it nullable needs a migration), and nothing reads it for monthly or twice-a-month periods.
DEFAULT_ANCHOR = date(2026, 1, 5)
#: Pay periods counted in runs of days from ``pay_period_anchor``; the others are calendar months or half-months.
ANCHORED_PAY_PERIODS = frozenset({PayPeriod.WEEKLY, PayPeriod.BIWEEKLY})


#: Why weekly and two-week pay periods are refused without a first day (the settings form says it on the field).
ANCHOR_MISSING = _l("Enter the first day of any pay period: weekly and two-week pay periods are counted from it.")


def with_anchor(settings: OrgSettings, current: date, current_period: PayPeriod | None = None) -> OrgSettings:
    """``settings`` with a pay-period anchor: the one given, else ``current`` (the stored one) where it was chosen
    (``current_period``, the organisation's pay period now, is weekly or two-week) or does not matter (the new
    periods follow the calendar).

    Weekly and two-week periods otherwise need one given (:class:`DomainError`): the anchor of a new organisation,
    or of one whose periods followed the calendar, is :data:`DEFAULT_ANCHOR`, which nobody chose."""
    if settings.pay_period_anchor is not None:
        return settings
    if settings.pay_period in ANCHORED_PAY_PERIODS and current_period not in ANCHORED_PAY_PERIODS:
        raise DomainError(str(ANCHOR_MISSING), field="pay_period_anchor")
    return replace(settings, pay_period_anchor=current)


def check_settings(settings: OrgSettings) -> None:
    """Refuse (:class:`DomainError`) a negative pay rate or yearly minimum, or a fiscal year starting in no month."""
    if settings.training_pay_rate_cents < 0:
        raise DomainError(_("The pay rate cannot be negative."))
    if not 1 <= settings.ce_fiscal_start_month <= 12:
        raise DomainError(_("Choose a month between 1 and 12."))
    if settings.ce_annual_minimum_minutes < 0:
        raise DomainError(_("The yearly minimum cannot be negative."))


def settings_version(org: Organisation) -> str:
    """The version of ``org``'s settings as stored now, for the settings form to carry (:mod:`lms.edit_versions`)."""
    return edit_versions.version_of(_stored_settings(org))


def _stored_settings(org: Organisation) -> dict[str, Any]:
    return {key: getattr(org, key) for key in OrgSettings.__dataclass_fields__}


def update_settings(org: Organisation, settings: OrgSettings, actor: User, seen: str = "") -> int:
    """Apply the settings; returns how many approved hours entries not yet exported moved to other pay periods
    because the pay period or its anchor changed (see ``lms.hours.schedule_change.repay_unexported``). With ``seen`` (the
    :func:`settings_version` the form was opened on), a setting saved since refuses the whole save
    (:class:`lms.edit_versions.ChangedSinceError`, naming the settings), decided under the organisation's lock."""
    if seen:
        db.lock_row(org, key_share=True)
        edit_versions.check_unchanged(_stored_settings(org), seen)
    settings = with_anchor(settings, org.pay_period_anchor, org.pay_period)
    check_settings(settings)
    before = _stored_settings(org)
    changes = {key: value for key, value in settings.__dict__.items() if before[key] != value}
    for key, value in changes.items():
        setattr(org, key, value)
    if changes:
        audit.record("org.settings_changed", org, actor, org_id=org.id, **audit.changed(before, changes))
    if changes.keys() & {"pay_period", "pay_period_anchor"}:
        db.session.flush()
        return sum(moved for _receiver, moved in pay_schedule_changed.send(org, actor=actor) if moved)
    return 0
