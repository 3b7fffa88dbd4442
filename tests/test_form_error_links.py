"""Error summaries lead to the fields they are about: after a failed submit, each problem with a field is a link to
that field's box (a keyboard user follows it instead of tabbing through the header); a problem with no box of its
own (the form's, a hidden field's) stays plain text. The roster import's row problems describe its file box, which is
marked invalid and offers only the files the import reads; a quiz sent with questions unanswered links to the first."""

from __future__ import annotations

import io
import re
from html import unescape

import pytest
from flask import render_template_string
from wtforms import Form, HiddenField, StringField

from tests.test_learning import answers, build_course, quiz_url

LINK = re.compile(r'<a href="#([^"]+)">([^<]*)</a>')


def _summary(page: str) -> str:
    match = re.search(r'<div class="error-summary" role="alert"[^>]*>(.*?)</div>', page, re.S)
    assert match, "no error summary"
    return match.group(1)


def _ids(page: str) -> set[str]:
    return set(re.findall(r'\sid="([^"]+)"', page))


class _Sample(Form):
    name = StringField("Full name")
    token = HiddenField("Token")


def test_a_field_problem_links_to_its_box_and_the_others_stay_text(app):
    form = _Sample()
    form.validate()
    form.name.errors = ["Enter your name."]
    form.token.errors = ["The link is out of date."]
    form.form_errors.append("This organisation no longer exists.")
    with app.test_request_context():
        html = unescape(render_template_string(
            '{% from "lms/_forms.html" import form_errors %}{{ form_errors(form) }}', form=form))
    summary = _summary(html)
    assert LINK.findall(summary) == [("name", "Full name: Enter your name.")]
    assert "<li>The link is out of date.</li>" in summary and "<li>This organisation no longer exists.</li>" in summary


def test_signup_sent_empty_links_every_problem_to_a_box_on_the_page(client, u):
    response = client.submit(u("lms.accounts.signup"), {})
    page = unescape(response.get_data(as_text=True))
    links = LINK.findall(_summary(page))
    assert {target for target, _text in links} >= {"name", "email", "password", "confirm", "agree"}
    assert all(target in _ids(page) for target, _text in links), links
    assert ("email", "Email: This field is required.") in links


def _upload(client, u, data: bytes):
    return client.submit(u("lms.orgs.roster_import", org_slug="acme"), {"file": (io.BytesIO(data), "roster.csv")},
                         content_type="multipart/form-data")


def _file_input(page: str) -> str:
    match = re.search(r'<input[^>]*type="file"[^>]*>', page)
    assert match, "no file box"
    return match.group(0)


def test_the_roster_file_box_offers_what_the_import_reads(client, u, manager):
    box = _file_input(client.get(u("lms.orgs.roster_import", org_slug="acme")).get_data(as_text=True))
    assert 'accept=".csv,.txt,text/csv"' in box and "aria-invalid" not in box


def test_roster_problems_describe_the_file_box(client, u, manager):
    response = _upload(client, u, b"email,name\r\nnot an address,Lupe Lopez\r\n")
    page = unescape(response.get_data(as_text=True))
    assert response.status_code == 400
    box = _file_input(page)
    described = re.search(r'aria-describedby="([^"]+)"', box).group(1).split()
    assert 'aria-invalid="true"' in box and "roster-problems" in described
    problems = re.search(r'<ul id="roster-problems">(.*?)</ul>', page, re.S).group(1)
    assert "<li>" in problems
    assert LINK.findall(_summary(page))[0][0] == "file"


@pytest.fixture
def learner(client, make_user, login):
    from lms import db
    from lms.accounts.models import SiteRole
    from lms.enrollment import services as enrollment

    course = build_course(make_user("quiz.author@example.org", role=SiteRole.TRAINER))
    person = make_user()
    enrollment.enroll(person, course)
    db.session.commit()
    login(person)
    return course


def test_a_quiz_with_questions_unanswered_links_to_the_first(client, u, learner):
    data = answers(learner, "m1")
    questions = [key for key in data if key.startswith("q")]
    data.pop(questions[1])
    page = client.submit(quiz_url(u), data).get_data(as_text=True)
    assert LINK.findall(_summary(page)) == [(questions[1], "Please answer every question.")]
    assert f'<fieldset id="{questions[1]}"' in page
