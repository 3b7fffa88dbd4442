"""A tick box's label is a sentence, and its problem says which box to tick: the error summary links to the box with
the problem alone, not "<the whole sentence>: <problem>" (templates/lms/_forms.html). A form may give any field a short
name for its problems instead (``error_name``), or none at all."""

from __future__ import annotations

import re
from html import unescape

import pytest
from flask import render_template_string
from wtforms import BooleanField, Form, StringField

from lms import db
from lms.orgs import invitations
from lms.orgs import services as orgs
from lms.web.live.attendance_forms import FinalizeForm
from tests.conftest import PASSWORD
from tests.invitation_support import invitation_link, invite_to_staff

LINK = re.compile(r'<a href="#([^"]+)">([^<]*)</a>')
SENTENCE = "I agree that my training records are kept and shared with my employer."
TO_JOIN = "To join, tick the box to agree that your training records are kept and shared with your employer."


def _links(page: str) -> list[tuple[str, str]]:
    match = re.search(r'<div class="error-summary" role="alert"[^>]*>(.*?)</div>', page, re.S)
    assert match, "no error summary"
    return [(target, " ".join(text.split())) for target, text in LINK.findall(unescape(match.group(1)))]


def _inline_error(page: str, field_id: str) -> str:
    match = re.search(rf'<p class="error" id="{field_id}-error">(.*?)</p>', unescape(page), re.S)
    assert match, f"no error at {field_id}"
    return match.group(1)


def test_accepting_an_invitation_without_the_tick_shows_the_problem_alone(app, u, make_user, make_org, client_as):
    boss = make_user("boss@example.org")
    org = make_org("acme", manager=boss)
    rosa = make_user("rosa@example.org", name="Rosa Díaz")
    _invitation, raw = invitations.invite(org, rosa.email, None, orgs.Employment(), boss, 14)
    db.session.commit()
    browser = client_as(rosa)
    path = u("lms.orgs.accept", token=raw)
    refused = browser.submit(path, {"csrf_token": browser.csrf_token(path)})
    assert refused.status_code == 400
    assert _links(refused.text) == [("agree", TO_JOIN)]
    assert f"{SENTENCE}:" not in unescape(refused.text)
    assert _inline_error(refused.text, "agree") == TO_JOIN


def test_a_new_account_accepting_without_the_tick_shows_the_problem_alone(app, u, make_user, make_org, login, client,
                                                                          mailbox):
    message = invite_to_staff(client, u, make_user, make_org, login, mailbox, "new@example.org")
    newcomer, path = app.test_client(), invitation_link(message)
    refused = newcomer.submit(path, {"name": "Nueva Persona", "password": PASSWORD, "confirm": PASSWORD,
                                     "csrf_token": newcomer.csrf_token(path)})
    assert ("agree", TO_JOIN) in _links(refused.text) and f"{SENTENCE}:" not in unescape(refused.text)


def test_signing_up_without_the_tick_says_what_to_do_without_the_sentence(client, u):
    response = client.submit(u("lms.accounts.signup"), {"name": "Ana", "email": "ana@example.org",
                                                       "password": PASSWORD, "confirm": PASSWORD})
    assert ("agree", "To create your account, tick the box to agree that your training records are kept and shared "
                     "with your employer.") in _links(response.text)
    assert f"{SENTENCE}:" not in unescape(response.text)


def _summary_of(app, form) -> list[tuple[str, str]]:
    with app.test_request_context():
        html = render_template_string('{% from "lms/_forms.html" import form_errors %}{{ form_errors(form) }}',
                                      form=form)
    return _links(html)


def test_finalising_attendance_without_the_tick_shows_the_problem_alone(app):
    with app.test_request_context(method="POST", data={}):
        form = FinalizeForm(meta={"csrf": False})
        form.validate()
    assert _summary_of(app, form) == [
        ("confirm", "Tick the box to confirm that you checked the roster before it is made final.")]


class _Named(Form):
    notes = StringField("Anything the trainer should know before the session, in a few words of your own")
    keep = BooleanField("Keep my answers for next time")
    plain = StringField("City")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.notes.error_name = "Notes"
        self.keep.error_name = "Keep answers"


@pytest.mark.parametrize("field, expected", [
    ("notes", "Notes: Too long."),  # a short name for a long label
    ("keep", "Keep answers: Too long."),  # a tick box given a name shows it
    ("plain", "City: Too long."),  # any other field: its label
])
def test_a_form_may_name_a_field_for_its_problems(app, field, expected):
    form = _Named()
    form[field].errors = ["Too long."]
    assert _summary_of(app, form) == [(field, expected)]
