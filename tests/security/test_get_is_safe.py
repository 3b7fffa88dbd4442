"""No GET changes state: every GET route, with sample arguments, as anonymous, a trainee, a trainer, a manager and an admin, leaves
every row of every ``lms_`` table as it was, apart from the documented telemetry in ``conftest.TELEMETRY``."""

from __future__ import annotations

import pytest

from tests.security.conftest import TELEMETRY, digest, rule_id, rules, snapshot, unexplained_changes

GET_ROLES = ("anonymous", "trainee", "trainer", "manager", "admin")


@pytest.mark.parametrize("rule", rules("GET"), ids=rule_id)
def test_get_changes_nothing(module_world, rule):
    endpoint, _method = rule
    scene = module_world
    url = scene.url(endpoint)
    before = snapshot(scene.app)
    problems = []
    for role in GET_ROLES:
        response = scene.clients[role].get(url)
        assert response.status_code < 500, (role, url, response.status_code)
        after = snapshot(scene.app)
        problems += [f"{role}: {change}" for change in unexplained_changes(before, after, endpoint)]
        before = after
    assert problems == [], f"GET {url} changed state"


def test_telemetry_allowlist_is_explained_and_names_real_tables(module_app):
    """Each allowlist entry says why, and points at a table (and columns, endpoints) that exist."""
    from lms.db import metadata

    tables = {t.name: t for t in metadata.sorted_tables}
    endpoints = set(module_app.view_functions)
    for entry in TELEMETRY:
        assert len(entry.why) > 40, entry
        assert entry.table in tables, entry
        assert set(entry.columns or ()) <= set(tables[entry.table].columns.keys()), entry
        assert set(entry.endpoints or ()) <= endpoints, entry


def test_the_sweep_sees_a_change(module_world):
    """The snapshot notices a real change (so an empty diff means something)."""
    from lms import db
    from lms.orgs.services import get_org

    before = snapshot(module_world.app)
    org = get_org("other")
    old = org.name
    org.name = "Renamed"
    db.session.commit()
    try:
        after = snapshot(module_world.app)
        assert unexplained_changes(before, after, "lms.main.home") == [f"lms_organisations row ({org.id},): name changed"]
        assert digest(before) != digest(after)
    finally:
        org.name = old
        db.session.commit()


def test_jwks_creates_the_first_signing_key_and_nothing_else(module_world):
    """The one state a public GET may create besides the look-up log: the first signing key (and its audit row),
    once. Later GETs change nothing."""
    from sqlalchemy import delete

    from lms import db
    from lms.audit import AuditEvent
    from lms.certificates.models import SigningKey

    scene = module_world
    db.session.execute(delete(SigningKey))
    db.session.execute(delete(AuditEvent).where(AuditEvent.action == "signing_key.created"))
    db.session.commit()
    url = scene.url("lms.certificates.jwks")
    before = snapshot(scene.app)
    assert len(scene.clients["anonymous"].get(url).json["keys"]) == 1
    first = snapshot(scene.app)
    assert len(first["lms_signing_keys"][1]) == 1
    assert unexplained_changes(before, first, "lms.certificates.jwks") == []
    assert len(first["lms_audit_events"][1]) == len(before["lms_audit_events"][1]) + 1
    assert scene.clients["admin"].get(url).json == scene.clients["anonymous"].get(url).json
    assert unexplained_changes(first, snapshot(scene.app), "lms.main.home") == []  # nothing at all this time


def test_a_browser_link_cannot_lock_a_pay_period(module_world):
    """The payroll API exports (and locks) a period only for a personal API token; a manager's browser following a
    link, perhaps planted on another site, only downloads a period that is already exported."""
    scene = module_world
    manager = scene.clients["manager"]
    before = snapshot(scene.app)
    response = manager.get(scene.url("lms.api.org_timesheets_csv"))  # the current period, not exported
    assert response.status_code == 409 and response.json["error"]["code"] == "conflict"
    ids = scene.world.ids
    response = manager.get(scene.url("lms.api.org_timesheets_csv", start=ids["exported_start"], end=ids["exported_end"]))
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert unexplained_changes(before, snapshot(scene.app), "lms.api.org_timesheets_csv") == []
