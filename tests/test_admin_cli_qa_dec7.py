"""QA of the command line (Dec 7): the audit log says a change came from the command line and names no wrong person,
``--by`` must be an active admin or trainer, unknown revisions and an unreachable database are one-line errors, and
``lms --help`` prints cleanly without a secret key."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from lms import db
from lms.accounts.models import SiteRole, User
from lms.audit import AuditEvent
from lms.certificates.models import Certificate
from lms.cli import make_group
from tests.test_certificates_cli import world  # noqa: F401  (fixture)
from tests.test_certificates_manual import _certificate, _issued_audit


def _rows(action: str) -> list[AuditEvent]:
    return list(db.session.execute(select(AuditEvent).where(AuditEvent.action == action)).scalars())


def test_create_user_is_logged_from_the_command_line_with_its_role(app, runner, make_user, client, login):
    admin = make_user("root@example.org", role=SiteRole.ADMIN)
    result = runner.invoke(args=["lms", "create-user", "--email", "second@example.org", "--name", "Second Admin",
                                 "--role", "admin", "--password", "a long enough pass phrase"])
    assert result.exit_code == 0, result.output
    second = db.session.execute(select(User).where(User.email == "second@example.org")).scalar_one()
    row = next(e for e in _rows("user.registered") if e.object_id == second.id)
    assert row.actor_id is None and row.data == {"role": "admin", "origin": "cli"}
    login(admin)
    page = client.get(app.config["TEST_PREFIX"] + "/admin/audit?action=user.registered").get_data(as_text=True)
    cells = page.split(f'id="event-{row.id}"')[1].split("</tr>")[0]
    assert "Command line" in cells and "Site role: Site administrator" in cells and "the command line" in cells
    assert "Second Admin</td>" not in cells.split("<td>")[2]  # the "Who" cell is not the new account


def test_sign_up_on_the_web_is_still_the_person_themself(app, make_user):
    user = make_user("self@example.org")
    row = next(e for e in _rows("user.registered") if e.object_id == user.id)
    assert row.actor_id == user.id and "origin" not in row.data


def test_issue_and_revoke_without_by_name_nobody_and_say_command_line(runner, world):  # noqa: F811
    args = ["lms", "certificates", "issue", "--email", "rosa@example.org", "--course", "core", "--reason", "Paper"]
    result = runner.invoke(args=args)
    assert result.exit_code == 0, result.output
    cert = _certificate(world["rosa"])
    issued = _issued_audit(cert)
    assert issued.actor_id is None and issued.data["origin"] == "cli" and cert.issued_by_id is None
    revoked = runner.invoke(args=["lms", "certificates", "revoke", cert.number, "--reason", "Mistake"])
    assert revoked.exit_code == 0, revoked.output
    row = next(e for e in _rows("certificate.revoked") if e.object_id == cert.id)
    assert row.actor_id is None and row.data["origin"] == "cli"
    assert db.session.get(Certificate, cert.id).revoked_by_id is None


@pytest.mark.parametrize(("by", "reason"), [("nobody@example.org", "no account has this email address"),
                                            ("nadia@example.org", "a site admin or trainer is needed"),
                                            ("teacher@example.org", "this account is disabled")])
def test_by_must_be_an_active_admin_or_trainer(runner, world, by, reason):  # noqa: F811
    world["trainer"].is_active = False
    db.session.commit()
    issue = runner.invoke(args=["lms", "certificates", "issue", "--email", "rosa@example.org", "--course", "core",
                                "--reason", "Paper", "--by", by])
    assert issue.exit_code == 1 and reason in issue.output and "no admin to default to" not in issue.output
    assert len(issue.output.strip().splitlines()) == 1 and _certificate(world["rosa"]) is None
    revoke = runner.invoke(args=["lms", "certificates", "revoke", "CHW-2026-000001", "--reason", "x", "--by", by])
    assert revoke.exit_code == 1 and reason in revoke.output


def test_by_an_active_trainer_is_the_actor_and_the_row_says_command_line(runner, world):  # noqa: F811
    result = runner.invoke(args=["lms", "certificates", "issue", "--email", "rosa@example.org", "--course", "core",
                                 "--reason", "Paper", "--by", "teacher@example.org"])
    assert result.exit_code == 0, result.output
    issued = _issued_audit(_certificate(world["rosa"]))
    assert issued.actor_id == world["trainer"].id and issued.data["origin"] == "cli"


@pytest.mark.parametrize("command", [["upgrade", "--revision", "nosuch"], ["downgrade", "--revision", "nosuch"],
                                     ["downgrade", "--revision", "nosuch", "--yes"]])
def test_an_unknown_revision_is_one_line_and_asks_nothing(runner, command):
    result = runner.invoke(args=["lms", "db", *command], input="y\n")
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output and "Revert the database" not in result.output
    assert result.output.strip().splitlines() == [result.output.strip()] and "nosuch" in result.output


STRONG = "k" * 8 + "0123456789abcdefghijklmnopqrstuv"


@pytest.mark.parametrize("args", [["db", "current"], ["db", "upgrade"],
                                  ["create-user", "--email", "a@example.org", "--name", "A", "--password", "x" * 12]])
def test_an_unreachable_database_is_one_line(tmp_path, monkeypatch, args):
    monkeypatch.setenv("LMS_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("SECRET_KEY", STRONG)
    # a folder where the database file should be: SQLite cannot open it, at once (no network wait)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}")
    result = CliRunner().invoke(make_group(), args)
    assert result.exit_code == 1, result.output
    assert "Cannot reach the database: unable to open database file" in result.output
    assert "Traceback" not in result.output and result.exception is not None and result.exception.__class__ is SystemExit


def test_help_without_a_key_prints_cleanly(tmp_path, monkeypatch):
    monkeypatch.setenv("LMS_INSTANCE_PATH", str(tmp_path))
    monkeypatch.delenv("SECRET_KEY", raising=False)
    result = CliRunner().invoke(make_group(), ["--help"])
    assert result.exit_code == 0 and "Error" not in result.output and "secret key" not in result.output
    assert {"db", "create-user", "demo", "export-courses"} <= set(result.output.split("Commands:")[1].split())
    command = CliRunner().invoke(make_group(), ["db", "current"])
    assert command.exit_code != 0 and "No secret key" in command.output


def test_demo_run_again_says_what_it_is_doing(runner):
    assert runner.invoke(args=["lms", "demo", "--password", "demo password 1"]).exit_code == 0
    again = runner.invoke(args=["lms", "demo", "--password", "demo password 1"])
    assert again.exit_code == 0, again.output
    steps = [line for line in again.output.splitlines() if line.startswith("Demo data: ")]
    assert steps[0] == "Demo data: accounts (checking each password)..." and "Demo data: live sessions..." in steps
    assert len(steps) >= 6
