"""``lms import-courses PATH [--dry-run] [--archive-missing]``: validate course files, then import them all or nothing;
``lms export-courses PATH [--course SLUG]... [--replace]``: write courses back as such files; ``lms rerender-lessons``:
render stored lesson Markdown again after the renderer changed."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import click
from flask.cli import with_appcontext

from lms import db
from lms.catalog.models import Course
from lms.catalog.services import find_course, list_catalog
from lms.catalog.texts import rerender_markdown
from lms.content import ArchiveRefused, ImportFailure, count_files, import_courses, read_courses
from lms.content.export import CourseFiles, ExportRefused
from lms.content.export_files import TargetNotEmpty, checked_files, write_folder

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
@click.option("--archive-missing", is_flag=True,
              help="Archive modules the files no longer list even if trainees are taking the course or worked on them.")
@with_appcontext
def import_courses_command(path: Path, dry_run: bool, archive_missing: bool) -> None:
    """Import the course folders under PATH (or the one course folder PATH).

    Every file is checked first; each problem is printed as file:line: message (paths start with PATH as given), and
    if there is any, nothing is imported. Slugs are keys: importing again updates courses in place and never touches
    trainees' enrolments, progress or quiz attempts. A module on the site that the files no longer list is archived;
    if trainees are taking its course or worked on it, the import stops and names it with those counts, unless
    --archive-missing is given; if it has live sessions still scheduled, the import stops and names it with their
    number whatever the options (cancel them first). See docs/course-format.md.
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
            summary = import_courses(reading.courses, tick=tick, archive_missing=archive_missing)
    except ImportFailure as exc:
        db.session.rollback()
        click.echo(str(exc.problem), err=True)
        raise click.ClickException("The import stopped; nothing was imported.") from exc
    except ArchiveRefused as exc:
        db.session.rollback()
        _refuse_archiving(exc.held, exc.scheduled)
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
    for line in summary.archived_with_people:
        verb = "Would archive" if dry_run else "Archived"
        click.echo(f"{verb} {line} (their records are kept).", err=True)


def _refuse_archiving(held: list[str], scheduled: list[str]) -> None:
    """Name each module the files left out that has live sessions still scheduled, or that trainees are taking or
    worked on, then stop (nothing imported), saying what to do about each kind."""
    for line in scheduled + held:
        click.echo(f"not archived: {line}", err=True)
    reasons = [_scheduled_reason(len(scheduled))] if scheduled else []
    if held:
        reasons.append(_held_reason(len(held), stopped=not scheduled))
    raise click.ClickException(" ".join(reasons))


def _scheduled_reason(count: int) -> str:
    one = count == 1
    return (
        f"{count} module{'' if one else 's'} on the site {'is' if one else 'are'} not in the files but still "
        f"{'has' if one else 'have'} scheduled live sessions, so the import cannot archive {'it' if one else 'them'}, "
        f"even with --archive-missing; nothing was imported. Cancel {'its' if one else 'their'} sessions first, on "
        "the Live sessions page (the people registered are told; a session that has started cannot be cancelled: "
        "finalise its attendance instead), then run the import again; or, to keep "
        f"{'it' if one else 'them'}, add {'it' if one else 'them'} to the files.")


def _held_reason(count: int, stopped: bool) -> str:
    one = count == 1
    return (
        f"{count} module{'' if one else 's'} on the site {'is' if one else 'are'} not in the files, and trainees "
        f"are taking {'its' if one else 'their'} course or worked on {'it' if one else 'them'}"
        f"{'; nothing was imported' if stopped else ''}. "
        f"To keep {'it' if one else 'them'}, add {'it' if one else 'them'} to the files; to archive "
        f"{'it' if one else 'them'} anyway, run the import again with --archive-missing (trainees' records are kept, "
        "and a module can be restored on its course's authoring page).")


@click.command("export-courses")
@click.argument("path", type=click.Path(file_okay=False, path_type=Path))
@click.option("--course", "slugs", multiple=True, metavar="SLUG", help="Export this course (repeat for more); default: all.")
@click.option("--replace", is_flag=True,
              help="Write over course folders that exist: what the export does not write is removed from them.")
@with_appcontext
def export_courses_command(path: Path, slugs: tuple[str, ...], replace: bool) -> None:
    """Write courses as course files under PATH, one folder per course (PATH/<slug>/), in the format import-courses
    reads: importing them gives the same courses, translations and quizzes included. Removed modules, lessons,
    quizzes, questions and answers are left out. Nothing is written if any course cannot be exported.
    See docs/course-format.md.
    """
    courses = _courses(slugs)
    if not courses:
        click.echo("There are no courses on this site: nothing to export.")
        return
    files: CourseFiles = {}
    try:
        with _progress(len(courses), "Exporting courses") as tick:
            for course in courses:
                files |= checked_files(course)
                tick()
        folders = write_folder(files, path, replace=replace)
    except ExportRefused as exc:
        raise click.ClickException(f"{course.slug}: {exc.message} Nothing was written.") from exc
    except TargetNotEmpty as exc:
        raise click.ClickException(f"{exc.folder} already holds course files: use --replace to write over them "
                                   "(what the export does not write is removed), or choose another folder.") from exc
    except OSError as exc:  # a file where a folder should be, no permission, no room: write_folder undid its writes
        where = f"{exc.filename}: " if exc.filename else ""
        raise click.ClickException(f"Cannot write the course files ({where}{exc.strerror or exc}). "
                                   "Nothing was written.") from exc
    count = len(folders)
    click.echo(f"Exported {count} course{'s' if count != 1 else ''} ({len(files)} files): "
               + ", ".join(str(folder) for folder in folders))


def _courses(slugs: tuple[str, ...]) -> list[Course]:
    if not slugs:
        return list_catalog(published_only=False)
    missing = [slug for slug in slugs if find_course(slug) is None]
    if missing:
        raise click.ClickException(f"No course has the short name {', '.join(map(repr, missing))}.")
    return [find_course(slug) for slug in dict.fromkeys(slugs)]


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
