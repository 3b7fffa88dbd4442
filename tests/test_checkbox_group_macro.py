"""One checkbox-group macro (templates/lms/_checkboxes.html) for the authoring, hours and live forms: a fieldset that
carries the field's id, so the error summary's link to the field lands on it, with its hint and its error tied to it
by aria-describedby."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from wtforms import Form, SelectMultipleField

from lms.accounts.models import SiteRole


class _Page(HTMLParser):
    """The ids of a page's elements (with their tags and attributes) and the error summary's links."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.by_id: dict[str, tuple[str, dict[str, str]]] = {}
        self.summary_links: list[str] = []
        self._summary_depth = 0
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attributes = {name: value or "" for name, value in attrs}
        if "id" in attributes:
            self.by_id[attributes["id"]] = (tag, attributes)
        if self._summary_depth:
            self._summary_depth += tag == "div"
            if tag == "a" and attributes.get("href", "").startswith("#"):
                self.summary_links.append(attributes["href"][1:])
        elif tag == "div" and "error-summary" in attributes.get("class", "").split():
            self._summary_depth = 1

    def handle_endtag(self, tag):
        if self._summary_depth and tag == "div":
            self._summary_depth -= 1


@pytest.fixture
def trainer(make_user, login):
    user = make_user("trainer@example.org", name="Tina Trainer", role=SiteRole.TRAINER, locale="en")
    login(user)
    return user


def _course(client, u, **extra):
    return client.submit(u("lms.authoring.new_course"), {
        "slug": "heat-safety", "title": "Heat safety", "summary": "", "version": "2026.1", "kind": "continuing",
        "source_locale": "en", "competency_areas": ["outreach"], "specialties": "", "certificate_validity_months": "",
        **extra})


def _assert_summary_lands_on_the_group(response, name: str) -> None:
    assert response.status_code == 400
    page = _Page(response.get_data(as_text=True))
    assert name in page.summary_links
    for target in page.summary_links:  # every link of the summary goes somewhere
        assert target in page.by_id, f"the error summary links to #{target}, which is not on the page"
    tag, attributes = page.by_id[name]
    assert tag == "fieldset"
    assert attributes["aria-describedby"] == f"{name}-error" and f"{name}-error" in page.by_id


def test_a_course_forms_competency_areas_error_links_to_its_checkboxes(client, u, trainer):
    _assert_summary_lands_on_the_group(_course(client, u, competency_areas=["no-such-area"]), "competency_areas")


def test_a_module_forms_competency_areas_error_links_to_its_checkboxes(client, u, trainer):
    assert _course(client, u).status_code == 302
    response = client.submit(u("lms.authoring.new_module", course_slug="heat-safety"), {
        "slug": "signs", "title": "Signs", "summary": "", "kind": "self_paced", "credited_minutes": "45",
        "competency_areas": ["no-such-area"], "specialties": ""})
    _assert_summary_lands_on_the_group(response, "competency_areas")


class _Areas(Form):
    areas = SelectMultipleField("Areas", description="Choose every area the course covers.")

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.areas.choices = [("a", "Alpha"), ("b", "Beta")]


def test_the_hint_and_the_error_both_describe_the_group(app):
    form = _Areas(data={"areas": ["b"]})
    form.areas.errors = ["Choose at least one."]
    with app.test_request_context():
        html = app.jinja_env.get_template("lms/_checkboxes.html").module.checkboxes(form.areas)
    page = _Page(str(html))
    tag, attributes = page.by_id["areas"]
    assert tag == "fieldset" and "has-error" in attributes["class"].split()
    assert attributes["aria-describedby"] == "areas-help areas-error"
    assert page.by_id["areas-help"][0] == "p" and page.by_id["areas-error"][0] == "p"
    assert "Choose every area the course covers." in html and "Choose at least one." in html
    assert 'value="b"\n      checked' in html and 'value="a"\n      checked' not in html


@pytest.mark.parametrize("template", ["lms/hours/ledger/_macros.html", "lms/authoring/_macros.html",
                                      "lms/live/_macros.html"])
def test_every_form_area_renders_the_one_shared_group(app, template):
    form = _Areas()
    with app.test_request_context():
        shared = app.jinja_env.get_template("lms/_checkboxes.html").module.checkboxes(form.areas)
        module = app.jinja_env.get_template(template).module
        local = getattr(module, "checkboxes", None) or module.checkbox_list
        assert str(local(form.areas)).strip() == str(shared).strip()
