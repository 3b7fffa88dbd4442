"""The ``lms`` command line: ``lms <command>`` or ``flask --app wsgi lms <command>``.

Every command has ``--help`` and exits non-zero with a one-line reason on bad input.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask.cli import AppGroup, FlaskGroup

from lms import config as lms_config
from lms.cli import accounts as accounts_cli
from lms.cli import certificates as certificates_cli
from lms.cli import content as content_cli
from lms.cli import database, demo
from lms.cli import live as live_cli

lms_cli = AppGroup("lms", help="CHW Learn commands.")


@click.command("init-secret")
def init_secret() -> None:
    """Create instance/secret_key with a random key, once (kept if it exists)."""
    path = Path(lms_config.default_instance_path()) / "secret_key"
    if path.exists():
        click.echo(f"Secret key already in {path}")
        return
    from flask import Flask

    app = Flask("lms", instance_path=str(path.parent))
    lms_config.load_secret_key(app, create=True)
    click.echo(f"Created {path}")


COMMANDS = [database.db_group, demo.demo_command, accounts_cli.create_user]
COMMANDS += [certificates_cli.certificates_group, certificates_cli.keys_group]
COMMANDS += [content_cli.import_courses_command, content_cli.export_courses_command, content_cli.rerender_lessons_command]
COMMANDS += [live_cli.send_reminders]
for command in COMMANDS:
    lms_cli.add_command(command)


def _create_app():
    from lms import create_app

    try:
        return create_app()
    except lms_config.ConfigError as exc:
        raise click.ClickException(str(exc)) from exc


def main() -> None:
    """Entry point of the ``lms`` console script."""
    group = FlaskGroup(create_app=_create_app, add_version_option=False, help="CHW Learn commands.",
                       load_dotenv=False, set_debug_flag=False)
    for command in [*COMMANDS, init_secret]:
        group.add_command(command)
    sys.exit(group.main(prog_name="lms"))
