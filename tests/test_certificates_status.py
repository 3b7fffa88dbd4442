"""What an Open Badges verifier follows from a signed credential: its ``credentialStatus`` URL answers the 1EdTech
revocation list, its ``issuer.id`` the issuer's Profile; ``lms certificates verify-jwt`` reports a revoked credential
and says when it could check the signature only."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import jsonschema
import pytest
from joserfc.jwk import KeySet, RSAKey

from lms.certificates import codes, credential
from lms.certificates.models import Certificate
from lms.db import utcnow
from tests.certificates_support import issued_world
from tests.test_certificates_core import SCHEMA, _schema_validator

JSON = {"Accept": "application/json"}
BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}


@pytest.fixture
def world(make_user, make_org, add_member):
    return issued_world(make_user, make_org, add_member)


def _claims(client, u, code: str) -> tuple[str, dict]:
    """The credential as served, checked against the published keys: its token and claims."""
    keys = KeySet([RSAKey.import_key(k) for k in client.get(u("lms.certificates.jwks")).json["keys"]])
    token = client.get(u("lms.api.certificate_credential", code=code)).get_data(as_text=True)
    return token, credential.verify_jwt(token, keys)


def _revoke(client, u, login, world, reason: str) -> None:
    login(world["manager"])
    assert client.submit(u("lms.certificates.revoke", code=world["code"]), {"reason": reason}).status_code == 302
    client.post(u("lms.accounts.logout"), data={"csrf_token": client.csrf_token()})


@pytest.mark.parametrize("app_mode", ["standalone", "mounted"])
def test_the_credential_status_url_answers_the_1edtech_revocation_list(client, u, login, world):
    _token, claims = _claims(client, u, world["code"])
    assert sorted(_schema_validator().iter_errors(claims), key=str) == []
    status_url = claims["credentialStatus"]["id"]
    assert claims["credentialStatus"]["type"] == "1EdTechRevocationList"
    listed = client.get(status_url, headers=JSON)
    assert listed.status_code == 200 and listed.mimetype == "application/json"
    assert listed.json == {"id": status_url, "issuer": claims["issuer"]["id"], "revokedCredentials": []}
    assert listed.headers["Cache-Control"] == "public, max-age=60" and "Accept" in listed.headers["Vary"]

    _revoke(client, u, login, world, "Issued to the wrong person")
    listed = client.get(status_url, headers={"Accept": "application/ld+json"})
    assert listed.status_code == 200
    assert listed.json["revokedCredentials"] == [
        {"id": claims["id"], "revoked": True, "revocationReason": "Issued to the wrong person"}
    ]
    page = client.get(status_url, headers=BROWSER)  # people still get the page, never cached
    assert page.mimetype == "text/html" and "Revoked certificate" in page.get_data(as_text=True)
    assert page.headers["Cache-Control"] == "no-store" and "Accept" in page.headers["Vary"]
    assert client.get(u("lms.api.certificate_credential", code=world["code"])).status_code == 410  # no new copy


def test_the_revocation_list_of_an_unknown_or_malformed_code_is_a_json_error(client, u):
    unknown = client.get(u("lms.certificates.verify_page", code=codes.display(codes.new_code())), headers=JSON)
    assert unknown.status_code == 404 and unknown.json["error"]["code"] == "not_found"
    malformed = client.get(u("lms.certificates.verify_page", code="hello"), headers=JSON)
    assert malformed.status_code == 400 and malformed.json["error"]["code"] == "invalid_code"


@pytest.mark.parametrize("app_mode", ["standalone", "mounted"])
def test_the_issuer_id_is_a_public_open_badges_profile(client, u, app, world):
    _token, claims = _claims(client, u, world["code"])
    response = client.get(claims["issuer"]["id"], headers=JSON)
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert response.headers["Cache-Control"].startswith("public")
    profile = response.json
    assert profile["id"] == claims["issuer"]["id"] and profile["type"] == ["Profile"]
    assert profile["name"] == app.config["LMS_CERT_ISSUER_NAME"] and profile["url"] == claims["issuer"]["url"]
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft201909Validator({"$ref": "#/$defs/Profile", "$defs": schema["$defs"]}).validate(profile)
    assert client.get(claims["issuer"]["id"]).mimetype == "application/json"  # whatever the client accepts


def _verify_jwt(runner, tmp_path: Path, token: str, jwks: str):
    (tmp_path / "credential.jwt").write_text(token)
    (tmp_path / "jwks.json").write_text(jwks)
    args = ["lms", "certificates", "verify-jwt", str(tmp_path / "credential.jwt"), "--jwks", str(tmp_path / "jwks.json")]
    return runner.invoke(args=args)


def test_verify_jwt_reports_a_revoked_certificate(client, u, login, runner, world, tmp_path):
    token, _claims_ = _claims(client, u, world["code"])
    jwks = client.get(u("lms.certificates.jwks")).get_data(as_text=True)
    valid = _verify_jwt(runner, tmp_path, token, jwks)
    assert valid.exit_code == 0 and valid.output.startswith("VALID: Documentation"), valid.output
    assert "not revoked" in valid.output
    _revoke(client, u, login, world, "Issued to the wrong person")
    revoked = _verify_jwt(runner, tmp_path, token, jwks)
    assert revoked.exit_code == 1 and revoked.output.startswith("REVOKED: Documentation"), revoked.output
    assert "Issued to the wrong person" in revoked.output and "VALID" not in revoked.output


def _stranger(issued: Certificate, expires_in: timedelta) -> Certificate:
    """A certificate this site's database does not hold (never added to the session), like another site's."""
    return Certificate(
        code=codes.new_code(),
        number="CHW-2026-999999",
        issued_at=issued.issued_at,
        expires_at=utcnow() + expires_in,
        snapshot=issued.snapshot,
        recipient_salt=issued.recipient_salt,
    )


def test_verify_jwt_says_when_it_checked_only_the_signature(client, u, runner, world, tmp_path):
    """Signature only, said plainly, with where to check the status; past its ``exp`` a credential is expired
    whatever the database holds."""
    jwks = client.get(u("lms.certificates.jwks")).get_data(as_text=True)
    unknown = credential.sign_credential(
        _stranger(world["cert"], timedelta(days=30)), world["trainee"], "https://elsewhere.example.org"
    )
    result = _verify_jwt(runner, tmp_path, unknown, jwks)
    assert result.exit_code == 0 and result.output.startswith("SIGNATURE VALID, STATUS NOT CHECKED: Documentation"), result.output
    assert "no certificate for this credential" in result.output
    assert "Check it at https://elsewhere.example.org/verify/" in result.output
    lapsed = credential.sign_credential(
        _stranger(world["cert"], timedelta(days=-1)), world["trainee"], "https://elsewhere.example.org"
    )
    result = _verify_jwt(runner, tmp_path, lapsed, jwks)
    assert result.exit_code == 1 and result.output.startswith("EXPIRED: Documentation"), result.output


def test_verify_jwt_outside_the_site_checks_the_signature_and_says_so(client, u, world, tmp_path):
    """Run where no database of the site can be read: the console script still checks the signature, and says
    that the revocation status was not checked."""
    token, _claims_ = _claims(client, u, world["code"])
    (tmp_path / "credential.jwt").write_text(token)
    (tmp_path / "jwks.json").write_text(client.get(u("lms.certificates.jwks")).get_data(as_text=True))
    env = {
        **os.environ,
        "LMS_INSTANCE_PATH": str(tmp_path / "instance"),
        "SECRET_KEY": "x" * 16 + "0123456789abcdefghijklmnopqrstuv",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'empty.sqlite3'}",
    }
    lms = Path(sys.executable).with_name("lms")
    result = subprocess.run(
        [str(lms), "certificates", "verify-jwt", str(tmp_path / "credential.jwt"), "--jwks", str(tmp_path / "jwks.json")],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("SIGNATURE VALID, STATUS NOT CHECKED: Documentation"), result.stdout
    assert "database could not be read" in result.stdout
