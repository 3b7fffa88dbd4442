"""``GET /api/v1/orgs/<slug>/members``: ``id`` is the membership's id (kept for compatibility); ``user_id`` is the
person's id, the one hours entries, ``?person=`` and attendance use, so integrators can join on it."""

from __future__ import annotations

from datetime import date

from lms import db
from lms.accounts import api_tokens
from lms.hours import external_training


def test_members_carry_the_user_id_that_hours_use(client, u, make_user, make_org, add_member):
    manager = make_user("boss@example.org")
    org = make_org("acme", manager=manager)
    make_user("padding@example.org")  # so user ids and membership ids differ
    trainee = make_user("tina@example.org", name="Tina Trainee")
    membership = add_member(org, trainee, employment_start=date(2025, 1, 1))
    external_training.submit_external(trainee, external_training.ExternalTraining(title="Workshop", activity_date=date(2026, 3, 10),
                                                                                  minutes=60), "k1")
    _token, raw = api_tokens.create_api_token(manager, "script")
    db.session.commit()
    bearer = {"Authorization": f"Bearer {raw}"}
    assert membership.id != trainee.id
    members = client.get(u("lms.api.org_members", org_slug="acme"), headers=bearer).json["members"]
    tina = next(m for m in members if m["email"] == "tina@example.org")
    assert (tina["id"], tina["user_id"]) == (membership.id, trainee.id)
    hours = client.get(u("lms.api.org_hours", org_slug="acme", person=tina["user_id"]), headers=bearer).json
    assert [e["user_id"] for e in hours["entries"]] == [tina["user_id"]]


def test_the_schema_says_what_each_id_is(client, u):
    item = client.get(u("lms.api.openapi")).json["components"]["schemas"]["Members"]["properties"]["members"]["items"]
    assert "user_id" in item["required"]
    assert "membership" in item["properties"]["id"]["description"]
    assert "person=" in item["properties"]["user_id"]["description"]
