"""Two tabs, one organisation (lms.edit_versions, lms.web.edit_conflicts): the settings page and a staff member's page
carry the version they were opened on, so a save from an old tab never silently undoes a save made since. It is
refused (409), naming the fields changed since and showing their saved values; saving again overwrites knowingly."""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import select

from lms import db, edit_versions
from lms.audit import AuditEvent
from lms.orgs import services as orgs
from lms.orgs import settings as org_settings
from tests.conftest import html_text

SETTINGS = {"name": "Acme", "kind": "employer", "timezone": "America/Los_Angeles", "pay_period": "biweekly",
            "pay_period_anchor": "2026-01-05", "pay_rate": "25.00", "ce_year_basis": "calendar",
            "ce_fiscal_start_month": "7", "ce_minimum_hours": "6", "signatory_name": "", "signatory_title": ""}
DETAILS = {"employee_id": "E-7", "job_title": "Promotora", "employment_start": "2024-05-01",
           "employment_type": "employee", "role": "member"}
VERSION_RE = re.compile(r'name="seen_version" value="([^"]*)"')



def _version(page: str) -> str:
    (version,) = VERSION_RE.findall(page)
    return version


def _events(action: str) -> list[AuditEvent]:
    return list(db.session.execute(select(AuditEvent).where(AuditEvent.action == action)
                                   .order_by(AuditEvent.id)).scalars())


@pytest.fixture
def acme(make_user, make_org, add_member, login):
    mona = make_user("mona@example.org", name="Mona Manager")
    org = make_org("acme", manager=mona, name="Acme", training_pay_rate_cents=2500)
    lupe = add_member(org, make_user("lupe@example.org", name="Lupe Ortiz"), employee_id="E-7", job_title="Promotora",
                      employment_start=date(2024, 5, 1))
    login(mona)
    return org, mona, lupe


def test_an_old_settings_tab_does_not_undo_a_newer_save(client, u, acme):
    org, _mona, _lupe = acme
    path = u("lms.orgs.settings", org_slug="acme")
    tab_a = _version(client.get(path).text)
    tab_b = _version(client.get(path).text)
    assert client.submit(path, {**SETTINGS, "pay_rate": "26.00", "seen_version": tab_b}).status_code == 302

    refused = client.submit(path, {**SETTINGS, "signatory_name": "Dr. Ana Ruiz", "seen_version": tab_a})
    assert refused.status_code == 409
    text = html_text(refused.text)
    assert "Not saved: this was changed and saved after you opened it" in text
    assert "Changed since: Default training pay rate (US dollars per hour)." in text
    saved = refused.text[refused.text.index('id="edit-conflict"'):refused.text.index("</dl>")]
    assert "26.00" in saved and "Signatory" not in saved  # only what changed since, with its saved value
    assert 'value="Dr. Ana Ruiz"' in refused.text  # the manager's entries stay in the form
    db.session.refresh(org)
    assert (org.training_pay_rate_cents, org.signatory_name) == (2600, None)
    assert len(_events("org.settings_changed")) == 1

    # The page now carries the saved version: sending it again overwrites knowingly.
    again = _version(refused.text)
    assert again == org_settings.settings_version(org) != tab_a
    done = client.submit(path, {**SETTINGS, "signatory_name": "Dr. Ana Ruiz", "seen_version": again})
    assert done.status_code == 302
    db.session.refresh(org)
    assert (org.training_pay_rate_cents, org.signatory_name) == (2500, "Dr. Ana Ruiz")
    last = _events("org.settings_changed")[-1]
    assert last.data == {"training_pay_rate_cents": 2500, "signatory_name": "Dr. Ana Ruiz",
                         "was": {"training_pay_rate_cents": 2600, "signatory_name": None}}


def test_an_unchanged_settings_page_saves_and_a_form_without_a_version_is_saved_as_before(client, u, acme):
    org, _mona, _lupe = acme
    path = u("lms.orgs.settings", org_slug="acme")
    version = _version(client.get(path).text)
    assert client.submit(path, {**SETTINGS, "pay_rate": "27.00", "seen_version": version}).status_code == 302
    assert client.submit(path, {**SETTINGS, "pay_rate": "28.00"}).status_code == 302  # e.g. a script: not checked
    db.session.refresh(org)
    assert org.training_pay_rate_cents == 2800


def test_an_invalid_settings_form_keeps_the_version_it_was_opened_on(client, u, acme):
    path = u("lms.orgs.settings", org_slug="acme")
    version = _version(client.get(path).text)
    page = client.submit(path, {**SETTINGS, "pay_rate": "-1", "seen_version": version})
    assert _version(page.text) == version  # not the one of now: a save in between is still caught


def test_an_old_staff_tab_does_not_undo_a_newer_save(client, u, acme):
    _org, _mona, lupe = acme
    path = u("lms.orgs.member", org_slug="acme", membership_id=lupe.id)
    tab_a = _version(client.get(path).text)
    tab_b = _version(client.get(path).text)
    assert client.submit(path, {**DETAILS, "employee_id": "E-70", "seen_version": tab_b}).status_code == 302

    refused = client.submit(path, {**DETAILS, "job_title": "Lead promotora", "seen_version": tab_a})
    assert refused.status_code == 409
    text = html_text(refused.text)
    assert "Changed since: Employee ID." in text
    saved = refused.text[refused.text.index('id="edit-conflict"'):refused.text.index("</dl>")]
    assert "E-70" in saved
    assert 'value="Lead promotora"' in refused.text
    db.session.refresh(lupe)
    assert (lupe.employee_id, lupe.job_title) == ("E-70", "Promotora")

    done = client.submit(path, {**DETAILS, "job_title": "Lead promotora", "seen_version": _version(refused.text)})
    assert done.status_code == 302
    db.session.refresh(lupe)
    assert (lupe.employee_id, lupe.job_title) == ("E-7", "Lead promotora")
    assert _events("membership.updated")[-1].data == {
        "employee_id": "E-7", "job_title": "Lead promotora", "was": {"employee_id": "E-70", "job_title": "Promotora"}}


def test_a_staff_conflict_names_dates_and_choices_as_the_form_shows_them(client, u, acme, make_user, add_member):
    org, mona, lupe = acme
    path = u("lms.orgs.member", org_slug="acme", membership_id=lupe.id)
    old = _version(client.get(path).text)
    orgs.change_member(lupe, orgs.Employment("E-7", "Promotora", date(2024, 6, 3), role=orgs.MemberRole.MANAGER), mona)
    db.session.commit()
    refused = client.submit(path, {**DETAILS, "seen_version": old})
    assert refused.status_code == 409
    text = html_text(refused.text)
    assert "Changed since: Employment start date and Role in the organisation." in text
    assert "June 3, 2024" in text and "Manager" in text


def test_the_services_refuse_a_stale_version_and_name_the_fields(app, acme):
    org, mona, lupe = acme
    seen = orgs.employment_version(lupe)
    orgs.change_member(lupe, orgs.Employment("E-8", "Promotora", date(2024, 5, 1)), mona)
    with pytest.raises(edit_versions.ChangedSinceError) as refused:
        orgs.change_member(lupe, orgs.Employment("E-7", "Lead", date(2024, 5, 1)), mona, seen)
    assert refused.value.fields == ["employee_id"] and refused.value.status == 409
    db.session.rollback()

    seen = org_settings.settings_version(org)
    settings = orgs.OrgSettings(name="Acme", training_pay_rate_cents=2600)
    org_settings.update_settings(org, settings, mona)
    with pytest.raises(edit_versions.ChangedSinceError) as refused:
        org_settings.update_settings(org, orgs.OrgSettings(name="Acme", signatory_name="X"), mona, seen)
    assert refused.value.fields == ["training_pay_rate_cents"]


def test_the_version_is_the_same_hash_the_authoring_forms_use():
    """One implementation (lms.edit_versions) for every form; the authoring versions in open tabs stay valid."""
    values = {"title": "Intro", "minutes": 10}
    version = edit_versions.version_of(values)
    assert edit_versions.changed_since(values, version) == []
    assert edit_versions.changed_since({**values, "minutes": 11}, version) == ["minutes"]
    assert edit_versions.changed_since(values, "") == []
    assert edit_versions.changed_since(values, "garbage") == ["title", "minutes"]
