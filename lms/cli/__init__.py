"""The ``lms`` command line: ``lms <command>`` or ``flask --app wsgi lms <command>``.

Every command has ``--help`` and exits non-zero with a one-line reason on bad input, or when the database cannot be
reached. What a command changes is recorded in the audit log as made from the command line (:func:`lms.audit.made_from`).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click
from flask.cli import AppGroup, FlaskGroup, NoAppException, shell_command

from lms import audit
from lms import config as lms_config
from lms.cli import accounts as accounts_cli
from lms.cli import certificates as certificates_cli
from lms.cli import content as content_cli
from lms.cli import database, demo
from lms.cli import live as live_cli
from lms.cli import tokens as tokens_cli


def _run(invoke, ctx: click.Context):
    """A command run: its audit rows made from the command line, and a database it cannot use said in one line, not a
    traceback (:func:`database_problem`)."""
    from sqlalchemy.exc import DBAPIError

    try:
        with audit.made_from("cli"):
            return invoke(ctx)
    except DBAPIError as exc:
        raise click.ClickException(database_problem(exc)) from exc


def database_problem(exc: Exception) -> str:
    """One line for a database error: "Cannot reach the database: ..." when it could not connect (an error with no
    statement, or a connection lost), else "Database error: ..." with the driver's first line."""
    orig = getattr(exc, "orig", None) or exc
    lines = [line.strip() for line in str(orig).splitlines() if line.strip()]
    reason = (lines[0] if lines else type(orig).__name__)[:300]
    if getattr(exc, "statement", None) is None or getattr(exc, "connection_invalidated", False):
        return f"Cannot reach the database: {reason}"
    return f"Database error: {reason}"


class LMSAppGroup(AppGroup):
    """``flask --app wsgi lms ...``: its commands run as in :class:`LMSGroup`."""

    def invoke(self, ctx: click.Context):
        return _run(super().invoke, ctx)


lms_cli = LMSAppGroup("lms", help="CHW Learn commands.")


@click.command("init-secret")
def init_secret() -> None:
    """Create the key file secret_key in LMS_INSTANCE_PATH (default: instance/ beside the code) with a random key,
    once; an existing file is kept. Writes nothing when SECRET_KEY is set in the environment, which the app uses
    instead of the file."""
    path = Path(lms_config.default_instance_path()) / "secret_key"
    if path.exists():
        click.echo(f"Secret key already in {path}")
        return
    if os.environ.get("SECRET_KEY"):
        click.echo(
            f"Warning: SECRET_KEY is set in the environment, and the app uses it instead of a key file: nothing "
            f"written. Unset SECRET_KEY first to create {path}.",
            err=True,
        )
        return
    from flask import Flask

    app = Flask("lms", instance_path=str(path.parent))
    lms_config.load_secret_key(app, create=True)
    click.echo(f"Created {path}")


COMMANDS = [database.db_group, demo.demo_command, accounts_cli.create_user]
COMMANDS += [certificates_cli.certificates_group, certificates_cli.keys_group]
COMMANDS += [content_cli.import_courses_command, content_cli.export_courses_command, content_cli.rerender_lessons_command]
COMMANDS += [live_cli.send_reminders, tokens_cli.notify_expiring_tokens]
for command in COMMANDS:
    lms_cli.add_command(command)


def _create_app():
    from lms import create_app

    try:
        return create_app()
    except lms_config.ConfigError as exc:
        # a command that needs the app shows this one line (not a traceback) and exits non-zero
        raise NoAppException(str(exc)) from exc


class LMSGroup(FlaskGroup):
    """Flask's command group for the ``lms`` script, trimmed to what a site's operator needs: no ``--env-file``
    (python-dotenv is not installed and the script reads the real environment), no ``--app`` (the app is always
    :func:`lms.create_app`) and no ``--debug``; no development server (``run``) or ``routes``, and not the app's own
    ``lms`` group again (``flask --app wsgi lms ...`` reaches it; here its commands are at the top)."""

    HIDDEN = frozenset({"lms"})

    def __init__(self) -> None:
        super().__init__(create_app=_create_app, add_default_commands=False, add_version_option=False,
                         help="CHW Learn commands.", load_dotenv=False, set_debug_flag=False)
        self.params = [param for param in self.params if param.name not in {"env_file", "app", "debug"}]
        self.add_command(shell_command)

    def list_commands(self, ctx: click.Context) -> list[str]:
        # Every command is the group's own: listing them loads no app, so --help prints cleanly without a secret key
        # or a database (a command that needs them says why in one line when it runs).
        return sorted(name for name in click.Group.list_commands(self, ctx) if name not in self.HIDDEN)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        return None if name in self.HIDDEN else click.Group.get_command(self, ctx, name)

    def invoke(self, ctx: click.Context):
        return _run(super().invoke, ctx)


def make_group() -> LMSGroup:
    """The ``lms`` console script's command group."""
    group = LMSGroup()
    for command in [*COMMANDS, init_secret]:
        group.add_command(command)
    return group


def main() -> None:
    """Entry point of the ``lms`` console script."""
    sys.exit(make_group().main(prog_name="lms"))
