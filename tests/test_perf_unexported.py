"""Periods nobody exported (``lms.hours.unexported``) are found by walking the paid periods back one index step each,
instead of reading every approved entry of the organisation: the same periods and totals as the plain query over all
entries, in one statement (and the pay calendar's), whatever the history."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from lms import db
from lms.hours import unexported
from lms.hours.models import EntryStatus, HoursEntry, PayrollExport
from lms.hours.money import amount_sql
from lms.hours.pay_calendar import pay_calendar
from lms.hours.periods import org_today
from lms.orgs.models import PayPeriod
from tests.hours_reports_helpers import add_entry


def _reference(org, today: date, before: date | None = None) -> list[tuple]:
    """What the service answered before: one grouped query over all the approved entries of the organisation."""
    limit = min(today, before) if before is not None else today
    exported = select(PayrollExport.period_start).where(PayrollExport.org_id == org.id)
    rows = db.session.execute(
        select(HoursEntry.paid_period_start, func.count(), func.sum(HoursEntry.minutes), func.sum(amount_sql()))
        .where(HoursEntry.org_id == org.id, HoursEntry.status == EntryStatus.APPROVED,
               HoursEntry.paid_period_start < limit, HoursEntry.paid_period_start.not_in(exported))
        .group_by(HoursEntry.paid_period_start).order_by(HoursEntry.paid_period_start.desc())
        .limit(unexported.MAX_LISTED)).all()
    calendar = pay_calendar(org)
    return [(calendar.period(start), int(n), int(minutes), int(cents)) for start, n, minutes, cents in reversed(rows)
            if calendar.period(start)[1] < today]


def _listed(org, today: date, before: date | None = None) -> list[tuple]:
    return [((p.start, p.end), p.line_count, p.minutes, p.amount_cents)
            for p in unexported.list_unexported_periods(org, today, before)]


def _export(org, start: date) -> None:
    """An export record, as the payroll export leaves one (its file is not what this is about)."""
    end = pay_calendar(org).period(start)[1]
    db.session.add(PayrollExport(org_id=org.id, period_start=start, period_end=end, exported_at=func.now(),
                                 content=b"", sha256="0" * 64, row_count=0))


def test_the_same_periods_and_totals_as_reading_every_entry(make_org, make_user, add_member, count_queries):
    org = make_org("acme", pay_period=PayPeriod.WEEKLY, training_pay_rate_cents=1999)
    ana, ben = make_user("ana@example.org"), make_user("ben@example.org")
    add_member(org, ana)
    add_member(org, ben)
    today = org_today(org)
    calendar = pay_calendar(org)
    periods = [calendar.period(today)]
    for _ in range(40):
        periods.append(calendar.previous(periods[-1]))
    starts = [p[0] for p in reversed(periods)]  # oldest first; the last one is running
    for i, start in enumerate(starts):
        if i % 7 == 3:
            continue  # a week nobody worked
        add_entry(ana, org, start, 60 + i, paid=start)
        if i % 3 == 0:
            add_entry(ben, org, start, 17, paid=start, rate=1234)
            add_entry(ben, org, start, 45, status=EntryStatus.PENDING)
        if i % 11 == 5:  # paid there once, then no longer approved: the period pays nothing
            entry = add_entry(ben, org, start, 30, paid=start)
            entry.status = EntryStatus.REJECTED
    for start in starts[5:-4]:
        if start not in (starts[12], starts[20], starts[21]):  # three skipped in the middle
            _export(org, start)
    db.session.commit()

    found = _listed(org, today)
    assert found == _reference(org, today)
    # before the exports (5 periods), the three skipped ones, and the ended ones after the last export
    assert [p[0][0] for p in found] == [starts[i] for i in (0, 1, 2, 3, 4, 12, 20, 21, 37, 38, 39) if i % 7 != 3]
    for before in (starts[39], starts[38], starts[21], starts[13], starts[4], starts[0]):
        assert _listed(org, today, before) == _reference(org, today, before), before

    for start in starts[:5]:  # many more skipped than are listed: the latest ones
        _export(org, start)
    for start in starts[22:30]:
        db.session.execute(PayrollExport.__table__.delete().where(PayrollExport.org_id == org.id,
                                                                  PayrollExport.period_start == start))
    db.session.commit()
    # the latest twelve that pay, the running period among them (not listed: it is exported when it ends) unless it
    # starts today (a Monday, for these weekly periods): then only periods before today are read, all of them ended
    running_counted = starts[-1] < today
    assert len(_listed(org, today)) == unexported.MAX_LISTED - (1 if running_counted else 0)
    assert _listed(org, today) == _reference(org, today)

    with count_queries() as queries:  # the list and the pay calendar
        assert _listed(org, today)
    assert queries.count == 2


def test_an_organisation_that_exports_every_period_gets_an_empty_list_in_one_statement(make_org, make_user, add_member,
                                                                                       count_queries):
    org = make_org("acme", pay_period=PayPeriod.BIWEEKLY, training_pay_rate_cents=2000)
    ana = make_user("ana@example.org")
    add_member(org, ana)
    calendar = pay_calendar(org)
    period = calendar.previous(calendar.period(org_today(org)))
    for _ in range(30):
        add_entry(ana, org, period[0], 60, paid=period[0])
        _export(org, period[0])
        period = calendar.previous(period)
    db.session.commit()
    today = org_today(org)
    with count_queries() as queries:
        assert unexported.list_unexported_periods(org, today) == []
    assert queries.count == 1
    assert _reference(org, today) == []
