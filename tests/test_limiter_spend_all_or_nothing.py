"""``lms.limiter.spend`` counts on every counter or on none: when a later counter refuses (another request took its
last hits between the check and the spend), what the earlier ones took is given back, in memory and in Redis."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask

from lms.limiter import Counter, allowance, spend
from tests.invitation_support import sign_in_acme_manager

SENDER, ORG = Counter("5 per day", "test-scope", "k:sender"), Counter("3 per day; 2 per hour", "test-scope", "k:org")


def _refused_then_given_back() -> None:
    assert spend([ORG], 2) and allowance([ORG]).left == 0  # the organisation's hour is used up
    assert not spend([SENDER, ORG], 1)  # the sender's counter takes its hit, the organisation's refuses
    assert allowance([SENDER]).left == 5  # given back: the refusal cost the sender nothing
    assert allowance([Counter("3 per day", ORG.scope, ORG.key)]).left == 1  # nor the day's limit, whose hour refused
    assert spend([SENDER], 5) and allowance([SENDER]).left == 0  # all of it is still there


@pytest.mark.parametrize("app_config", [{"LMS_RATELIMIT_ENABLED": True}])
def test_a_later_counter_refusing_gives_back_what_the_earlier_ones_took_in_memory(app, app_config):
    with app.test_request_context():
        _refused_then_given_back()


@pytest.fixture
def redis_app(database_url, tmp_path) -> Iterator[Flask]:
    from tests.conftest import _free_port
    from tests.test_deploy_qa_fixes_b import _app, _close, _start_redis

    port = _free_port()
    process = _start_redis(port)
    app = _app(database_url, tmp_path / "redis", REDIS_URL=f"redis://127.0.0.1:{port}/0", LMS_RATELIMIT_ENABLED=True)
    try:
        yield app
    finally:
        _close(app)
        process.terminate()
        process.wait(10)


def test_a_later_counter_refusing_gives_back_what_the_earlier_ones_took_in_redis(redis_app):
    from lms.limiter import limiter_for

    with redis_app.test_request_context():
        assert type(limiter_for(redis_app).limiter.storage).__name__ == "RedisStorage"
        _refused_then_given_back()


@pytest.mark.parametrize("app_config", [{"LMS_INVITATION_LIMIT_PER_ORG": "5 per day",
                                         "LMS_INVITATION_LIMIT_PER_USER": "4 per day"}])
def test_an_invitation_refused_by_a_race_on_the_organisation_costs_the_sender_nothing(
        client, u, make_user, make_org, login, add_member, mailbox, monkeypatch, app_config):
    """Another manager of the organisation takes its last invitations between the check and the spend."""
    from lms.orgs.models import MemberRole
    from lms.web import org_limits

    boss = sign_in_acme_manager(make_user, make_org, login)
    real_spend = org_limits.spend

    def raced(counters: list[Counter], cost: int) -> bool:
        org = next(c for c in counters if c.scope == org_limits.ORG_SCOPE)
        assert spend([org], 5)  # the other manager's five invitations
        return real_spend(counters, cost)

    monkeypatch.setattr(org_limits, "spend", raced)
    form = {"email": "one@example.org", "name": "One", "employment_type": "employee", "role": "member"}
    assert client.submit(u("lms.orgs.invite", org_slug="acme"), form).status_code == 429
    monkeypatch.undo()
    assert mailbox == []
    # Bea's own four are all left: in another organisation she can still invite four people.
    other = make_org("other")
    add_member(other, boss, MemberRole.MANAGER)
    for n in range(4):
        form = {"email": f"p{n}@example.org", "name": "P", "employment_type": "employee", "role": "member"}
        assert client.submit(u("lms.orgs.invite", org_slug="other"), form).status_code == 302
    assert len(mailbox) == 4
