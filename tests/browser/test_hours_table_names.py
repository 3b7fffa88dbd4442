"""The personal hours pages as a screen reader gets them (Chromium's accessibility tree): every table has a name, and
a table under a heading is named by that heading (``aria-labelledby``), with no caption repeating it, so the words
are on the page once."""

from __future__ import annotations

from datetime import date

import pytest

from lms.hours import approvals, external_training
from lms.orgs import services as orgs
from lms.orgs.services import Employment
from tests.browser.conftest import sign_in
from tests.browser.helpers import new_person

pytestmark = pytest.mark.browser

SLUG, TRAINEE = "nombres-de-tablas", "lina.tablas@example.org"


@pytest.fixture(scope="module")
def lina(live_server):
    """A trainee (reading in English) of an organisation of her own, with one entry approved and one waiting in
    the pay period of 5 January 2026 (fixed dates: nothing depends on today)."""
    with live_server.data():
        boss = new_person("jefa.tablas@example.org", "Jefa Tablas")
        org = orgs.create_org(SLUG, orgs.OrgSettings(name="Clínica de los Nombres", training_pay_rate_cents=2000,
                                                pay_period_anchor=date(2026, 1, 5)), boss)
        person = new_person(TRAINEE, "Lina Tablas")
        orgs.add_member(org, person, Employment("E-77", "Promotora", date(2025, 1, 6)), actor=boss)

        def external(key: str, day: int, title: str):
            data = external_training.ExternalTraining(title=title, activity_date=date(2026, 1, day), minutes=60,
                                                      provider="Clínica", org_id=org.id, competency_areas=("communication",))
            return external_training.submit_external(person, data, f"table-names-{key}")[0]

        approvals.approve(external("done", 6, "First aid"), boss)
        external("waiting", 7, "Home visits")


def _table_names(page) -> list[str]:
    session = page.context.new_cdp_session(page)
    try:
        nodes = session.send("Accessibility.getFullAXTree")["nodes"]
    finally:
        session.detach()
    return [node.get("name", {}).get("value", "") for node in nodes
            if node.get("role", {}).get("value") == "table" and not node.get("ignored")]


@pytest.mark.parametrize(("path", "names"), [
    ("/hours/my/summary", ["By pay period", "By month", "By kind of training", "By competency area"]),
    ("/hours/my/periods?start=2026-01-05", ["Approved hours paid in this period", "Awaiting approval"]),
])
def test_each_table_is_named_once(open_page, lina, path, names):
    page = open_page()
    sign_in(page, TRAINEE)
    assert page.goto(path).status == 200
    assert _table_names(page) == names
    assert page.locator("main caption").all_inner_texts() == [n for n in names if n.startswith("Approved")]
    for name in names:  # the words once on the page: in a heading or in a caption, not both
        assert page.get_by_text(name, exact=True).count() == 1, name
