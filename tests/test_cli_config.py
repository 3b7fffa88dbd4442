"""The command line, configuration and the secret-key rules."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import func, select

from lms import LMS, create_app, db
from lms.accounts import login_sessions
from lms.accounts import services as accounts
from lms.accounts.models import User
from lms.config import ConfigError, check_secret_key, load_secret_key
from lms.demo import ACCOUNTS
from lms.orgs.models import Membership, Organisation

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("key", [None, "", "dev", "changeme", "short-but-random"])
def test_weak_or_missing_secret_key_is_refused(key):
    with pytest.raises(ConfigError):
        check_secret_key(key)


def test_app_refuses_to_start_without_a_key(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("LMS_INSTANCE_PATH", str(tmp_path))
    with pytest.raises(ConfigError, match="No secret key"):
        create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"})
    with pytest.raises(ConfigError, match="known default"):
        create_app({"SECRET_KEY": "dev", "SQLALCHEMY_DATABASE_URI": "sqlite://"})


def test_secret_key_file_is_created_once_and_reused(tmp_path):
    first = Flask("a", instance_path=str(tmp_path))
    load_secret_key(first, create=True)
    second = Flask("b", instance_path=str(tmp_path))
    load_secret_key(second)
    assert first.config["SECRET_KEY"] == second.config["SECRET_KEY"] and len(second.config["SECRET_KEY"]) >= 32
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_environment_configuration(tmp_path, monkeypatch):
    monkeypatch.setenv("LMS_SIGNUP_ENABLED", "false")
    monkeypatch.setenv("LMS_LOCALES", "en, es, vi")
    monkeypatch.setenv("LMS_MAIL_PORT", "2525")
    monkeypatch.setenv("DATABASE_URL", "postgresql://user@db/lms")
    app = create_app({"SECRET_KEY": "x" * 8 + "0123456789abcdefghijklmnopqrstuv"})
    assert app.config["LMS_SIGNUP_ENABLED"] is False
    assert app.config["LMS_LOCALES"] == ["en", "es", "vi"]
    assert app.config["LMS_MAIL_PORT"] == 2525
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://user@db/lms"


def test_extension_cannot_be_registered_twice(app):
    with pytest.raises(RuntimeError, match="already registered"):
        LMS(app)


def test_demo_is_idempotent(app, runner):
    first = runner.invoke(args=["lms", "demo", "--password", "demo password 1"])
    assert first.exit_code == 0, first.output
    for account in ACCOUNTS:
        assert account.email in first.output
    second = runner.invoke(args=["lms", "demo", "--password", "demo password 1"])
    assert second.exit_code == 0, second.output
    assert db.session.execute(select(func.count(User.id))).scalar_one() == len(ACCOUNTS)
    assert db.session.execute(select(func.count(Organisation.id))).scalar_one() == 1
    assert db.session.execute(select(func.count(Membership.id))).scalar_one() == 3
    assert login_sessions.authenticate("promotora@example.org", "demo password 1").locale == "es"


def test_demo_rejects_short_password(runner):
    result = runner.invoke(args=["lms", "demo", "--password", "short"])
    assert result.exit_code != 0 and "at least 10 characters" in result.output


def test_create_user(runner):
    result = runner.invoke(args=["lms", "create-user", "--email", "T@Example.org", "--name", "T", "--role", "trainer",
                                 "--password", "long enough pw"])
    assert result.exit_code == 0, result.output
    assert accounts.get_user_by_email("t@example.org").is_trainer
    again = runner.invoke(args=["lms", "create-user", "--email", "t@example.org", "--name", "T",
                                "--password", "long enough pw"])
    assert again.exit_code == 1 and "already exists" in again.output


def test_db_current_reports_head(runner):
    result = runner.invoke(args=["lms", "db", "current"])
    assert result.exit_code == 0 and result.output.strip() != "base"


def test_console_script_help_and_bad_input(tmp_path):
    lms = Path(sys.executable).parent / "lms"
    env = {"PATH": "/usr/bin:/bin", "LMS_INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "k" * 8 + "0123456789abcdefghijklmnopqrstuv",
           "DATABASE_URL": f"sqlite:///{tmp_path}/cli.sqlite3"}
    helped = subprocess.run([lms, "--help"], capture_output=True, text=True, env=env, timeout=60)
    assert helped.returncode == 0
    for command in ("db", "demo", "create-user", "init-secret"):
        assert command in helped.stdout
    bad = subprocess.run([lms, "create-user", "--email", "x@example.org"], capture_output=True, text=True, env=env,
                         timeout=60)
    assert bad.returncode != 0 and "Missing option" in bad.stderr
    upgraded = subprocess.run([lms, "db", "upgrade"], capture_output=True, text=True, env=env, timeout=60)
    assert upgraded.returncode == 0, upgraded.stderr
    no_key = subprocess.run([lms, "db", "current"], capture_output=True, text=True, timeout=60,
                            env={**env, "SECRET_KEY": "dev"})
    assert no_key.returncode != 0 and "SECRET_KEY" in no_key.stderr


def test_format_locales_from_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("LMS_FORMAT_LOCALES", "en:en_US, es:es_MX")
    app = create_app({"SECRET_KEY": "x" * 8 + "0123456789abcdefghijklmnopqrstuv", "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert app.config["LMS_FORMAT_LOCALES"] == {"en": "en_US", "es": "es_MX"}
