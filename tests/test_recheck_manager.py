"""Re-check of the manager's pages: an entry dated after the person's employment ended is marked on its own page too
(no Approve offered there), "Approve all N listed" counts only the entries it can approve, and the "Form expired" page
promises nothing it cannot keep (and a stale sign-in form of someone signed in now just takes them on)."""

from __future__ import annotations

from datetime import date

from lms import db
from lms.hours.models import EntryStatus, HoursEntry

# the same person, employers and helpers as the employment-end tests
from tests.conftest import html_text
from tests.test_hours_employment_end import LAST_DAY, _end, _log, world  # noqa: F401  (fixture)


def test_the_entry_page_marks_an_entry_dated_after_the_end_and_offers_only_reject(world, client, u, login):  # noqa: F811
    clinic, _county, boss, ana, membership = world
    late = _log(ana, clinic, date(2026, 11, 25), "late")
    inside = _log(ana, clinic, date(2026, 11, 2), "inside")
    _end(boss, membership)
    login(boss)
    html = client.get(u("lms.hours.review", org_slug="acme", entry_id=late.id)).get_data(as_text=True)
    page = html_text(html)
    assert "Dated after employment ended" in page
    assert ("Ana Reyes was not on your staff on Nov 25, 2026, the date of this entry, so it cannot be approved here. "
            "Send it back (reject it) with a reason") in page
    assert u("lms.hours.approve", org_slug="acme", entry_id=late.id) not in html and ">Approve<" not in html
    assert u("lms.hours.reject", org_slug="acme", entry_id=late.id) in html
    # an entry inside her employment keeps both buttons and no mark
    other = client.get(u("lms.hours.review", org_slug="acme", entry_id=inside.id)).get_data(as_text=True)
    assert u("lms.hours.approve", org_slug="acme", entry_id=inside.id) in other
    assert "Dated after employment ended" not in other and "was not on your staff" not in other
    # sending it back from its page works
    response = client.submit(u("lms.hours.reject", org_slug="acme", entry_id=late.id),
                             {"reason": "Log it for the organisation you worked for then."}, follow_redirects=True)
    assert "Rejected." in html_text(response.get_data(as_text=True))
    assert db.session.get(HoursEntry, late.id).status is EntryStatus.REJECTED
    decided = html_text(client.get(u("lms.hours.review", org_slug="acme", entry_id=late.id)).get_data(as_text=True))
    assert "Dated after employment ended" not in decided  # only pending entries are marked


def test_approve_all_counts_only_the_approvable_entries(world, client, u, login):  # noqa: F811
    clinic, _county, boss, ana, membership = world
    late = _log(ana, clinic, date(2026, 11, 25), "late")
    inside = [_log(ana, clinic, date(2026, 11, day), f"in-{day}") for day in (2, 3, 4)]
    _end(boss, membership)
    login(boss)
    page = html_text(client.get(u("lms.hours.queue", org_slug="acme")).get_data(as_text=True))
    assert "Approve all 3 listed" in page and "Approve all 4 listed" not in page
    assert "Approves the 3 entries awaiting approval listed above" in page
    assert "Entries dated outside employment here are left out: send them back instead." in page
    listed = " ".join(str(e.id) for e in [*inside, late])
    response = client.submit(u("lms.hours.bulk_decide", org_slug="acme"),
                             {"action": "approve_listed", "listed": listed}, follow_redirects=True)
    after = html_text(response.get_data(as_text=True))
    assert "3 entries approved." in after and "skipped" not in after
    assert [db.session.get(HoursEntry, e.id).status for e in inside] == [EntryStatus.APPROVED] * 3
    assert db.session.get(HoursEntry, late.id).status is EntryStatus.PENDING
    # only the marked entry is left: no "Approve all" at all, but it can still be ticked and sent back
    html = client.get(u("lms.hours.queue", org_slug="acme")).get_data(as_text=True)
    assert 'value="approve_listed"' not in html and "approve-listed-help" not in html
    assert f'name="entry-{late.id}"' in html


def test_approve_all_is_hidden_when_none_is_approvable(world, client, u, login):  # noqa: F811
    clinic, _county, boss, ana, membership = world
    _log(ana, clinic, date(2026, 11, 25), "late")
    _log(ana, clinic, date(2026, 11, 26), "later")
    _end(boss, membership)
    login(boss)
    html = client.get(u("lms.hours.queue", org_slug="acme")).get_data(as_text=True)
    assert html_text(html).count("Dated after employment ended") == 3  # the legend and both rows
    assert 'value="approve_listed"' not in html and "Approve all" not in html


# ---------------------------------------------------------------- "Form expired"


def test_the_form_expired_page_does_not_promise_typed_text_is_kept(app, client, u, make_user, login):
    login(make_user())
    path = u("lms.accounts.profile")
    response = client.post(path, data={"csrf_token": "forged", "name": "X"},
                           headers={"Referer": f"http://{app.config['SERVER_NAME']}{path}"})
    page = html_text(response.get_data(as_text=True))
    assert response.status_code == 400 and "Form expired" in page
    assert "the form usually still shows it there" in page and "still there" not in page


def test_a_sign_in_form_from_a_second_tab_takes_a_signed_in_person_on(app, client, u, make_user, login):
    ana = make_user("ana@example.org")
    path = u("lms.accounts.login")
    stale = client.csrf_token(path)  # the second tab's sign-in form, opened while signed out
    login(ana)  # signed in from the first tab: the second tab's token is no longer valid
    here = f"http://{app.config['SERVER_NAME']}"
    target = u("lms.accounts.profile")
    response = client.post(path, data={"csrf_token": stale, "email": ana.email, "password": "whatever",
                                       "next": target}, headers={"Origin": here})
    assert response.status_code == 302 and response.headers["Location"].endswith(target)
    assert "You are signed in." in html_text(client.get(target).get_data(as_text=True))
    # no next (or one leading off the site): home
    home = client.post(path, data={"csrf_token": stale, "next": "//evil.example/"}, headers={"Referer": here + path})
    assert home.status_code == 302 and home.headers["Location"].endswith(u("lms.main.home"))
    # sent from another site, or with no sign of where from: still refused, nothing said about signing in
    for headers in ({"Origin": "https://evil.example"}, {}):
        refused = client.post(path, data={"csrf_token": stale, "next": target}, headers=headers)
        assert refused.status_code == 400 and "Form expired" in refused.get_data(as_text=True)


def test_a_stale_sign_in_form_of_someone_signed_out_is_still_refused(app, client, u, make_user, login):
    ana = make_user("ana@example.org")
    path = u("lms.accounts.login")
    login(ana)
    stale = client.csrf_token(path)
    client.submit(u("lms.accounts.logout"))
    response = client.post(path, data={"csrf_token": stale, "email": ana.email, "password": "x"},
                           headers={"Origin": f"http://{app.config['SERVER_NAME']}"})
    assert response.status_code == 400 and "Form expired" in response.get_data(as_text=True)
