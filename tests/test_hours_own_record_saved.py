"""What the external-training form says once saved: a manager reviews an entry of an organisation; an entry dated
when the person had no employer stays in their own records, and the page says so instead of promising a review."""

from __future__ import annotations

from tests.test_hours_ledger import entries_of, form_token, staff  # noqa: F401  (fixture)


def _submit(client, u, day: str):
    token, key = form_token(client, u("lms.hours.submit_external"))
    return client.post(u("lms.hours.submit_external"), data={
        "csrf_token": token, "idempotency_key": key, "title": "CPR and first aid", "activity_date": day,
        "hours": "1", "minutes": "15", "competency_areas": ["professional-conduct"],
    }, follow_redirects=True)


def test_an_entry_of_an_organisation_is_reviewed_by_its_manager(client, u, login, staff):  # noqa: F811
    login(staff.trainee)
    page = _submit(client, u, "2026-03-10").get_data(as_text=True)
    assert "A manager of your organisation will review it." in page
    assert "own training records only" not in page
    [entry] = entries_of(staff.trainee)
    assert entry.org_id == staff.org.id


def test_an_entry_dated_before_any_employer_says_nobody_reviews_it(client, u, login, staff):  # noqa: F811
    login(staff.trainee)  # on acme's staff from 2025-01-01 only
    page = _submit(client, u, "2024-06-10").get_data(as_text=True)
    assert "Saved in your own training records only: no organisation reviews or pays it." in page
    assert "A manager of your organisation will review it." not in page
    [entry] = entries_of(staff.trainee)
    assert entry.org_id is None
