"""Managers see measured time next to credited time in the approval queue, entries measured at under a quarter of
their credit are flagged in words (not colour alone), and the queue can show only those."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from lms import db
from lms.accounts.models import SiteRole
from lms.catalog import services as catalog
from lms.catalog.models import ModuleKind
from lms.db import utcnow
from lms.enrollment import services as enrollment_services
from lms.enrollment import visits
from lms.hours import review_queue
from lms.hours.measured import LOW_MEASURED_PERCENT, is_low_measured
from lms.hours.models import EntrySource, EntryStatus, HoursEntry
from tests import bulk_forms
from tests.test_hours_ledger import DAY, Staff, entries_of, external, make_course, make_staff

FLAG = "Far below the credited time"
IDLE_CAP = timedelta(hours=3)


@pytest.fixture
def staff(make_user, make_org, add_member) -> Staff:
    return make_staff(make_user, make_org, add_member)


def complete_modules(staff: Staff, make_user, slug: str, **modules: tuple[int, int]) -> dict[str, HoursEntry]:
    """Complete self-paced modules ``name=(credited minutes, minutes actually spent reading)``; their entries."""
    course, made = make_course(
        make_user(role=SiteRole.TRAINER),
        slug,
        **{name: (ModuleKind.SELF_PACED, credited) for name, (credited, _read) in modules.items()},
    )
    enrollment = enrollment_services.enroll(staff.trainee, course)
    outline = catalog.load_outline(course)
    for name, (_credited, read) in modules.items():
        lesson = outline.lessons[made[name].id][0]
        now = utcnow()
        if read:
            visits.visit_lesson(enrollment, lesson, now - timedelta(minutes=read), IDLE_CAP)
        visits.complete_lesson(enrollment, lesson, now, IDLE_CAP)  # "completed" without opening it
    db.session.commit()
    by_module = {entry.module_id: entry for entry in entries_of(staff.trainee)}
    return {name: by_module[module.id] for name, module in made.items()}


def row_of(page: str, title: str) -> str:
    [row] = [row for row in page.split('<tr role="row">') if f">{title}<span class=\"visually-hidden\"> of " in row]
    return row


def text_of(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_queue_shows_measured_time_and_flags_far_below_in_words(client, u, login, staff, make_user):
    entries = complete_modules(staff, make_user, "core", skim=(100, 0), read=(40, 30))
    external(staff.trainee, "x1", title="Workshop")
    assert (entries["skim"].minutes, entries["skim"].measured_minutes) == (100, 0)
    login(staff.manager)
    page = client.get(u("lms.hours.queue", org_slug="acme")).get_data(as_text=True)
    assert '<th scope="col" role="columnheader">Measured time</th>' in page
    skim = row_of(page, "Module skim")
    assert "1 hour 40 minutes 0 minutes" in text_of(skim) and FLAG in skim
    assert 'aria-hidden="true">⚠' in skim  # the symbol is decoration; the words carry the meaning
    read = row_of(page, "Module read")
    assert "40 minutes 30 minutes" in text_of(read) and FLAG not in read  # under the credit, but not far under
    workshop = row_of(page, "Workshop")
    assert "not measured" in workshop and FLAG not in workshop
    assert f"under {LOW_MEASURED_PERCENT}% of the credited time" in text_of(page)  # the legend says what it means


def test_review_page_flags_the_entry_in_words(client, u, login, staff, make_user):
    entries = complete_modules(staff, make_user, "core", skim=(100, 0), read=(40, 30))
    login(staff.manager)
    skim = client.get(u("lms.hours.review", org_slug="acme", entry_id=entries["skim"].id)).get_data(as_text=True)
    assert FLAG in skim
    assert "The time measured on the lessons (0 minutes) is under 25% of the credited time (1 hour 40 minutes)" in (text_of(skim))
    read = client.get(u("lms.hours.review", org_slug="acme", entry_id=entries["read"].id)).get_data(as_text=True)
    assert FLAG not in read


def test_queue_filter_shows_only_flagged_entries_and_is_kept_by_bulk_decisions(client, u, login, staff, make_user):
    entries = complete_modules(staff, make_user, "core", skim=(100, 0), quick=(60, 10), read=(40, 30))
    external(staff.trainee, "x1", title="Workshop")
    login(staff.manager)
    queue = u("lms.hours.queue", org_slug="acme")
    page = client.get(queue, query_string={"measured": "low"}).get_data(as_text=True)
    assert "Module skim" in page and "Module quick" in page
    assert "Module read" not in page and "Workshop" not in page
    assert re.search(r'name="measured" value="low" id="f-measured"\s+checked', page)
    assert '<input type="hidden" name="measured" value="low">' in page  # the bulk form keeps the filter
    response = client.submit(
        u("lms.hours.bulk_decide", org_slug="acme"),
        {"action": "approve", "status": "pending", "measured": "low", **bulk_forms.entries(entries["quick"].id)},
    )
    assert response.status_code == 302 and "measured=low" in response.headers["Location"]
    assert db.session.get(HoursEntry, entries["quick"].id).status is EntryStatus.APPROVED  # pay is unchanged
    assert db.session.get(HoursEntry, entries["quick"].id).minutes == 60
    assert "Module quick" in client.get(queue, query_string={"measured": "low", "status": "all"}).get_data(as_text=True)


def test_flagged_filter_pages_cost_the_same_queries_however_many_entries(client, u, login, staff, make_user, count_queries):
    complete_modules(staff, make_user, "one", m0=(60, 0))
    login(staff.manager)
    queue = u("lms.hours.queue", org_slug="acme")
    client.get(queue, query_string={"measured": "low"})
    with count_queries() as few:
        assert client.get(queue, query_string={"measured": "low"}).status_code == 200
    complete_modules(staff, make_user, "many", **{f"m{n}": (60, 0) for n in range(12)})
    for n in range(5):
        external(staff.trainee, f"x{n}", day=DAY - timedelta(days=n))
    with count_queries() as many:
        page = client.get(queue, query_string={"measured": "low"}).get_data(as_text=True)
    assert page.count(FLAG) == 13 + 1  # every row, and the legend
    assert many.count == few.count


def test_the_flag_and_the_filter_agree_at_the_threshold(app, staff):
    """Under a quarter is flagged, a quarter is not; adjustments (minutes are a difference) and unmeasured entries
    never are. The queue filter (SQL) and the flag (Python) pick the same entries."""

    def entry(minutes: int, measured: int | None, source: EntrySource = EntrySource.SELF_PACED) -> HoursEntry:
        row = HoursEntry(
            user_id=staff.trainee.id,
            org_id=staff.org.id,
            source=source,
            activity_date=DAY,
            minutes=minutes,
            measured_minutes=measured,
            title=f"{source.value} {minutes}/{measured}",
        )
        db.session.add(row)
        return row

    flagged = [entry(100, 0), entry(100, 24), entry(4, 0), entry(101, 25)]
    kept = [
        entry(100, 25),
        entry(100, 100),
        entry(100, None),
        entry(40, 0, EntrySource.ADJUSTMENT),
        entry(-40, 0, EntrySource.ADJUSTMENT),
        entry(90, 90, EntrySource.LIVE),
        entry(90, None, EntrySource.EXTERNAL),
    ]
    db.session.commit()
    assert [is_low_measured(e) for e in flagged + kept] == [True] * len(flagged) + [False] * len(kept)
    page = review_queue.list_queue(staff.org, review_queue.QueueFilters(status=None, low_measured=True), limit=100)
    assert {e.id for e, _person in page.rows} == {e.id for e in flagged}
