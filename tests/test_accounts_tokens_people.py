"""The API tokens page (Post/Redirect/Get, the secret shown once) and the administrators' list of people (site role
and organisation roles, in a fixed number of queries)."""

from __future__ import annotations

import json
import re
import time
from datetime import date

from lms import db
from lms.accounts import api_tokens
from lms.accounts.models import SiteRole
from lms.orgs import employment
from lms.orgs.models import MemberRole

SECRET = re.compile(r"lms_[A-Za-z0-9_-]{20,}")


def _session_data(app, client) -> str:
    cookie = client.get_cookie(app.config["SESSION_COOKIE_NAME"], domain="lms.test")
    if cookie is None:
        return ""
    return json.dumps(app.session_interface.get_signing_serializer(app).loads(cookie.value))


def test_a_new_token_is_shown_once_after_a_redirect_and_reloading_creates_nothing(app, client, u, make_user, login):
    user = make_user()
    login(user)
    path = u("lms.accounts.tokens")
    posted = client.submit(path, {"name": "payroll script"})
    assert posted.status_code == 303 and posted.headers["Location"] == path
    assert not SECRET.search(posted.get_data(as_text=True))
    [token] = api_tokens.list_api_tokens(user)

    shown = client.get(path)
    assert shown.status_code == 200
    assert "no-store" in shown.headers["Cache-Control"]
    page = shown.get_data(as_text=True)
    assert "Copy it now: it will not be shown again." in page
    raw = SECRET.search(page).group(0)
    assert raw.startswith(token.prefix) and api_tokens.user_for_api_token(raw).id == user.id

    again = client.get(path)  # what a reload of the page sends now
    assert "no-store" in again.headers["Cache-Control"]
    assert raw not in again.get_data(as_text=True) and not SECRET.search(again.get_data(as_text=True))
    assert "payroll script" in again.get_data(as_text=True)
    assert len(api_tokens.list_api_tokens(user)) == 1


def test_the_secret_never_sits_readable_in_the_session_cookie(app, client, u, make_user, login):
    user = make_user()
    login(user)
    client.submit(u("lms.accounts.tokens"), {"name": "script"})
    waiting = _session_data(app, client)
    assert "lms_reveal_api_token" in waiting  # held, encrypted, until the next page
    raw = SECRET.search(client.get(u("lms.accounts.tokens")).get_data(as_text=True)).group(0)
    assert raw not in waiting and raw[4:] not in waiting
    assert "lms_reveal_api_token" not in _session_data(app, client)  # taken once, gone


def test_a_token_waiting_to_be_shown_is_not_shown_to_the_next_person_or_after_ten_minutes(
    app, client, u, make_user, login, monkeypatch
):
    first, second = make_user(), make_user()
    login(first)
    client.submit(u("lms.accounts.tokens"), {"name": "first's"})
    login(second)  # same browser, before the tokens page was shown
    page = client.get(u("lms.accounts.tokens")).get_data(as_text=True)
    assert not SECRET.search(page) and "first&#39;s" not in page

    client.submit(u("lms.accounts.tokens"), {"name": "late"})
    later = time.time() + 601
    monkeypatch.setattr(time, "time", lambda: later)
    assert not SECRET.search(client.get(u("lms.accounts.tokens")).get_data(as_text=True))


def test_a_token_form_with_no_name_creates_nothing(client, u, make_user, login):
    user = make_user()
    login(user)
    response = client.submit(u("lms.accounts.tokens"), {"name": ""})
    assert response.status_code == 200 and "This field is required." in response.get_data(as_text=True)
    assert api_tokens.list_api_tokens(user) == []


def _row_of(page: str, email: str) -> str:
    row = next((r for r in page.split("<tr>") if f"<td>{email}</td>" in r), None)
    assert row is not None, email
    return row.split("</tr>")[0]


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_people_list_shows_organisation_roles_beside_the_site_role(client, u, make_user, make_org, add_member, login):
    admin = make_user("root@example.org", name="Ada Admin", role=SiteRole.ADMIN)
    manager = make_user("mona@example.org", name="Mona Manager")
    trainer = make_user("tess@example.org", name="Tess Trainer", role=SiteRole.TRAINER)
    staff = make_user("sam@example.org", name="Sam Staff")
    former = make_user("fay@example.org", name="Fay Former")
    acme = make_org("acme", name="Acme Clinic", manager=manager)
    beta = make_org("beta", name="Beta Health", manager=trainer)
    add_member(acme, trainer)
    add_member(acme, staff)
    leaving = add_member(beta, former)
    employment.remove_member(leaving, admin, date(2026, 1, 31))
    db.session.commit()
    login(admin)

    page = client.get(u("lms.admin.users")).get_data(as_text=True)
    assert "Site role" in page
    mona = _row_of(page, manager.email)
    assert "Manager of Acme Clinic" in _text(mona)
    assert f'href="{u("lms.orgs.show", org_slug="acme")}"' in mona
    assert re.search(r'<option value="trainee" selected>', mona)  # still a trainee site-wide, and shown as such
    assert "Manager of Beta Health Staff member of Acme Clinic" in _text(_row_of(page, trainer.email))
    assert "Staff member of Acme Clinic" in _text(_row_of(page, staff.email))
    for email in (former.email, admin.email):
        assert "Manager of" not in _row_of(page, email) and "Staff member of" not in _row_of(page, email)


def test_people_list_runs_a_fixed_number_of_queries(client, u, make_user, make_org, add_member, login, count_queries):
    admin = make_user(role=SiteRole.ADMIN)
    make_org("first")
    login(admin)
    path = u("lms.admin.users")

    def measure() -> int:
        with count_queries() as queries:
            assert client.get(path).status_code == 200
        return queries.count

    before = measure()
    for n in range(6):
        org = make_org(f"org-{n}")
        add_member(org, make_user(), MemberRole.MANAGER if n % 2 else MemberRole.MEMBER)
        add_member(org, make_user())
    after = measure()
    assert "Manager of Org-5" in _text(client.get(path).get_data(as_text=True))
    assert after == before <= 4


def test_the_people_list_says_when_it_is_cut_and_search_narrows_it(client, u, make_user, login, monkeypatch):
    from lms.web import admin as admin_views

    monkeypatch.setattr(admin_views, "PAGE_SIZE", 3)  # the real page lists 100; three keeps the test small
    login(make_user("root@example.org", name="Zoe Root", role=SiteRole.ADMIN))
    for n in range(4):
        make_user(f"person{n}@example.org", name=f"Person {n}")
    page = _text(client.get(u("lms.admin.users")).get_data(as_text=True))
    assert "Only the first 3 people, by name, are listed." in page and "Person 3" not in page
    found = _text(client.get(u("lms.admin.users", q="person3")).get_data(as_text=True))
    assert "Person 3" in found and "Only the first" not in found
