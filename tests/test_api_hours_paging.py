"""Keyset (cursor) paging of the hours API: paging pending entries while approving each one visits every entry, and
an entry added while paging never makes another come back twice (offset paging did both: it skipped and repeated
rows). Also the paging arguments' limits: ``limit`` 1 to 500, a bad cursor is a JSON 400, ``status`` names ``all``."""

from __future__ import annotations

import base64
from datetime import date, timedelta

import pytest

from lms import db
from lms.hours import external_training
from tests.api_support import bearer as _bearer
from tests.test_hours_ledger import make_staff

FIRST_DAY = date(2026, 1, 5)


@pytest.fixture
def staff(make_user, make_org, add_member):
    return make_staff(make_user, make_org, add_member)


def _entries(user, count: int, prefix: str = "e") -> list[int]:
    """``count`` pending external entries over a few weeks, several on each day (so ids break ties)."""
    ids = []
    for n in range(count):
        day = FIRST_DAY + timedelta(days=(n * 7) % 23)
        entry, _created = external_training.submit_external(
            user, external_training.ExternalTraining(title=f"Training {prefix}{n}", activity_date=day, minutes=30), f"{prefix}{n}")
        ids.append(entry.id)
    db.session.commit()
    return ids


def _pages(client, path: str, headers: dict[str, str], query: dict, between=None) -> list[list[dict]]:
    """Every page, following next_cursor; ``between(page)`` runs after each page is read."""
    pages, cursor = [], None
    for _ in range(100):  # a loop that never ends is a failure, not a hang
        response = client.get(path, query_string={**query, **({"cursor": cursor} if cursor else {})}, headers=headers)
        assert response.status_code == 200, response.json
        pages.append(response.json["entries"])
        if between:
            between(response.json["entries"])
        if cursor:
            assert response.json["next_offset"] is None  # offsets mean nothing once paging by cursor
        cursor = response.json["next_cursor"]
        if cursor is None:
            return pages
    raise AssertionError("paging never ended")


def test_approving_each_entry_while_paging_pending_ones_visits_all_60(client, u, staff):
    ids = _entries(staff.trainee, 60)
    headers = _bearer(staff.manager)
    path = u("lms.api.org_hours", org_slug="acme")

    def approve_all(entries):
        for entry in entries:
            answer = client.post(u("lms.api.approve_hours", org_slug="acme", entry_id=entry["id"]), headers=headers)
            assert answer.status_code == 200

    pages = _pages(client, path, headers, {"status": "pending", "person": staff.trainee.id, "limit": 10}, approve_all)
    seen = [entry["id"] for page in pages for entry in page]
    assert sorted(seen) == sorted(ids) and len(pages) == 6
    left = client.get(path, query_string={"status": "pending"}, headers=headers).json
    assert left["entries"] == [] and left["next_cursor"] is None


def test_an_entry_added_while_paging_never_repeats_another(client, u, staff):
    ids = _entries(staff.trainee, 60)
    headers = _bearer(staff.manager)
    added = []

    def add_an_earlier_one(_page):  # oldest activity first: this one sorts before everything already read
        if not added:
            added.extend(_entries(staff.colleague, 1, prefix="late"))

    pages = _pages(client, u("lms.api.org_hours", org_slug="acme"), headers, {"status": "all", "limit": 20},
                   add_an_earlier_one)
    seen = [entry["id"] for page in pages for entry in page]
    assert len(seen) == len(set(seen)) == 60 and set(seen) == set(ids)
    dates = [(entry["activity_date"], entry["id"]) for page in pages for entry in page]
    assert dates == sorted(dates)


def test_my_hours_page_newest_first_with_a_cursor(client, u, staff):
    ids = _entries(staff.trainee, 25)
    headers = _bearer(staff.trainee)
    path = u("lms.api.my_hours")

    submitted = []

    def submit_a_newer_one(_page):  # newest first: a later activity sorts before everything already read
        submitted.append(f"new-{len(submitted)}")
        response = client.post(path, json={"title": submitted[-1], "activity_date": "2026-03-01", "minutes": 15},
                               headers={**headers, "Idempotency-Key": submitted[-1]})
        assert response.status_code == 201

    pages = _pages(client, path, headers, {"limit": 10}, submit_a_newer_one)
    seen = [entry["id"] for page in pages for entry in page]
    assert len(seen) == len(set(seen)) == 25 and set(seen) == set(ids)
    keys = [(entry["activity_date"], entry["id"]) for page in pages for entry in page]
    assert keys == sorted(keys, reverse=True)


def test_offset_paging_still_works_and_says_where_the_cursor_is(client, u, staff):
    _entries(staff.trainee, 5)
    headers = _bearer(staff.trainee)
    first = client.get(u("lms.api.my_hours"), query_string={"limit": 2}, headers=headers).json
    assert first["next_offset"] == 2 and first["next_cursor"]
    second = client.get(u("lms.api.my_hours"), query_string={"limit": 2, "offset": 2}, headers=headers).json
    by_cursor = client.get(u("lms.api.my_hours"), query_string={"limit": 2, "cursor": first["next_cursor"]},
                           headers=headers).json
    assert [e["id"] for e in second["entries"]] == [e["id"] for e in by_cursor["entries"]]
    assert second["next_offset"] == 4 and by_cursor["next_offset"] is None and by_cursor["next_cursor"]
    last = client.get(u("lms.api.my_hours"), query_string={"limit": 2, "offset": 4}, headers=headers).json
    assert len(last["entries"]) == 1 and last["next_offset"] is None and last["next_cursor"] is None


def _b64(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


@pytest.mark.parametrize("cursor", [
    "!!!", "not-base64-at-all", _b64("nonsense"), _b64("[]"), _b64('["2026-01-05"]'), _b64('["yesterday", 3]'),
    _b64('["2026-01-05", 0]'), _b64('["2026-01-05", "3"]'), _b64('["2026-01-05", 1e3]'), _b64('["2026-01-05", true]'),
    _b64('["2026-01-05", 99999999999999]'), _b64('{"d": "2026-01-05", "i": 3}'), "A" * 5000, "é",
])
def test_a_bad_cursor_is_a_json_400(client, u, staff, cursor):
    headers = _bearer(staff.manager)
    for path in (u("lms.api.org_hours", org_slug="acme"), u("lms.api.my_hours")):
        response = client.get(path, query_string={"cursor": cursor}, headers=headers)
        assert response.status_code == 400, (path, cursor)
        assert response.json["error"]["code"] == "invalid_cursor" and "next_cursor" in response.json["error"]["message"]


def test_cursor_and_offset_together_are_refused_and_an_empty_cursor_is_the_first_page(client, u, staff):
    _entries(staff.trainee, 3)
    headers = _bearer(staff.trainee)
    first = client.get(u("lms.api.my_hours"), query_string={"cursor": "", "limit": 1}, headers=headers)
    assert first.status_code == 200 and len(first.json["entries"]) == 1 and first.json["next_cursor"]
    cursor = client.get(u("lms.api.my_hours"), query_string={"limit": 1}, headers=headers).json["next_cursor"]
    response = client.get(u("lms.api.my_hours"), query_string={"cursor": cursor, "offset": 1}, headers=headers)
    assert response.status_code == 400 and response.json["error"]["code"] == "invalid_cursor"


@pytest.mark.parametrize("limit", ["0", "00", "-1"])
def test_a_limit_below_one_is_refused_so_paging_cannot_loop(client, u, staff, limit):
    _entries(staff.trainee, 2)
    headers = _bearer(staff.manager)
    for path in (u("lms.api.org_hours", org_slug="acme"), u("lms.api.my_hours")):
        response = client.get(path, query_string={"limit": limit}, headers=headers)
        assert response.status_code == 400 and response.json["error"]["code"] == "invalid_parameter", (path, limit)


def test_a_limit_above_the_maximum_counts_as_the_maximum(client, u, staff):
    _entries(staff.trainee, 2)
    response = client.get(u("lms.api.my_hours"), query_string={"limit": "100000"}, headers=_bearer(staff.trainee))
    assert response.status_code == 200 and len(response.json["entries"]) == 2


def test_a_wrong_status_names_every_valid_value_including_all(client, u, staff):
    response = client.get(u("lms.api.org_hours", org_slug="acme"), query_string={"status": "nope"},
                          headers=_bearer(staff.manager))
    assert response.status_code == 400
    assert "pending, approved, rejected, withdrawn, all" in response.json["error"]["message"]
