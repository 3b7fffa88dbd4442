"""The invitation limits (``LMS_INVITATION_LIMIT_PER_ORG``, ``LMS_INVITATION_LIMIT_PER_USER``) count people invited,
not requests: a roster file counts every invitation it emails, and one that would go over what is left changes and
sends nothing, saying how many can still be invited and from when (``lms.web.org_limits.spend_invitations``). The
counters are Flask-Limiter's, so workers sharing Redis share them. (The API cannot invite: nothing to limit there.)"""

from __future__ import annotations

import re
from datetime import date
from io import BytesIO
from typing import Any

import pytest
from flask import url_for
from sqlalchemy import func, select

from lms import db
from lms.orgs.models import Invitation, MemberRole
from tests.invitation_support import sign_in_acme_manager

OVER = "Nothing was imported and no invitation was sent: this file would send {n} invitations."
NONE_LEFT = "The site's limits allow no more invitations for now; more can be sent from "


def left(n: int) -> str:
    return f"The site's limits allow {n} more invitation{'s' if n != 1 else ''} for now, and more from "


def roster(client, u, org: str, emails: list[str]) -> Any:
    body = "email,name\n" + "".join(f"{e},{e.split('@')[0].title()}\n" for e in emails)
    return client.submit(u("lms.orgs.roster_import", org_slug=org), {"file": (BytesIO(body.encode()), "r.csv")},
                         content_type="multipart/form-data")


def invite(client, u, org: str, email: str) -> Any:
    return client.submit(u("lms.orgs.invite", org_slug=org), {"email": email, "name": "Someone",
                                                              "employment_type": "employee", "role": "member"})


def people(n: int, start: int = 0) -> list[str]:
    return [f"p{i}@example.org" for i in range(start, start + n)]


def text(response) -> str:
    return re.sub(r"\s+", " ", response.get_data(as_text=True).replace("&#39;", "'"))


def invitations() -> int:
    return db.session.execute(select(func.count()).select_from(Invitation)).scalar_one()


@pytest.fixture
def manager(make_user, make_org, login):
    return sign_in_acme_manager(make_user, make_org, login)


@pytest.mark.parametrize("app_config", [{"LMS_INVITATION_LIMIT_PER_ORG": "3 per day"}])
def test_a_roster_file_counts_each_person_it_invites(client, u, manager, mailbox, app_config):
    assert roster(client, u, "acme", people(2)).status_code == 302
    assert invite(client, u, "acme", "one@example.org").status_code == 302
    refused = invite(client, u, "acme", "two@example.org")  # 2 + 1 = 3: the file counted twice, not once
    assert refused.status_code == 429 and len(mailbox) == 3


@pytest.mark.parametrize("app_config", [{"LMS_INVITATION_LIMIT_PER_ORG": "3 per day"}])
def test_a_file_over_what_is_left_changes_and_sends_nothing_and_says_how_many_and_when(client, u, manager, mailbox,
                                                                                        app_config):
    assert invite(client, u, "acme", "one@example.org").status_code == 302
    refused = roster(client, u, "acme", people(3))
    page = text(refused)
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0
    assert OVER.format(n=3) in page and left(2) in page and "Split the file, or import it again then." in page
    assert re.search(re.escape(left(2)) + r"[A-Z][a-z]{2} \d{1,2}, \d{4}, \d{1,2}:\d\d", page)  # a date and time
    assert 'type="file"' in page  # the form, to upload a smaller file
    assert invitations() == 1 and len(mailbox) == 1
    # Nothing was counted by the refusal: a file of two goes through, then nothing is left.
    assert roster(client, u, "acme", people(2)).status_code == 302 and len(mailbox) == 3
    refused = roster(client, u, "acme", people(1, start=10))
    assert refused.status_code == 429 and NONE_LEFT in text(refused) and invitations() == 3


@pytest.mark.parametrize("app_config", [{"LMS_INVITATION_LIMIT_PER_ORG": "1 per day"}])
def test_a_file_that_invites_nobody_goes_through_when_nothing_is_left(client, u, manager, make_user, add_member,
                                                                      mailbox, app_config):
    """Current staff only, and open invitations the file leaves as they are: no email, nothing counted."""
    from lms.orgs.services import get_org

    add_member(get_org("acme"), make_user("staff@example.org"))
    assert roster(client, u, "acme", ["kept@example.org"]).status_code == 302  # the one invitation left
    again = roster(client, u, "acme", ["staff@example.org", "kept@example.org"])
    assert again.status_code == 302 and len(mailbox) == 1 and invitations() == 1


@pytest.mark.parametrize("app_config", [{"LMS_INVITATION_LIMIT_PER_USER": "2 per hour"}])
def test_the_per_person_limit_counts_people_across_organisations(client, u, manager, make_org, add_member,
                                                                 mailbox, app_config):
    other = make_org("other")
    add_member(other, manager, MemberRole.MANAGER)
    refused = roster(client, u, "other", people(3))
    assert refused.status_code == 429 and left(2) in text(refused) and OVER.format(n=3) in text(refused)
    assert roster(client, u, "other", people(2)).status_code == 302
    refused = roster(client, u, "acme", people(1, start=5))
    assert refused.status_code == 429 and NONE_LEFT in text(refused)
    assert invite(client, u, "acme", "x@example.org").status_code == 429  # refused before the form is read
    assert len(mailbox) == 2


@pytest.mark.parametrize("app_config", [{"LMS_INVITATION_LIMIT_PER_ORG": "2 per day"}])
def test_sending_again_counts_one_and_is_refused_when_nothing_is_left(client, u, manager, mailbox, app_config):
    assert roster(client, u, "acme", people(2)).status_code == 302
    first = db.session.execute(select(Invitation).order_by(Invitation.id)).scalars().first()
    resend = client.submit(u("lms.orgs.resend_invitation", org_slug="acme", invitation_id=first.id))
    assert resend.status_code == 429 and len(mailbox) == 2 and invitations() == 2


# ---------------------------------------------------------------- the counters themselves


@pytest.mark.parametrize("app_config", [{"LMS_RATELIMIT_ENABLED": True}])
def test_spend_counts_all_or_nothing_on_each_counter(app, app_config):
    from lms.limiter import Counter, allowance, spend

    small, big = Counter("3 per day", "test-scope", "k:small"), Counter("10 per day; 5 per hour", "test-scope", "k:big")
    with app.test_request_context():
        assert spend([small], 2) and allowance([small]).left == 1
        assert not spend([small], 2) and allowance([small]).left == 1  # refused: nothing counted
        assert allowance([small, big]).left == 1 and allowance([big]).left == 5  # the least, of every limit
        assert not spend([small, big], 2) and allowance([big]).left == 5  # the first refused: the next untouched
        assert spend([big, small], 1) and allowance([small, big]).left == 0
        assert allowance([small]).more_at is not None


@pytest.mark.parametrize("app_config", [{"RATELIMIT_ENABLED": False}])
def test_with_limits_off_nothing_is_counted_or_refused(client, u, manager, mailbox, app_config):
    assert roster(client, u, "acme", people(5)).status_code == 302 and len(mailbox) == 5


# ---------------------------------------------------------------- two workers, one Redis


@pytest.fixture
def two_workers(database_url, tmp_path):
    """Two applications, as two gunicorn workers, on one database and one Redis (a server of the test's own)."""
    from tests.conftest import _free_port
    from tests.test_deploy_qa_fixes_b import _app, _close, _start_redis

    port = _free_port()
    process = _start_redis(port)
    config = {"REDIS_URL": f"redis://127.0.0.1:{port}/0", "LMS_INVITATION_LIMIT_PER_ORG": "3 per day"}
    workers = [_app(database_url, tmp_path / f"worker{n}", **config) for n in (1, 2)]
    try:
        yield workers
    finally:
        for worker in reversed(workers):
            _close(worker)
        process.terminate()
        process.wait(10)


def test_workers_sharing_redis_share_the_allowance(two_workers, mailbox):
    from lms.accounts import services as accounts
    from lms.orgs import services as orgs
    from lms.orgs.services import OrgSettings
    from tests.conftest import PASSWORD

    first, _second = two_workers
    with first.app_context():  # the test's own (the clients expire its session after each request)
        boss = accounts.register_user("boss@example.org", "Bea Boss", PASSWORD)
        orgs.create_org("acme", OrgSettings(name="Acme", pay_period_anchor=date(2026, 1, 5)), boss)
        db.session.commit()
        clients = [worker.test_client() for worker in two_workers]
        for client in clients:
            assert client.submit("/login", {"email": "boss@example.org", "password": PASSWORD}).status_code == 302

        def paths(endpoint: str, **values: Any) -> str:
            with first.test_request_context():
                return url_for(endpoint, **values)

        assert roster(clients[0], paths, "acme", people(2)).status_code == 302
        refused = roster(clients[1], paths, "acme", people(2, start=5))
        assert refused.status_code == 429 and left(1) in text(refused)
        assert invite(clients[1], paths, "acme", "last@example.org").status_code == 302
        assert invite(clients[0], paths, "acme", "late@example.org").status_code == 429
    assert len(mailbox) == 3
