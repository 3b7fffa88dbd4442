"""``lms import-courses PATH [--dry-run]``: validate course files, then import them all or nothing; ``lms
rerender-lessons``: render stored lesson Markdown again after the renderer changed."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import click
from flask.cli import with_appcontext

from lms import db
from lms.catalog.texts import rerender_markdown
from lms.content import ImportFailure, count_files, import_courses, read_courses

#: Below this many files (or modules) the work is quick and a progress bar would only flicker.
PROGRESS_FROM = 40


@contextmanager
def _progress(length: int, label: str) -> Iterator[Callable[[], None]]:
    """A progress bar on stderr for long work; a no-op for short work."""
    if length < PROGRESS_FROM:
        yield lambda: None
        return
    with click.progressbar(length=length, label=label, file=sys.stderr) as bar:
        yield lambda: bar.update(1)


@click.command("import-courses")
@click.argument("path", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Validate and list what would change, without changing anything.")
@with_appcontext
def import_courses_command(path: Path, dry_run: bool) -> None:
    """Import the course folders under PATH (or the one course folder PATH).

    Every file is checked first; each problem is printed as file:line: message (paths start with PATH as given), and
    if there is any, nothing is imported. Slugs are keys: importing again updates courses in place and never touches
    trainees' enrolments, progress or quiz attempts. See docs/course-format.md.
    """
    with _progress(count_files(path), "Checking course files") as tick:
        reading = read_courses(path, tick)
    if reading.problems:
        for problem in reading.problems:
            click.echo(str(problem), err=True)
        count = len(reading.problems)
        raise click.ClickException(f"{count} problem{'s' if count != 1 else ''} in the course files; nothing was imported.")
    modules = sum(len(course.modules) for course in reading.courses)
    try:
        with _progress(modules, "Importing modules") as tick:
            summary = import_courses(reading.courses, tick=tick)
    except ImportFailure as exc:
        db.session.rollback()
        click.echo(str(exc.problem), err=True)
        raise click.ClickException("The import stopped; nothing was imported.") from exc
    except Exception:
        db.session.rollback()
        raise
    if dry_run:
        db.session.rollback()
        for line in summary.changes:
            click.echo(f"  {line}")
    else:
        db.session.commit()
    _report(summary, len(reading.courses), dry_run)


@click.command("rerender-lessons")
@with_appcontext
def rerender_lessons_command() -> None:
    """Render every stored lesson text again from its Markdown, in its language.

    Run it after an upgrade that changes how lessons render (for example the plain "Open the video on ..." link under
    each embedded video); importing unchanged course files leaves the stored rendering as it was. Only the rendered
    HTML changes, never the text or its translation state.
    """
    read, changed = rerender_markdown()
    db.session.commit()
    click.echo(f"{read} lesson texts read, {changed} rendered differently now.")


def _report(summary, courses: int, dry_run: bool) -> None:
    if not summary.changed:
        click.echo(f"{courses} course{'s' if courses != 1 else ''} checked: already up to date, nothing to change.")
        return
    verb = "Would change" if dry_run else "Imported"
    click.echo(f"{verb} {courses} course{'s' if courses != 1 else ''}: " + "; ".join(summary.lines()))
    if dry_run:
        click.echo("Dry run: nothing was changed.")
