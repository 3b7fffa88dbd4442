"""Fixes from the production-deployment QA pass: start-up warnings for settings left at their defaults, stricter
secret keys, the ``lms`` command's help and options, account creation with a password-set link, the signing key made
at ``lms db upgrade``, the unhandled-error log line and the system-package script."""

from __future__ import annotations

import logging
import os
import re
import secrets
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from lms import create_app, migrate
from lms.accounts import services as accounts
from lms.accounts.models import SiteRole, User
from lms.certificates import codes, keys
from lms.certificates.models import SigningKey
from lms.cli import make_group
from lms.config import BRANDING_KEYS, ConfigError, check_secret_key
from lms.security import access
from tests.conftest import PASSWORD, SECRET, body_of
from tests.test_certificates_cli import world  # noqa: F401  (fixture)

ROOT = Path(__file__).resolve().parent.parent
STRONG = "Qm7-vX2pL9rT4wZ8yB1nS6hC3gD5jU0kF_aE7iO2uY9tR4eW1qN3"  # fixed: xdist workers collect the same ids
BRANDED = {"LMS_SITE_NAME": "Valley CHW Academy", "LMS_CERT_ISSUER_NAME": "Valley Health Alliance",
           "LMS_CERT_SIGNATORY_NAME": "Dr. Ana Ruiz", "LMS_CERT_SIGNATORY_TITLE": "Program Director"}


def _production_app(tmp_path, monkeypatch, **config):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("LMS_INSTANCE_PATH", str(tmp_path))
    return create_app({"SECRET_KEY": STRONG, **config})


# ---------------------------------------------------------------- 1, 7: start-up warnings

def _warnings(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING and r.name == "lms"]


def test_production_start_warns_about_default_names_and_sqlite(tmp_path, monkeypatch, caplog):
    caplog.set_level(logging.WARNING)
    _production_app(tmp_path, monkeypatch)
    said = _warnings(caplog)
    assert any(all(key in line for key in BRANDING_KEYS) and "'Training Director'" in line for line in said), said
    assert any("DATABASE_URL is not set" in line and str(tmp_path / "lms.sqlite3") in line for line in said), said


def test_a_configured_production_site_starts_without_warnings(tmp_path, monkeypatch, caplog):
    caplog.set_level(logging.WARNING)
    _production_app(tmp_path, monkeypatch, DATABASE_URL=f"sqlite:///{tmp_path / 'chosen.sqlite3'}", **BRANDED)
    assert _warnings(caplog) == []


def test_one_name_left_is_named_and_testing_or_debug_stay_quiet(tmp_path, monkeypatch, caplog):
    caplog.set_level(logging.WARNING)
    _production_app(tmp_path, monkeypatch, **{**BRANDED, "LMS_CERT_SIGNATORY_TITLE": "CHW Training Program"})
    [line] = [line for line in _warnings(caplog) if "left at the default" in line]
    assert line.startswith("LMS_CERT_SIGNATORY_TITLE left at the default") and "LMS_SITE_NAME" not in line
    caplog.clear()
    _production_app(tmp_path, monkeypatch, TESTING=True)
    _production_app(tmp_path, monkeypatch, DEBUG=True)
    _production_app(tmp_path, monkeypatch, LMS_STARTUP_WARNINGS=False)
    assert _warnings(caplog) == []


def test_unhandled_error_log_names_method_and_path(app, client, caplog):
    @access.public
    def broken():
        raise RuntimeError("boom")

    app.add_url_rule("/deploy-qa-boom", endpoint="lms.deploy_qa_boom", view_func=broken, methods=["GET", "POST"])
    caplog.set_level(logging.ERROR)
    assert client.submit("/deploy-qa-boom?token=x", {}).status_code == 500
    [record] = [r for r in caplog.records if r.getMessage().startswith("unhandled error")]
    assert record.getMessage() == "unhandled error on POST /deploy-qa-boom" and record.exc_info


# ---------------------------------------------------------------- 4: secret keys

@pytest.mark.parametrize("key", [
    "<64 random characters, the same on every machine>",
    "<paste the output of: python3 -c 'import secrets; print(secrets.token_urlsafe(48))'>",
    "my-64-random-characters-go-here-0123456789abcdefghijklmnop",
    "x" * 40,
    "abcdabcdabcdabcdabcdabcdabcdabcdabcdabcd",
    "012345678" * 4,
])
def test_placeholder_and_repetitive_keys_are_refused(key):
    with pytest.raises(ConfigError, match=r"placeholder|different characters"):
        check_secret_key(key)


@pytest.mark.parametrize("key", [STRONG, SECRET, "Zt7<q9#Lm2$Rv8>pX4!kW6@nB3%hJ5^c"])
def test_random_keys_still_pass(key):
    check_secret_key(key)  # a lone "<" or ">" from a generator with symbols is fine


def test_keys_from_the_usual_generators_pass():
    # generated inside the test, not in its parameters: every pytest-xdist worker must collect the same test ids
    for _ in range(50):
        check_secret_key(secrets.token_hex(32))
        check_secret_key(secrets.token_urlsafe(48))


def test_the_documented_placeholder_cannot_be_pasted_literally():
    text = (ROOT / "docs" / "deploy.md").read_text(encoding="utf-8")
    [line] = [line for line in text.splitlines() if line.startswith("SECRET_KEY=")]
    with pytest.raises(ConfigError):
        check_secret_key(line.removeprefix("SECRET_KEY="))


def test_init_secret_writes_a_key_that_passes(tmp_path, monkeypatch):
    monkeypatch.setenv("LMS_INSTANCE_PATH", str(tmp_path))
    monkeypatch.delenv("SECRET_KEY", raising=False)
    result = CliRunner().invoke(make_group(), ["init-secret"])
    assert result.exit_code == 0 and f"Created {tmp_path / 'secret_key'}" in result.output
    check_secret_key((tmp_path / "secret_key").read_text().strip())


def test_init_secret_warns_and_writes_nothing_when_the_environment_has_a_key(tmp_path, monkeypatch):
    monkeypatch.setenv("LMS_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("SECRET_KEY", STRONG)
    result = CliRunner().invoke(make_group(), ["init-secret"])
    assert result.exit_code == 0 and "SECRET_KEY is set in the environment" in result.output
    assert not (tmp_path / "secret_key").exists()
    helped = CliRunner().invoke(make_group(), ["init-secret", "--help"])
    assert "LMS_INSTANCE_PATH" in helped.output and "instance/secret_key" not in helped.output


# ---------------------------------------------------------------- 5: the command's help and options

@pytest.fixture
def console(tmp_path, monkeypatch):
    """The ``lms`` console script's group, in an environment where the standalone app loads."""
    monkeypatch.setenv("LMS_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("SECRET_KEY", STRONG)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'console.sqlite3'}")
    return lambda *args, **kw: CliRunner().invoke(make_group(), list(args), **kw)


def test_top_level_help_offers_only_working_options_and_commands(console):
    result = console("--help")
    assert result.exit_code == 0, result.output
    commands = result.output.split("Commands:")[1].split()
    assert {"db", "create-user", "init-secret", "certificates", "keys", "shell"} <= set(commands)
    for gone in ("--env-file", "-e,", "--app", "--debug"):
        assert gone not in result.output
    for gone in ("run", "routes", "lms"):
        assert gone not in commands
    assert console("-e", "x.env", "db", "current").exit_code == 2
    assert console("lms", "--help").exit_code != 0


def test_help_without_a_key_says_why_in_one_line(tmp_path, monkeypatch):
    monkeypatch.setenv("LMS_INSTANCE_PATH", str(tmp_path))
    monkeypatch.delenv("SECRET_KEY", raising=False)
    result = CliRunner().invoke(make_group(), ["--help"])
    # help loads no app (QA Dec 7): it prints cleanly; a command says why (tests/test_admin_cli_qa_dec7.py)
    assert result.exit_code == 0 and "No secret key" not in result.output and "Traceback" not in result.output


def test_downgrade_help_warns_and_a_downgrade_needs_confirmation(app, runner):
    helped = runner.invoke(args=["lms", "db", "downgrade", "--help"])
    assert "DELETES DATA" in helped.output and "--yes" in helped.output
    head = migrate.current()
    refused = runner.invoke(args=["lms", "db", "downgrade", "--revision", "base"], input="n\n")
    assert refused.exit_code == 1 and "Aborted" in refused.output
    no_answer = runner.invoke(args=["lms", "db", "downgrade", "--revision", "base"])
    assert no_answer.exit_code == 1
    assert migrate.current() == head


def test_create_user_help_describes_every_option(runner):
    helped = runner.invoke(args=["lms", "create-user", "--help"]).output
    assert "asked for" in helped and "--send-reset" in helped and "--language" in helped
    options = re.findall(r"^\s+(--[a-z-]+)(.*)$", helped, re.MULTILINE)
    assert {name for name, _ in options} >= {"--email", "--name", "--role", "--password", "--send-reset"}
    assert all(rest.strip() for _, rest in options)


def test_certificate_commands_take_the_code_or_the_number(runner, world, tmp_path):  # noqa: F811
    rosa = world["rosa"]
    assert runner.invoke(args=["lms", "certificates", "issue", "--email", rosa.email, "--course", "core",
                               "--reason", "Completed on paper"]).exit_code == 0
    from tests.test_certificates_manual import _certificate

    cert = _certificate(rosa)
    out = tmp_path / "c.pdf"
    by_number = runner.invoke(args=["lms", "certificates", "pdf", cert.number.lower().replace("-", " "), "-o", str(out)])
    assert by_number.exit_code == 0, by_number.output
    assert out.read_bytes().startswith(b"%PDF")
    helped = runner.invoke(args=["lms", "certificates", "revoke", "--help"]).output
    assert "verification code" in helped and "number" in helped
    missing = runner.invoke(args=["lms", "certificates", "revoke", "CHW-1999-000000", "--reason", "x"])
    assert missing.exit_code == 1 and "No certificate has the verification code or number" in missing.output
    revoked = runner.invoke(args=["lms", "certificates", "revoke", cert.number, "--reason", "Issued in error"])
    assert revoked.exit_code == 0, revoked.output
    assert f"Revoked {codes.display(cert.code)} ({cert.number})" in revoked.output


# ---------------------------------------------------------------- 3, 6: create-user

@pytest.mark.parametrize("email", ["bad email", "trainer2@", "@example.org", "trainer2@example"])
def test_create_user_refuses_an_address_the_sign_up_form_refuses(runner, email):
    result = runner.invoke(args=["lms", "create-user", "--email", email, "--name", "Tess Trainer",
                                 "--password", PASSWORD])
    assert result.exit_code == 1 and "Enter a valid email address" in result.output
    assert db_count() == 0


def test_create_user_prompts_for_the_password(runner):
    result = runner.invoke(args=["lms", "create-user", "--email", " Tess@Example.org ", "--name", "Tess Trainer"],
                           input=f"{PASSWORD}\n{PASSWORD}\n")
    assert result.exit_code == 0, result.output
    assert "Password" in result.output and accounts.get_user_by_email("tess@example.org").password_hash


def db_count() -> int:
    from lms import db

    return db.session.execute(select(func.count(User.id))).scalar_one()


@pytest.mark.parametrize(("language", "greeting"), [("es", "Hola, Tess Trainer:"), ("en", "Hello Tess Trainer,")])
def test_send_reset_emails_a_working_password_link_in_the_account_language(
        runner, client, mailbox, u, language, greeting):
    result = runner.invoke(args=["lms", "create-user", "--email", "tess@example.org", "--name", "Tess Trainer",
                                 "--role", "trainer", "--language", language, "--send-reset"])
    assert result.exit_code == 0, result.output
    user = accounts.get_user_by_email("tess@example.org")
    assert user.role is SiteRole.TRAINER and user.password_hash is None and user.locale == language
    [message] = mailbox
    body = body_of(message)
    assert message["To"] == "tess@example.org" and greeting in body
    link = re.search(r"https?://\S+/reset/\S+", body).group(0)
    path = link.split("://", 1)[1].split("/", 1)[1]
    assert client.get("/" + path).status_code == 200
    new = "a brand new trainer passphrase"
    response = client.submit("/" + path, {"password": new, "confirm": new})
    assert response.status_code == 302
    from lms.accounts import login_sessions

    assert login_sessions.authenticate("tess@example.org", new) is not None


def test_send_reset_creates_nothing_when_the_mail_cannot_go(app, runner, mailbox):
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        app.config["LMS_MAIL_PORT"] = sock.getsockname()[1]  # nothing listens there
    result = runner.invoke(args=["lms", "create-user", "--email", "tess@example.org", "--name", "Tess Trainer",
                                 "--send-reset"])
    assert result.exit_code == 1 and "was not created" in result.output
    assert accounts.get_user_by_email("tess@example.org") is None and mailbox == []


def test_send_reset_and_a_password_do_not_go_together(runner):
    result = runner.invoke(args=["lms", "create-user", "--email", "tess@example.org", "--name", "Tess Trainer",
                                 "--password", PASSWORD, "--send-reset"])
    assert result.exit_code == 2 and db_count() == 0
    bad = runner.invoke(args=["lms", "create-user", "--email", "tess@example.org", "--name", "Tess Trainer",
                              "--language", "xx", "--send-reset"])
    assert bad.exit_code == 2 and "--language" in bad.output


# ---------------------------------------------------------------- 9: the signing key

def test_db_upgrade_creates_the_signing_key_once(app, runner, client):
    assert keys.current_key() is None
    first = runner.invoke(args=["lms", "db", "upgrade"])
    assert first.exit_code == 0, first.output
    kid = keys.current_key().kid
    assert f"Created the credential-signing key {kid}" in first.output
    again = runner.invoke(args=["lms", "db", "upgrade"])
    assert again.exit_code == 0 and "signing key" not in again.output
    from lms import db

    assert db.session.execute(select(func.count(SigningKey.id))).scalar_one() == 1
    assert [k["kid"] for k in client.get("/.well-known/jwks.json").json["keys"]] == [kid]


def test_jwks_still_creates_the_key_lazily(client):
    assert len(client.get("/.well-known/jwks.json").json["keys"]) == 1


# ---------------------------------------------------------------- 8: system packages

def _run_system_deps(tmp_path, **env):
    """The script with a PATH that has what it needs to look (no apt-get, no wrk, pdftotext or chromium): it lists
    what it would install and exits 1, or exits 0 when nothing is missing."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    for tool in ("ldconfig", "grep", "id", "bash"):
        found = subprocess.run(["bash", "-c", f"command -v {tool}"], capture_output=True, text=True).stdout.strip()
        if found and not (bin_dir / tool).exists():
            os.symlink(found, bin_dir / tool)
    return subprocess.run(["bash", str(ROOT / "scripts" / "system-deps.sh")], capture_output=True, text=True,
                          env={"PATH": str(bin_dir), **env}, timeout=60)


def test_system_deps_leaves_test_tools_out_in_production(tmp_path):
    wanted = _run_system_deps(tmp_path)
    assert wanted.returncode == 1 and all(p in wanted.stderr for p in ("wrk", "poppler-utils", "chromium"))
    no_browser = _run_system_deps(tmp_path, LMS_SKIP_BROWSER="1")
    assert "wrk" in no_browser.stderr and "chromium" not in no_browser.stderr
    production = _run_system_deps(tmp_path, LMS_SKIP_TEST_TOOLS="1")
    assert not any(p in production.stderr for p in ("wrk", "poppler-utils", "chromium")), production.stderr
