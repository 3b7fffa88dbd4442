"""What a Spanish trainee read in the QA pass: an invitation to her existing account in her language only, My hours
summary counting own records apart from what awaits approval (as My hours does), and the home page's
continuing-education line in plain words, saying why the year's requirement is a share of the full one."""

from __future__ import annotations

import re
from datetime import date
from html import unescape

from lms import db
from lms.hours import periods
from lms.hours.models import EntryStatus
from tests.conftest import body_of, html_text
from tests.hours_reports_helpers import add_entry


def _invite(client, u, login, boss, email: str) -> None:
    login(boss)
    client.submit(u("lms.orgs.invite", org_slug="acme"), {"email": email, "employment_type": "employee",
                                                          "role": "member"})


def test_an_invitation_to_a_spanish_account_is_in_spanish_only(app, client, u, login, make_user, make_org, mailbox):
    boss = make_user("boss@example.org", name="Bea Boss", locale="en")
    make_org("acme", manager=boss, name="Acme Clinic")
    make_user("rosa@example.org", name="Rosa Ruiz", locale="es")
    _invite(client, u, login, boss, "rosa@example.org")
    [message] = mailbox
    body = body_of(message)
    assert "Invitación para unirse" in message["Subject"] and "You are invited" not in message["Subject"]
    assert "-----" not in body and "invited you to join" not in body and "Hello" not in body
    assert "Acme Clinic" in body and "La invitación vence en 14 días." in body


def test_an_invitation_to_an_unknown_address_stays_in_every_language(app, client, u, login, make_user, make_org,
                                                                     mailbox):
    boss = make_user("boss@example.org", name="Bea Boss", locale="en")
    make_org("acme", manager=boss, name="Acme Clinic")
    _invite(client, u, login, boss, "nobody@example.org")
    [message] = mailbox
    body = body_of(message)
    assert " / " in message["Subject"] and "-----" in body
    assert "invited you to join" in body and "La invitación vence en 14 días." in body


def test_the_summary_counts_own_records_apart_from_what_awaits_approval(app, client, u, login, make_user, make_org,
                                                                        add_member):
    org = make_org("acme", name="Acme Clinic")
    rosa = make_user("rosa@example.org", name="Rosa Ruiz", locale="en")
    add_member(org, rosa, employment_start=date(2026, 12, 5))
    add_entry(rosa, None, date(2026, 11, 2), 35 * 60, status=EntryStatus.PENDING, title="Before any employer")
    add_entry(rosa, org, date(2026, 12, 6), 60, status=EntryStatus.PENDING, title="Waiting")
    db.session.commit()
    login(rosa)
    lead = html_text(client.get(u("lms.hours.my_summary")).text)
    assert "1 hour awaiting approval" in lead and "35 hours awaiting approval" not in lead
    assert "35 hours in your own records only (no organisation reviews them)" in lead
    mine = html_text(client.get(u("lms.hours.mine")).text)
    assert "Waiting for review: 1 hour." in mine and "(no organisation reviews them): 35 hours" in mine


def _ce_line(client, u) -> str:
    html = client.get(u("lms.main.home")).get_data(as_text=True)
    section = html.split('id="ce-heading"')[1].split("</section>")[0]
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", section)))


def test_the_home_page_ce_line_reads_naturally_and_says_why_it_is_pro_rated(app, client, u, login, make_user,
                                                                            make_org, add_member, monkeypatch):
    monkeypatch.setattr(periods, "org_today", lambda org: date(2026, 12, 7))
    org = make_org("valley", name="Valley Clinic")
    rosa = make_user("rosa@example.org", name="Rosa Ruiz", locale="en")
    add_member(org, rosa, employment_start=date(2026, 12, 1))
    add_entry(rosa, org, date(2026, 12, 3), 774, paid=date(2026, 11, 30))
    db.session.commit()
    login(rosa)
    line = _ce_line(client, u)
    assert "Valley Clinic · Complete · 12 hours 54 minutes done; required this year: 31 minutes" in line
    assert "(a share of the full year's hours, as you started on Dec 1, 2026)" in line
    assert "still needed" not in line.lower() and "None" not in line and " of 31 minutes" not in line
