"""QA re-check fixes: a 429 a view answers itself keeps its own ``Retry-After`` (``lms.limiter``); the approval
queue's date filters; focus after a refused "Reject selected" and on ``/tokens#new-token``; token names in the
tokens page's links and buttons."""

from __future__ import annotations

import re
from io import BytesIO
from typing import Any

import pytest

from tests.invitation_support import sign_in_acme_manager


def roster(client, u, org: str, emails: list[str]) -> Any:
    body = "email,name\n" + "".join(f"{e},{e.split('@')[0].title()}\n" for e in emails)
    return client.submit(u("lms.orgs.roster_import", org_slug=org), {"file": (BytesIO(body.encode()), "r.csv")},
                         content_type="multipart/form-data")


@pytest.fixture
def manager(make_user, make_org, login):
    return sign_in_acme_manager(make_user, make_org, login)


@pytest.mark.parametrize("app_config", [{"LMS_INVITATION_LIMIT_PER_ORG": "2 per hour",
                                         "LMS_ROSTER_IMPORT_LIMIT": "10 per day"}])
def test_a_roster_file_refused_by_the_invitation_limit_says_that_limits_wait(client, u, manager, mailbox,
                                                                             app_config):
    refused = roster(client, u, "acme", [f"p{i}@example.org" for i in range(3)])
    assert refused.status_code == 429
    assert 0 < int(refused.headers["Retry-After"]) <= 3600  # the hour of the invitations, not the roster's day
    assert not [name for name, _value in refused.headers.items() if name.lower().startswith("x-ratelimit-")]
    assert refused.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize("app_config", [{"LMS_ROSTER_IMPORT_LIMIT": "1 per day"}])
def test_a_roster_file_refused_by_the_roster_limit_still_says_that_limit(client, u, manager, mailbox, app_config):
    assert roster(client, u, "acme", ["a@example.org"]).status_code == 302
    refused = roster(client, u, "acme", ["b@example.org"])
    assert refused.status_code == 429
    assert int(refused.headers["Retry-After"]) > 3600 and refused.headers["X-RateLimit-Limit"] == "1"


# ---------------------------------------------------------------- the approval queue's date filters


@pytest.fixture
def staff(make_user, make_org, add_member):
    from tests.test_hours_ledger import make_staff

    return make_staff(make_user, make_org, add_member)


def _notes(html: str) -> list[str]:
    box = re.search(r'<div class="notice" role="status" id="address-notes">(.*?)</div>', html, re.S)
    return re.findall(r"<p>(.*?)</p>", box.group(1), re.S) if box else []


def test_to_before_from_is_a_page_with_the_message_tied_to_the_to_box(client, u, login, staff):
    login(staff.manager)
    response = client.get(u("lms.hours.queue", org_slug="acme", **{"from": "2026-12-06", "to": "2026-11-01"}))
    html = response.get_data(as_text=True)
    assert response.status_code == 200  # as with a date that is not one: the page, saying what is wrong
    assert _notes(html) == ["“From” (December 6, 2026) is after “To” (November 1, 2026), so no entry can match. Swap "
                            "the two dates to see the entries between them."]
    to_box = re.search(r'<input id="f-to"[^>]*>', html).group(0)
    assert 'type="date"' in to_box and 'value="2026-11-01"' in to_box
    assert 'aria-invalid="true"' in to_box and 'aria-describedby="f-to-error"' in to_box
    assert re.search(r'<p class="error" id="f-to-error">This date is before “From”, so no entry can match.</p>', html)
    from_box = re.search(r'<input id="f-from"[^>]*>', html).group(0)
    assert "aria-invalid" not in from_box and 'value="2026-12-06"' in from_box


@pytest.mark.parametrize("typed", ["abc", "2026-13-45"])
def test_every_date_that_is_not_one_is_said_above_and_beside_its_box(client, u, login, staff, typed):
    login(staff.manager)
    response = client.get(u("lms.hours.queue", org_slug="acme", **{"from": typed, "to": "2026-12-01"}))
    html = response.get_data(as_text=True)
    problem = re.search(r'<p class="error" id="f-from-error">(.*?)</p>', html).group(1)
    assert response.status_code == 200 and _notes(html) == [f"From: {problem} This filter was left out."]


# ---------------------------------------------------------------- focus where the page is sent


def test_a_refused_bulk_decision_opens_the_page_on_its_focusable_error_summary(client, u, login, staff):
    from tests import bulk_forms
    from tests.test_hours_ledger import external

    entry = external(staff.trainee, title="CPR refresher")
    login(staff.manager)
    html = client.submit(u("lms.hours.bulk_decide", org_slug="acme"),
                         {"action": "reject", "reason": "", **bulk_forms.entries(entry.id)}).get_data(as_text=True)
    summary = re.search(r'<div class="error-summary"[^>]*>', html).group(0)
    assert 'id="queue-problems"' in summary and 'tabindex="-1"' in summary
    form = re.search(r'<form method="post" action="([^"]*)"', html.split('id="queue-problems"', 1)[1]).group(1)
    assert form.endswith("#queue-problems")  # the answer to the form opens on the summary, without a script


# ---------------------------------------------------------------- the tokens page: names in links and buttons


def _token(user, name: str, days: int):
    from datetime import timedelta

    from lms import db
    from lms.accounts import api_tokens
    from lms.db import utcnow

    token, _raw = api_tokens.create_api_token(user, name, expires_in_days=30)
    token.expires_at = utcnow() + timedelta(days=days)
    db.session.commit()
    return token


def test_each_tokens_link_and_button_names_its_token_after_the_visible_words(client, u, make_user, login):
    user = make_user()
    soon, old = _token(user, "payroll <import>", 5), _token(user, "old report", 60)
    login(user)
    page = client.get(u("lms.accounts.tokens")).get_data(as_text=True)
    replace = re.search(rf'<a href="[^"]*replace={soon.id}#new-token"[^>]*>(.*?)</a>', page, re.S).group(1)
    assert replace == 'Create a replacement<span class="visually-hidden"> for payroll &lt;import&gt;</span>'
    for token in (soon, old):
        revoke = re.search(rf'action="/tokens/{token.id}/revoke"[^>]*>.*?<button[^>]*>(.*?)</button>', page, re.S)
        assert revoke.group(1) == f'Revoke<span class="visually-hidden"> {token.name.replace("<", "&lt;").replace(">", "&gt;")}</span>'
    heading = re.search(r'<h2 id="new-token"[^>]*>', page).group(0)
    assert 'tabindex="-1"' in heading  # "Create a replacement" (#new-token) moves the focus to it
