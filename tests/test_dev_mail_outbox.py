"""Development email: with ``LMS_MAIL_OUTBOX`` set, messages are written as ``.eml`` files (in the instance folder for
a relative path) instead of being sent, each logged at WARNING so the ``flask run`` console shows it; ``make run``
sets it, ``lms demo`` says where mail goes. Without it the site sends by SMTP as before (tests/conftest.py's server)."""

from __future__ import annotations

import logging
import re
from email import message_from_bytes, policy
from pathlib import Path

import pytest

from lms.notify.services import MailError
from tests.conftest import PASSWORD, SECRET, body_of

ROOT = Path(__file__).resolve().parent.parent
LINK = re.compile(r"https?://\S+/reset/\S+")


@pytest.fixture
def app_config():
    return {"LMS_MAIL_OUTBOX": "outbox", "LMS_MAIL_PORT": 1}  # nothing listens on port 1: SMTP must not be tried


@pytest.fixture(autouse=True)
def instance_folder(app, tmp_path):
    """The test apps share the checkout's instance folder; the outbox goes to a folder of this test's own."""
    app.instance_path = str(tmp_path / "instance")


def _outbox(app) -> list[Path]:
    return sorted((Path(app.instance_path) / "outbox").glob("*.eml"))


def test_a_reset_is_written_to_the_outbox_and_its_link_works(app, client, u, make_user, mailbox, caplog):
    make_user("ana@example.org", name="Ana Ruiz")
    with caplog.at_level(logging.WARNING, logger=app.logger.name):
        response = client.submit(u("lms.accounts.reset_request"), {"email": "ana@example.org"})
    assert response.status_code == 200, response.text[:300]  # the normal "check your email" page, not a 503
    assert "We could not send" not in response.text
    [path] = _outbox(app)
    assert mailbox == []  # written, not sent
    assert any("written to" in r.getMessage() and str(path) in r.getMessage() and r.levelno == logging.WARNING
               for r in caplog.records)
    message = message_from_bytes(path.read_bytes(), policy=policy.default)
    assert message["To"] == "ana@example.org" and message["Subject"] and message["Date"] and message["Message-ID"]
    [link] = LINK.findall(body_of(message))
    reset_path = link.split("://", 1)[1].partition("/")[2]
    page = client.get("/" + reset_path)
    assert page.status_code == 200
    done = client.submit("/" + reset_path, {"password": "a brand new password", "confirm": "a brand new password"})
    assert done.status_code == 302


def test_the_outbox_file_is_for_its_owner_only(app, client, u, make_user):
    make_user("ana@example.org")
    client.submit(u("lms.accounts.reset_request"), {"email": "ana@example.org"})
    [path] = _outbox(app)
    assert path.stat().st_mode & 0o077 == 0  # it holds a password-reset link
    assert path.name.endswith("-ana@example.org.eml")


def test_an_invitation_is_written_to_the_outbox(app, client, u, make_user, make_org, login):
    manager = make_user("boss@example.org", name="Boss")
    make_org("acme", manager=manager)
    login(manager, PASSWORD)
    response = client.submit(u("lms.orgs.invite", org_slug="acme"), {"email": "new.person@example.org", "name": "New Person",
                                                                      "role": "member", "employment_type": "employee"})
    assert response.status_code in (200, 302), response.text[:500]
    [path] = _outbox(app)
    message = message_from_bytes(path.read_bytes(), policy=policy.default)
    assert message["To"] == "new.person@example.org"
    assert "/orgs/invitations/" in body_of(message)


@pytest.mark.parametrize("app_config", [{"LMS_MAIL_OUTBOX": ""}])
def test_without_the_setting_mail_goes_by_smtp(app, client, u, make_user, mailbox, app_config):
    make_user("ana@example.org")
    assert client.submit(u("lms.accounts.reset_request"), {"email": "ana@example.org"}).status_code == 200
    assert len(mailbox) == 1 and _outbox(app) == []


def test_an_absolute_outbox_path_is_used_as_it_is(app, client, u, make_user, tmp_path):
    app.config["LMS_MAIL_OUTBOX"] = str(tmp_path / "elsewhere" / "mail")
    make_user("ana@example.org")
    assert client.submit(u("lms.accounts.reset_request"), {"email": "ana@example.org"}).status_code == 200
    assert len(list((tmp_path / "elsewhere" / "mail").glob("*.eml"))) == 1 and _outbox(app) == []


def test_an_unwritable_outbox_is_a_mail_error(app, client, u, tmp_path, caplog):
    """Dealt with as any failure to send is: sign-up sends after the response, so it is logged, not shown (the page
    says nothing of it, so as not to tell who has an account: tests/test_mail_after_response.py)."""
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    app.config["LMS_MAIL_OUTBOX"] = str(blocker / "outbox")
    with caplog.at_level(logging.WARNING):
        client.submit(u("lms.accounts.signup"), {"name": "Ana", "email": "ana@example.org", "password": PASSWORD,
                                                 "confirm": PASSWORD, "agree": "y"})
    [failure] = [r for r in caplog.records if "after the response" in r.getMessage()]
    assert failure.exc_info is not None and failure.exc_info[0] is MailError


def test_disabled_mail_is_logged_where_the_console_shows_it(app, client, u, make_user, caplog):
    app.config["LMS_MAIL_ENABLED"] = False
    make_user("ana@example.org")
    with caplog.at_level(logging.WARNING, logger=app.logger.name):
        assert client.submit(u("lms.accounts.reset_request"), {"email": "ana@example.org"}).status_code == 200
    assert any("not sending" in r.getMessage() and r.levelno == logging.WARNING for r in caplog.records)
    assert _outbox(app) == []


def test_lms_demo_says_where_mail_goes(app, runner):
    result = runner.invoke(args=["lms", "demo", "--password", "demo password 1"])
    assert result.exit_code == 0, result.output
    assert f"written to {Path(app.instance_path) / 'outbox'}/" in result.output
    app.config["LMS_MAIL_OUTBOX"] = ""
    result = runner.invoke(args=["lms", "demo", "--password", "demo password 1"])
    assert "Email: sent by SMTP through 127.0.0.1:1" in result.output


def test_the_setting_is_read_from_the_environment(monkeypatch, tmp_path):
    from lms import create_app

    monkeypatch.setenv("LMS_MAIL_OUTBOX", "dev-mail")
    app = create_app({"SECRET_KEY": SECRET, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'x.sqlite3'}"})
    assert app.config["LMS_MAIL_OUTBOX"] == "dev-mail"
    monkeypatch.delenv("LMS_MAIL_OUTBOX")
    production = create_app({"SECRET_KEY": SECRET, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'y.sqlite3'}"})
    assert production.config["LMS_MAIL_OUTBOX"] == ""  # SMTP by default


def test_make_run_writes_mail_to_the_outbox_by_default():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert "run: export LMS_MAIL_OUTBOX ?= outbox" in makefile
