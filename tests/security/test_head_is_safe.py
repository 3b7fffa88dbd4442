"""No HEAD changes state. Flask answers HEAD with the GET view, and link checkers, proxies and previewers send HEAD
freely: a HEAD to the payroll API with a manager's token used to export and LOCK the pay period. Every GET route,
sent HEAD by each role's browser and by each personal API token (a manager's included), leaves every row as it was
(beyond the documented telemetry of GET), and the payroll API answers HEAD without exporting anything."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from tests.security.conftest import rule_id, rules, snapshot, unexplained_changes

BROWSERS = ("anonymous", "trainee", "trainer", "manager", "admin")


@pytest.fixture(scope="module")
def tokens(module_world) -> dict[str, str]:
    """Every personal token of the world, and one for the manager (the one that may export payroll)."""
    from lms import db
    from lms.accounts import api_tokens

    _token, raw = api_tokens.create_api_token(module_world.world.users["manager"], "payroll script")
    db.session.commit()
    return {**module_world.world.tokens, "manager": raw}


@pytest.mark.parametrize("rule", rules("GET"), ids=rule_id)
def test_head_changes_nothing(module_world, tokens, rule):
    endpoint, _method = rule
    scene = module_world
    url = scene.url(endpoint)
    before = snapshot(scene.app)
    problems = []
    askers = [(role, scene.clients[role], {}) for role in BROWSERS]
    askers += [(f"{role} token", scene.app.test_client(), {"Authorization": f"Bearer {raw}"})
               for role, raw in tokens.items()]
    for who, client, headers in askers:
        response = client.head(url, headers=headers)
        assert response.status_code < 500, (who, url, response.status_code)
        assert response.get_data() == b"", (who, url)
        after = snapshot(scene.app)
        problems += [f"{who}: {change}" for change in unexplained_changes(before, after, endpoint)]
        before = after
    assert problems == [], f"HEAD {url} changed state"


def test_head_of_the_payroll_api_never_exports(module_world, tokens):
    """HEAD with the manager's token: 409 for a period not exported (and it stays so), 200 with the file's headers
    for one already exported; GET with the same token still exports."""
    from lms.hours import export
    from lms.hours.models import PayrollExport
    from lms.orgs.services import get_org

    scene = module_world
    client, bearer = scene.app.test_client(), {"Authorization": f"Bearer {tokens['manager']}"}
    current = scene.url("lms.api.org_timesheets_csv")  # this period: not exported yet
    before = snapshot(scene.app)
    response = client.head(current, headers=bearer)
    assert response.status_code == 409 and response.get_data() == b""
    assert unexplained_changes(before, snapshot(scene.app), "lms.api.org_timesheets_csv") == []

    ids = scene.world.ids
    done = client.head(scene.url("lms.api.org_timesheets_csv", start=ids["exported_start"], end=ids["exported_end"]),
                       headers=bearer)
    stored = export.get_export(get_org("acme"), date.fromisoformat(ids["exported_start"]))
    assert done.status_code == 200 and done.get_data() == b"" and done.mimetype == "text/csv"
    assert done.headers["X-Content-SHA256"] == stored.sha256 and done.headers["ETag"] == f'"{stored.sha256}"'
    assert int(done.headers["Content-Length"]) == len(stored.content)

    from lms import db

    exports = db.session.scalars(select(PayrollExport.period_start)).all()
    got = client.get(current + "&early=true", headers=bearer)  # last: this exports (and locks) the running period
    assert got.status_code == 200 and got.mimetype == "text/csv"
    assert len(db.session.scalars(select(PayrollExport.period_start)).all()) == len(exports) + 1


def test_the_openapi_document_says_head_only_looks(module_world):
    document = module_world.clients["anonymous"].get("/api/v1/openapi.json").json
    head = document["paths"]["/orgs/{org_slug}/timesheets.csv"]["head"]
    assert "never exports" in head["summary"] and {"200", "409"} <= set(head["responses"])
