"""CE compliance (years per basis, the dashboard, the DHCS checklist as CSV and PDF) and the trainee's own views
(summary page, transcript PDF in the trainee's language)."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from babel import dates as babel_dates
from pypdf import PdfReader

from lms import db
from lms.hours import ce_checklist, compliance
from lms.hours.ce_years import ce_year
from lms.hours.models import EntrySource, EntryStatus
from lms.hours.pdf import StaticOnlyFetcher, static_root
from lms.orgs.models import CEYearBasis, EmploymentType, MemberRole, PayPeriod
from tests.hours_reports_helpers import add_entry

TODAY = date(2026, 11, 23)


class FakeOrg:
    def __init__(self, basis: CEYearBasis, month: int = 7) -> None:
        self.ce_year_basis, self.ce_fiscal_start_month = basis, month


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


# ---------------------------------------------------------------- CE years


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2026, 1, 1), (date(2026, 1, 1), date(2026, 12, 31))),
        (date(2026, 12, 31), (date(2026, 1, 1), date(2026, 12, 31))),
        (date(2024, 2, 29), (date(2024, 1, 1), date(2024, 12, 31))),
    ],
)
def test_calendar_year(day, expected):
    assert ce_year(FakeOrg(CEYearBasis.CALENDAR), day, date(2020, 5, 5)) == expected


@pytest.mark.parametrize(
    ("month", "day", "expected"),
    [
        (7, date(2026, 6, 30), (date(2025, 7, 1), date(2026, 6, 30))),
        (7, date(2026, 7, 1), (date(2026, 7, 1), date(2027, 6, 30))),
        (7, date(2026, 12, 31), (date(2026, 7, 1), date(2027, 6, 30))),
        (10, date(2027, 1, 1), (date(2026, 10, 1), date(2027, 9, 30))),
        (3, date(2024, 2, 29), (date(2023, 3, 1), date(2024, 2, 29))),  # the year ends on a leap day
        (3, date(2025, 2, 28), (date(2024, 3, 1), date(2025, 2, 28))),
        (1, date(2026, 5, 5), (date(2026, 1, 1), date(2026, 12, 31))),  # January fiscal year = calendar year
        (12, date(2026, 11, 30), (date(2025, 12, 1), date(2026, 11, 30))),
    ],
)
def test_fiscal_year(month, day, expected):
    assert ce_year(FakeOrg(CEYearBasis.FISCAL, month), day) == expected


@pytest.mark.parametrize(
    ("start", "day", "expected"),
    [
        (date(2020, 3, 15), date(2026, 3, 14), (date(2025, 3, 15), date(2026, 3, 14))),
        (date(2020, 3, 15), date(2026, 3, 15), (date(2026, 3, 15), date(2027, 3, 14))),
        (date(2020, 1, 1), date(2026, 12, 31), (date(2026, 1, 1), date(2026, 12, 31))),
        (date(2019, 12, 31), date(2027, 1, 1), (date(2026, 12, 31), date(2027, 12, 30))),
        (date(2020, 2, 29), date(2027, 2, 28), (date(2026, 3, 1), date(2027, 2, 28))),  # leap-day start, common years
        (date(2020, 2, 29), date(2027, 3, 1), (date(2027, 3, 1), date(2028, 2, 28))),  # next one is 29 Feb 2028
        (date(2020, 2, 29), date(2028, 2, 29), (date(2028, 2, 29), date(2029, 2, 28))),
        (date(2026, 11, 23), date(2026, 11, 23), (date(2026, 11, 23), date(2027, 11, 22))),  # first day of work
    ],
)
def test_anniversary_year(start, day, expected):
    assert ce_year(FakeOrg(CEYearBasis.ANNIVERSARY), day, start) == expected


def test_anniversary_without_a_start_date_is_the_calendar_year():
    assert ce_year(FakeOrg(CEYearBasis.ANNIVERSARY), TODAY, None) == (date(2026, 1, 1), date(2026, 12, 31))


# ---------------------------------------------------------------- what counts, in SQL


@pytest.fixture
def org_with(make_org, make_user):
    def make(slug="acme", **settings):
        manager = make_user(name="Mara Manager")
        return make_org(slug, manager=manager, pay_period=PayPeriod.MONTHLY, training_pay_rate_cents=2000, **settings), manager

    return make


def _entry(user, org, day, minutes, **kw):
    return add_entry(user, org, day, minutes, paid=day.replace(day=1), **kw)


def _done(org, today):
    return {status.name: status.done_minutes for status in compliance.list_ce_status(org, today)}


def test_calendar_and_fiscal_boundaries_in_sql(app, org_with, make_user, add_member):
    cal, _ = org_with("cal")
    fis, _ = org_with("fis", ce_year_basis=CEYearBasis.FISCAL, ce_fiscal_start_month=7)
    ana = make_user(name="Ana")
    for org in (cal, fis):
        add_member(org, ana)
        for day, minutes in [
            (date(2025, 12, 31), 1),
            (date(2026, 1, 1), 10),
            (date(2026, 6, 30), 100),
            (date(2026, 7, 1), 1000),
            (date(2026, 11, 23), 10000),
            (date(2027, 1, 1), 100000),
        ]:
            _entry(ana, org, day, minutes)
        _entry(ana, org, date(2026, 8, 1), 7, status=EntryStatus.PENDING)
        _entry(ana, org, date(2026, 8, 2), 7, status=EntryStatus.REJECTED)
    db.session.commit()
    assert _done(cal, TODAY) == {"Ana": 10 + 100 + 1000 + 10000}
    assert _done(fis, TODAY) == {"Ana": 1000 + 10000 + 100000}
    assert _done(fis, date(2026, 6, 30)) == {"Ana": 1 + 10 + 100}


def test_anniversary_boundaries_in_sql_match_python(app, org_with, make_user, add_member):
    org, _ = org_with(ce_year_basis=CEYearBasis.ANNIVERSARY)
    leap, july, none = make_user(name="Leap"), make_user(name="July"), make_user(name="Nobody")
    add_member(org, leap, employment_start=date(2020, 2, 29))
    add_member(org, july, employment_start=date(2019, 7, 15))
    add_member(org, none)
    days = [
        date(2026, 1, 1),
        date(2026, 2, 28),
        date(2026, 3, 1),
        date(2026, 7, 14),
        date(2026, 7, 15),
        date(2026, 12, 31),
        date(2027, 2, 28),
        date(2027, 3, 1),
        date(2027, 7, 14),
        date(2027, 7, 15),
    ]
    for user in (leap, july, none):
        for n, day in enumerate(days):
            _entry(user, org, day, 2**n)
    db.session.commit()
    for today in (date(2027, 2, 28), date(2027, 3, 1), date(2026, 7, 14), date(2026, 7, 15), TODAY):
        statuses = {s.name: s for s in compliance.list_ce_status(org, today)}
        for name, status in statuses.items():
            expected = sum(2**n for n, day in enumerate(days) if status.year_start <= day <= status.year_end)
            assert status.done_minutes == expected, (name, today)
    assert compliance.list_ce_status(org, date(2027, 2, 28))[0].year_start in (date(2026, 3, 1), date(2026, 7, 15))


def test_all_sources_count_and_adjustments_subtract(app, org_with, make_user, add_member):
    org, _ = org_with()
    ana = make_user(name="Ana")
    add_member(org, ana)
    for source in (EntrySource.LIVE, EntrySource.SELF_PACED, EntrySource.EXTERNAL, EntrySource.FIELD):
        _entry(ana, org, date(2026, 3, 3), 60, source=source)
    _entry(ana, org, date(2026, 3, 4), -30, source=EntrySource.ADJUSTMENT)
    db.session.commit()
    [status] = compliance.list_ce_status(org, TODAY)
    assert (status.done_minutes, status.remaining_minutes) == (210, 150)


def test_dashboard_order_most_behind_first(app, org_with, make_user, add_member):
    org, manager = org_with(ce_year_basis=CEYearBasis.ANNIVERSARY)
    people = {
        "Done": (date(2020, 1, 10), 400),
        "Half": (date(2020, 1, 10), 180),
        "Nothing, soon": (date(2020, 12, 1), 0),  # year ends 2026-11-30: 7 days left
        "Nothing, later": (date(2020, 1, 10), 0),  # year ends 2027-01-09
        "Little": (date(2020, 1, 10), 30),
    }
    for name, (start, minutes) in people.items():
        user = make_user(name=name)
        add_member(org, user, employment_start=start)
        if minutes:
            _entry(user, org, date(2026, 6, 1), minutes)
    ended = make_user(name="Former")
    add_member(org, ended)
    compliance_member = compliance.get_member(org, ended.id)
    compliance_member.employment_end = date(2026, 1, 1)
    db.session.commit()
    rows = compliance.list_ce_status(org, TODAY)
    assert [r.name for r in rows] == ["Nothing, soon", "Nothing, later", "Little", "Half", "Done"]
    assert rows[0].days_left == 7 and rows[0].remaining_minutes == 360
    assert rows[-1].is_complete and rows[-1].remaining_minutes == 0
    assert rows[0].state == "behind" and rows[-1].state == "complete"
    assert manager.name not in [r.name for r in rows]  # managers are the supervisors, not listed


def test_dashboard_fixed_number_of_queries(app, org_with, make_user, add_member, count_queries):
    for basis in (CEYearBasis.CALENDAR, CEYearBasis.ANNIVERSARY):
        org, _ = org_with(f"org-{basis.value}", ce_year_basis=basis)

        def queries_for(people: int, org=org) -> int:
            for n in range(people):
                user = make_user(name=f"P{people}-{n}")
                add_member(org, user, employment_start=date(2020, 1 + n % 12, 1 + n % 28))
                _entry(user, org, date(2026, 5, 5), 30)
            db.session.commit()
            db.session.expire_all()
            with count_queries() as counter:
                compliance.list_ce_status(org, TODAY)
            return counter.count

        assert queries_for(2) == queries_for(20) <= 3  # staff, minutes per person, and reloading the expired org


def test_dashboard_page(app, client, u, login, org_with, make_user, add_member):
    org, manager = org_with()
    ana = make_user(name="Ana Behind")
    add_member(org, ana, job_title="Promotora")
    db.session.commit()
    login(manager)
    page = client.get(u("lms.hours.compliance_dashboard", org_slug="acme"))
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Ana Behind" in html and "Promotora" in html and "Behind" in html
    assert client.get(u("lms.hours.compliance_dashboard", org_slug="acme", on="garbage")).status_code == 200


# ---------------------------------------------------------------- the DHCS checklist


@pytest.fixture
def checklist_world(org_with, make_user, add_member):
    org, manager = org_with()
    compliance_manager = compliance.get_member(org, manager.id)
    compliance_manager.job_title = "Program Director"
    ana = make_user(name="Ana López")
    add_member(
        org, ana, job_title="Community Health Worker", employment_start=date(2024, 4, 2), employment_type=EmploymentType.CONTRACTOR
    )
    _entry(
        ana,
        org,
        date(2026, 2, 3),
        90,
        title="Motivational interviewing",
        decided_by_id=manager.id,
        description="Role plays   and\nfeedback",
    )
    _entry(
        ana, org, date(2026, 3, 4), 60, title="=cmd|' /C calc'!A0", source=EntrySource.FIELD, supervisor_name="Dr. Field Supervisor"
    )
    _entry(ana, org, date(2026, 4, 5), 30, title="Asthma triggers", provider="Lung Association")
    _entry(ana, org, date(2025, 12, 31), 30, title="Last year")
    _entry(ana, org, date(2026, 5, 5), 30, title="Not approved", status=EntryStatus.PENDING)
    db.session.commit()
    return org, manager, ana


def test_checklist_csv_sections(app, client, u, login, checklist_world):
    org, manager, ana = checklist_world
    login(manager)
    response = client.get(u("lms.hours.checklist_csv", org_slug="acme", user_id=ana.id, on="2026-11-23"))
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"] and "ana-lopez" in response.headers["Content-Disposition"]
    # a UTF-8 byte-order mark first, so Excel shows "Ana López", not "Ana LÃ³pez"; then one BOM only
    assert response.data.startswith(b"\xef\xbb\xbfSection A\r\n") and response.data.count(b"\xef\xbb\xbf") == 1
    assert "Ana López".encode() in response.data
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    blank = rows.index([])
    section_a, section_b = rows[:blank], rows[blank + 1 :]
    assert section_a[0] == ["Section A"]
    facts = dict(section_a[1:])
    assert facts["CHW name"] == "Ana López" and facts["CHW title"] == "Community Health Worker"
    assert facts["Supervising provider name"] == "Mara Manager"
    assert facts["Supervising provider title"] == "Program Director"
    assert facts["Supervising provider organisation"] == org.name
    assert facts["Employment start date"] == "2024-04-02" and facts["Type of employment"] == "Contractor"
    assert section_b[0] == ["Section B"]
    assert section_b[1] == ["Training topic", "Brief description", "Hours", "Date completed", "Supervising provider",
                            "Minutes"]
    trainings = section_b[2:-1]
    assert trainings == [  # decimal hours and whole minutes a spreadsheet adds up (tests/test_hours_exact_totals.py)
        ["Motivational interviewing", "Role plays and feedback", "1.50", "2026-02-03", "Mara Manager", "90"],
        ["'=cmd|' /C calc'!A0", "Supervised field experience", "1.00", "2026-03-04", "Dr. Field Supervisor", "60"],
        ["Asthma triggers", "External training by Lung Association", "0.50", "2026-04-05", "Mara Manager", "30"],
    ]
    assert section_b[-1] == ["Total", "", "3.00", "", "", "180"]


def test_checklist_csv_in_spanish_opens_right_in_a_spreadsheet(app, client, u, login, checklist_world):
    """Excel reads a CSV without a byte-order mark as Windows-1252: "SecciÃ³n A", "Ana LÃ³pez"."""
    _org, manager, ana = checklist_world
    manager.locale = "es"
    db.session.commit()
    login(manager)
    data = client.get(u("lms.hours.checklist_csv", org_slug="acme", user_id=ana.id, on="2026-11-23")).data
    assert data.startswith(b"\xef\xbb\xbf" + "Sección A\r\n".encode())
    assert ",Ana López\r\n".encode() in data
    assert "Sección".encode("cp1252") not in data  # no byte of it was written in a legacy code page


def test_checklist_uses_the_signatory_when_set(app, checklist_world):
    org, _manager, ana = checklist_world
    org.signatory_name, org.signatory_title = "Dr. Sign", "Medical Director"
    checklist = ce_checklist.build_checklist(org, compliance.get_member(org, ana.id), TODAY)
    assert (checklist.supervisor_name, checklist.supervisor_title) == ("Dr. Sign", "Medical Director")
    assert checklist.rows[2].supervising_provider == "Dr. Sign"


def test_checklist_pdf_text(app, client, u, login, checklist_world):
    _org, manager, ana = checklist_world
    login(manager)
    response = client.get(u("lms.hours.checklist_pdf", org_slug="acme", user_id=ana.id))
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = " ".join(pdf_text(response.data).split())  # a table cell may wrap over two lines
    for expected in (
        "Annual Continuing Training Checklist",
        "Section A",
        "Section B",
        "Ana López",
        "Community Health Worker",
        "Mara Manager",
        "Motivational interviewing",
        "Asthma triggers",
        "3.00",
    ):
        assert expected in text, expected
    assert "Last year" not in text and "Not approved" not in text


def test_checklist_of_someone_outside_the_org_is_404(app, client, u, login, checklist_world, make_user):
    _org, manager, _ana = checklist_world
    stranger = make_user(name="Stranger")
    login(manager)
    assert client.get(u("lms.hours.checklist_csv", org_slug="acme", user_id=stranger.id)).status_code == 404


def test_another_organisations_manager_gets_403(app, client, u, login, checklist_world, make_org, make_user):
    _org, _manager, ana = checklist_world
    other = make_user(name="Other Manager")
    make_org("other", manager=other)
    login(other)
    for endpoint in ("lms.hours.checklist_csv", "lms.hours.checklist_pdf"):
        assert client.get(u(endpoint, org_slug="acme", user_id=ana.id)).status_code == 403
    assert client.get(u("lms.hours.compliance_dashboard", org_slug="acme")).status_code == 403


# ---------------------------------------------------------------- trainee views


@pytest.fixture
def trainee_world(org_with, make_user, add_member):
    org, _manager = org_with()

    def make(locale: str):
        user = make_user(name="Rosa Martínez", locale=locale)
        add_member(org, user)
        _entry(
            user,
            org,
            date(2026, 11, 2),
            90,
            title="Salud comunitaria: módulo 1",
            source=EntrySource.SELF_PACED,
            areas=["communication", "asthma-preventive-services"],
        )
        _entry(
            user, org, date(2026, 10, 5), 60, title="Outreach practice", source=EntrySource.LIVE, areas=["outreach", "communication"]
        )
        _entry(user, org, date(2026, 10, 6), 45, title="Not yet", status=EntryStatus.PENDING)
        db.session.commit()
        return user

    return make


def test_transcript_pdf_in_spanish(app, client, u, login, trainee_world):
    rosa = trainee_world("es")
    login(rosa)
    response = client.get(u("lms.hours.my_transcript"), headers={"Accept-Language": "en"})
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert "attachment" in response.headers["Content-Disposition"]
    text = pdf_text(response.data)
    assert "Rosa Martínez" in text and "Salud comunitaria: módulo 1" in text and "2.50" in text
    # dates in the trainee's language (row dates are Babel's medium format; the header date is today's, long)
    assert babel_dates.format_date(date(2026, 11, 2), "medium", locale="es") in text and "Nov 2" not in text
    assert "Approved training" not in text
    assert "Not yet" not in text


def test_transcript_pdf_in_english(app, client, u, login, trainee_world):
    rosa = trainee_world("en")
    login(rosa)
    text = pdf_text(client.get(u("lms.hours.my_transcript")).data)
    assert "Training transcript" in text and "Nov 2, 2026" in text and "Communication" in text
    assert "Asthma preventive services" in text and "2.50" in text


def test_summary_page(app, client, u, login, trainee_world):
    rosa = trainee_world("en")
    login(rosa)
    html = client.get(u("lms.hours.my_summary")).get_data(as_text=True)
    assert "2 hours 30 minutes" in html and "45 minutes awaiting approval" in html
    assert "November 2026" in html and "October 2026" in html
    assert "Self-paced module" in html and "Live session" in html
    assert "Communication" in html and "Outreach" in html
    assert "start=2026-11-01" in html  # link to the pay period


def test_summary_and_periods_without_organisation(app, client, u, login, make_user):
    loner = make_user(name="Loner")
    login(loner)
    assert client.get(u("lms.hours.my_summary")).status_code == 200
    assert "not on the staff" in client.get(u("lms.hours.my_timesheet")).get_data(as_text=True)
    assert client.get(u("lms.hours.my_transcript")).status_code == 200


def test_summary_fixed_queries(app, trainee_world, count_queries):
    from lms.hours.transcript import hours_summary

    rosa = trainee_world("en")
    db.session.expire_all()
    with count_queries() as counter:
        hours_summary(rosa)
    assert counter.count <= 3  # entries, organisations, and reloading the expired user


# ---------------------------------------------------------------- the locked-down PDF fetcher


def test_pdf_fetcher_serves_only_static_files():
    fetcher = StaticOnlyFetcher()
    css = (static_root() / "pdf" / "hours.css").as_uri()
    assert b"@page" in fetcher.fetch(css).read()
    for url in (
        "file:///etc/passwd",
        "http://example.org/x.css",
        "https://127.0.0.1/",
        "data:text/css,body{}",
        (static_root() / ".." / "hours" / "pdf.py").as_uri(),
        "file://evil.example/" + str(static_root() / "lms.css"),
    ):
        with pytest.raises(ValueError):
            fetcher.fetch(url)


def test_manager_role_in_member_list(app, org_with, make_user, add_member):
    """Staff who are managers are not listed; plain staff are (sanity check for the staff query)."""
    org, _ = org_with()
    boss2 = make_user(name="Second boss")
    add_member(org, boss2, role=MemberRole.MANAGER)
    assert compliance.list_ce_status(org, TODAY) == []
