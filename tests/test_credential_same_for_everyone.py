"""The signed Open Badges credential says the same to everyone and describes the certificate as issued: its
competency names are in English whatever the downloader's language, its criteria name only the kinds of training the
certificate states time for, and a revoked certificate's credential is no longer handed out (410)."""

from __future__ import annotations

import copy

import pytest
from joserfc.jwk import KeySet, RSAKey

from lms import db
from lms.accounts.models import SiteRole
from lms.catalog import course_authoring, lesson_authoring, module_authoring
from lms.catalog.models import CourseKind, CourseStatus
from lms.certificates import codes, credential, issuance, training

SPANISH = {"Accept-Language": "es"}
ENGLISH = {"Accept-Language": "en"}


@pytest.fixture
def people(make_user):
    return {
        "trainer": make_user("teacher@example.org", name="Tess Trainer", role=SiteRole.TRAINER),
        "trainee": make_user("rosa@example.org", name="Rosa Díaz", locale="es"),
    }


def _course(trainer, slug: str, kind: CourseKind = CourseKind.CONTINUING):
    course = course_authoring.create_course(course_authoring.CourseData(
        slug=slug, title="Documentation", version="2026.1", kind=kind,
        competency_areas=("communication", "interpersonal")), trainer)
    module = module_authoring.add_module(course, module_authoring.ModuleData(slug="notes", title="Notes", credited_minutes=90),
                                         trainer)
    lesson_authoring.add_lesson(course, module, "one", "One", "Text", 10, trainer)
    course_authoring.set_course_status(course, CourseStatus.PUBLISHED, trainer)
    return course


def _issue(people, slug: str, stated: training.TrainingMinutes, kind: CourseKind = CourseKind.CONTINUING):
    cert = issuance.issue_manually(people["trainee"], _course(people["trainer"], slug, kind), people["trainer"],
                                   "Completed on paper", stated)
    db.session.commit()
    return cert


def _keys(client, u) -> KeySet:
    return KeySet([RSAKey.import_key(k) for k in client.get(u("lms.certificates.jwks")).json["keys"]])


def _claims(client, u, code: str, headers: dict[str, str] | None = None) -> dict:
    response = client.get(u("lms.api.certificate_credential", code=code), headers=headers or {})
    assert response.status_code == 200, response.get_data(as_text=True)
    return credential.verify_jwt(response.get_data(as_text=True), _keys(client, u))


def test_every_downloader_gets_the_same_credential_in_english(client, u, login, people):
    cert = _issue(people, "ce-documentation", training.TrainingMinutes(self_paced=90))
    code = codes.display(cert.code)
    anonymous_es = _claims(client, u, code, SPANISH)
    anonymous_en = _claims(client, u, code, ENGLISH)
    login(people["trainee"])  # her profile says Spanish
    holder_es = _claims(client, u, code)
    assert client.get(u("lms.certificates.mine")).get_data(as_text=True).count("Mis certificados") >= 1  # Spanish UI
    holder_es_en = _claims(client, u, code, ENGLISH)

    names = [a["targetName"] for a in anonymous_es["credentialSubject"]["achievement"]["alignment"]]
    assert names == ["Communication", "Interpersonal and relationship building"]
    assert anonymous_es["credentialSubject"]["achievement"]["inLanguage"] == "en"
    assert anonymous_es == anonymous_en == holder_es == holder_es_en  # iat and jti included: they do not vary


def test_the_criteria_name_only_what_the_certificate_states(client, u, people):
    reading = _issue(people, "ce-documentation", training.TrainingMinutes(self_paced=90))
    narrative = _claims(client, u, codes.display(reading.code))["credentialSubject"]["achievement"]["criteria"]["narrative"]
    assert narrative == "Complete every required module of the course: read every lesson and pass each module quiz."
    assert "live" not in narrative and "field" not in narrative

    everything = _issue(people, "core-all", training.TrainingMinutes(live=120, self_paced=60, field=240), CourseKind.CORE)
    narrative = _claims(client, u, codes.display(everything.code))["credentialSubject"]["achievement"]["criteria"]["narrative"]
    assert narrative == (
        "Complete every required module of the course: read every lesson and pass each module quiz, attend the live "
        "session(s) for the required share of the time, and complete the required supervised field experience."
    )

    field_only = _issue(people, "home-visits", training.TrainingMinutes(field=240), CourseKind.SPECIALTY)
    narrative = _claims(client, u, codes.display(field_only.code))["credentialSubject"]["achievement"]["criteria"]["narrative"]
    assert narrative == "Complete every required module of the course: complete the required supervised field experience."


def test_the_criteria_give_the_share_of_a_session_the_snapshot_kept(app, people):
    cert = _issue(people, "live-only", training.TrainingMinutes(live=120))
    snap = copy.deepcopy(cert.snapshot)
    assert credential.criteria_narrative(snap) == (
        "Complete every required module of the course: attend the live session(s) for the required share of the time.")
    snap["live_basis"] = {"modules": 1, "attended": 100, "scheduled": 120, "min_share": 75}
    snap["minutes"]["self_paced"] = 30
    assert credential.criteria_narrative(snap) == (
        "Complete every required module of the course: read every lesson and pass each module quiz and attend a live "
        "session of each live module for at least 75% of its scheduled time.")


def test_a_revoked_certificates_credential_is_gone_but_its_status_says_revoked(client, u, login, people, make_user,
                                                                                make_org, add_member):
    manager = make_user("ana@example.org", name="Ana Manager")
    acme = make_org("acme", manager=manager, name="Acme Clinic")
    add_member(acme, people["trainee"])
    cert = _issue(people, "ce-documentation", training.TrainingMinutes(self_paced=90))
    code = codes.display(cert.code)
    claims = _claims(client, u, code)  # downloaded while valid
    login(manager)
    revoke = client.submit(u("lms.certificates.revoke", code=code), {"reason": "Issued to the wrong person"})
    assert revoke.status_code == 302
    client.post(u("lms.accounts.logout"), data={"csrf_token": client.csrf_token()})

    for headers, message in ((ENGLISH, "This certificate was revoked, so its digital credential can no longer be "
                                       "downloaded. Its verification page shows when and why."),
                             (SPANISH, None)):
        gone = client.get(u("lms.api.certificate_credential", code=code), headers=headers)
        assert gone.status_code == 410 and gone.mimetype == "application/json"
        assert gone.json["error"]["code"] == "revoked"
        assert gone.json["error"]["message"] == message if message else gone.json["error"]["message"]

    listed = client.get(claims["credentialStatus"]["id"], headers={"Accept": "application/json"})
    assert listed.status_code == 200
    assert listed.json["revokedCredentials"] == [
        {"id": claims["id"], "revoked": True, "revocationReason": "Issued to the wrong person"}]
    verdict = client.get(u("lms.api.certificate", code=code))
    assert verdict.status_code == 200 and verdict.json["status"] == "revoked"

    login(people["trainee"])
    page = client.get(u("lms.certificates.mine")).get_data(as_text=True)
    assert u("lms.api.certificate_credential", code=code) not in page


def test_the_api_description_lists_the_410(client, u):
    document = client.get(u("lms.api.openapi")).json
    responses = document["paths"]["/certificates/{code}/credential.jwt"]["get"]["responses"]
    assert "410" in responses and "revoked" in responses["410"]["description"]
    assert "Served for revoked certificates too" not in document["paths"]["/certificates/{code}/credential.jwt"]["get"][
        "description"]
