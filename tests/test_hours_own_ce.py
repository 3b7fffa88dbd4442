"""A trainee's own continuing-education (CE) standing, on their hours page and the home page: per organisation whose
staff they are, the CE year, hours required, approved so far, pending that would count, still needed, the deadline
and the state, computed by the same rules as the manager's dashboard (lms.hours.compliance)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from babel import dates as babel_dates

from lms import db
from lms.hours import compliance, periods
from lms.hours.models import EntryStatus
from lms.orgs.models import CEYearBasis, MemberRole, PayPeriod
from lms.orgs.services import list_user_memberships
from tests.hours_reports_helpers import add_entry

TODAY = date(2026, 11, 23)


def _entry(user, org, day, minutes, **kw):
    return add_entry(user, org, day, minutes, paid=day.replace(day=1), **kw)


@pytest.fixture
def tom_world(make_org, make_user, add_member):
    """Tom works for three organisations (one with another CE year), manages a fourth and has left a fifth.

    Acme (calendar year, 6 hours): 5 hours approved this year, so 1 hour still needed and behind the even pace
    (322 minutes by 23 November); 45 minutes pending this year, and hours of last year and of other organisations
    that do not count. Bay (fiscal year from July): 400 minutes approved since 1 July, complete. Coast: he starts
    on 4 January 2027."""
    tom = make_user(name="Tom Trainee", locale="es")
    orgs = {}
    for slug, settings in {
        "acme": {"name": "Acme Clinic"},
        "bay": {"name": "Bay Health", "ce_year_basis": CEYearBasis.FISCAL, "ce_fiscal_start_month": 7},
        "coast": {"name": "Coast Care"},
        "dale": {"name": "Dale Center"},
        "elm": {"name": "Elm Services"},
    }.items():
        orgs[slug] = make_org(slug, pay_period=PayPeriod.MONTHLY, training_pay_rate_cents=2000, **settings)
    add_member(orgs["acme"], tom, job_title="Promotor")
    add_member(orgs["bay"], tom, employment_start=date(2020, 3, 1))
    add_member(orgs["coast"], tom, employment_start=date(2027, 1, 4))
    add_member(orgs["dale"], tom, role=MemberRole.MANAGER)
    add_member(orgs["elm"], tom).employment_end = date(2026, 2, 1)
    _entry(tom, orgs["acme"], date(2026, 3, 3), 200)
    _entry(tom, orgs["acme"], date(2026, 10, 5), 100)
    _entry(tom, orgs["acme"], date(2025, 12, 31), 600)  # last CE year
    _entry(tom, orgs["acme"], date(2026, 11, 2), 45, status=EntryStatus.PENDING)
    _entry(tom, orgs["acme"], date(2025, 12, 30), 30, status=EntryStatus.PENDING)  # would count in last year
    _entry(tom, orgs["acme"], date(2026, 11, 3), 50, status=EntryStatus.REJECTED)
    _entry(tom, orgs["bay"], date(2026, 7, 1), 400)
    _entry(tom, orgs["bay"], date(2026, 6, 30), 400)  # the fiscal year before
    _entry(tom, orgs["bay"], date(2026, 9, 9), 20, status=EntryStatus.PENDING)
    _entry(tom, orgs["elm"], date(2026, 1, 10), 500)
    _entry(tom, None, date(2026, 5, 5), 120, status=EntryStatus.PENDING)  # in no organisation
    db.session.commit()
    return tom, orgs


def _own(user, today=TODAY):
    return {row.org_slug: row for row in compliance.list_own_ce_status(list_user_memberships(user), today)}


def test_the_trainee_gets_the_dashboards_numbers_for_each_organisation(app, tom_world):
    tom, orgs = tom_world
    own = _own(tom)
    assert list(own) == ["acme", "bay", "coast"]  # by name; not the one he manages, nor the one he left
    for slug, row in own.items():
        [manager_view] = [s for s in compliance.list_ce_status(orgs[slug], TODAY) if s.user_id == tom.id]
        assert row.status == replace(manager_view, pending_minutes=row.status.pending_minutes), slug
    acme, bay, coast = own["acme"].status, own["bay"].status, own["coast"].status
    assert (acme.year_start, acme.year_end, acme.required_minutes) == (date(2026, 1, 1), date(2026, 12, 31), 360)
    assert (acme.done_minutes, acme.pending_minutes, acme.remaining_minutes, acme.days_left) == (300, 45, 60, 38)
    assert acme.state == "behind"
    assert (bay.year_start, bay.year_end, bay.done_minutes, bay.pending_minutes) == (date(2026, 7, 1), date(2027, 6, 30), 400, 20)
    assert bay.state == "complete" and bay.remaining_minutes == 0
    assert coast.state == "not_started" and coast.employment_start == date(2027, 1, 4)
    assert own["acme"].org_name == "Acme Clinic"


def test_someone_on_no_staff_has_nothing_and_costs_no_query(app, make_user, make_org, count_queries):
    loner = make_user(name="Loner")
    boss = make_user(name="Boss")
    make_org("solo", manager=boss)
    for person in (loner, boss):
        memberships = list_user_memberships(person)
        with count_queries() as counter:
            assert compliance.list_own_ce_status(memberships, TODAY) == []
        assert counter.count == 0


def test_one_query_whatever_the_number_of_organisations(app, make_user, make_org, add_member, count_queries):
    def queries_for(orgs: int) -> int:
        person = make_user()
        for n in range(orgs):
            org = make_org(f"o{orgs}-{n}", pay_period=PayPeriod.MONTHLY, training_pay_rate_cents=1000,
                           ce_year_basis=list(CEYearBasis)[n % len(CEYearBasis)])
            add_member(org, person, employment_start=date(2019, 1 + n, 2))
            _entry(person, org, date(2026, 11, 2), 30)  # in the CE year of every basis
            _entry(person, org, date(2026, 11, 3), 30, status=EntryStatus.PENDING)
        db.session.commit()
        memberships = list_user_memberships(person)
        with count_queries() as counter:
            rows = compliance.list_own_ce_status(memberships, TODAY)
        assert len(rows) == orgs and all(r.status.done_minutes == r.status.pending_minutes == 30 for r in rows)
        return counter.count

    assert queries_for(1) == queries_for(4) == 1


def test_without_a_day_each_organisation_uses_its_own_today(app, tom_world, monkeypatch):
    tom, _orgs = tom_world
    asked = []
    monkeypatch.setattr(periods, "org_today", lambda org: asked.append(org.slug) or TODAY)
    assert list(_own(tom, None)) == ["acme", "bay", "coast"] and sorted(asked) == ["acme", "bay", "coast"]


@pytest.fixture
def at_today(monkeypatch):
    """Pages use each organisation's today: fix it, so the test never depends on the date it runs."""
    monkeypatch.setattr(periods, "org_today", lambda org: TODAY)


def _es(day: date, format: str) -> str:
    return babel_dates.format_date(day, format, locale="es_US")


def test_my_hours_page_in_spanish(app, client, u, login, tom_world, at_today):
    tom, _orgs = tom_world
    login(tom)
    html = client.get(u("lms.hours.mine")).get_data(as_text=True)
    html = html.split('id="ce-heading"')[1].split("</section>")[0]
    assert "Educación continua" in html and "Acme Clinic" in html and "Bay Health" in html and "Coast Care" in html
    assert "Dale Center" not in html and "Elm Services" not in html
    assert f"{_es(date(2026, 1, 1), 'medium')} a {_es(date(2026, 12, 31), 'medium')}" in html  # the CE year
    assert f"{_es(date(2026, 12, 31), 'medium')} · " in html  # the deadline, in the CE year's date format
    for text in ("6 horas", "5 horas", "45 minutos", "1 hora", "Por debajo del ritmo", "Completo",
                 f"Empieza el {_es(date(2027, 1, 4), 'medium')}"):
        assert text in html, text
    assert "Al día" not in html


def test_my_hours_page_in_english_on_track(app, client, u, login, make_user, make_org, add_member, at_today):
    ana = make_user(name="Ana", locale="en")
    org = make_org("acme", name="Acme Clinic", pay_period=PayPeriod.MONTHLY, training_pay_rate_cents=2000)
    add_member(org, ana)
    _entry(ana, org, date(2026, 2, 2), 330)
    db.session.commit()
    login(ana)
    html = client.get(u("lms.hours.mine")).get_data(as_text=True)
    section = html.split('id="ce-heading"')[1].split("</section>")[0]
    assert "Continuing education" in section and "On track" in section and "Behind" not in section
    assert "5 hours 30 minutes" in section and "30 minutes" in section and "Dec 31, 2026 · " in section
    assert "38 days left" in section


def test_home_page_shows_a_line_per_organisation(app, client, u, login, tom_world, at_today):
    tom, _orgs = tom_world
    login(tom)
    html = client.get(u("lms.main.home")).get_data(as_text=True)
    section = html.split('id="ce-heading"')[1].split("</section>")[0]
    assert "Acme Clinic" in section and "Por debajo del ritmo" in section and "1 hora" in section
    assert _es(date(2026, 12, 31), "medium") in section  # the deadline
    assert f"Empieza el {_es(date(2027, 1, 4), 'medium')}" in section and u("lms.hours.mine") in section


def test_no_section_for_someone_on_no_staff(app, client, u, login, make_user):
    login(make_user(name="Loner"))
    for endpoint in ("lms.hours.mine", "lms.main.home"):
        page = client.get(u(endpoint))
        assert page.status_code == 200 and 'id="ce-heading"' not in page.get_data(as_text=True)


def test_pages_cost_the_same_queries_for_more_organisations(app, client, u, login, make_user, make_org, add_member,
                                                           count_queries, at_today):
    person = make_user(name="Many Jobs")
    login(person)

    def join(start: int, stop: int) -> None:
        for n in range(start, stop):
            org = make_org(f"org{n}", pay_period=PayPeriod.MONTHLY, training_pay_rate_cents=1000)
            add_member(org, person)
            _entry(person, org, date(2026, 4, 4), 60)
        db.session.commit()

    def measure(endpoint: str) -> int:
        assert client.get(u(endpoint)).status_code == 200
        with count_queries() as counter:
            assert client.get(u(endpoint)).status_code == 200
        return counter.count

    join(0, 1)
    before = {endpoint: measure(endpoint) for endpoint in ("lms.hours.mine", "lms.main.home")}
    join(1, 4)
    assert {endpoint: measure(endpoint) for endpoint in before} == before
