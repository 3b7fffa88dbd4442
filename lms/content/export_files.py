"""Where an export's files go: checked with the importer's own reader, then written to a folder (``lms export-courses``)
or packed in a zip file (the download on the authoring pages)."""

from __future__ import annotations

import errno
import io
import shutil
import tempfile
import zipfile
from pathlib import Path, PurePosixPath

from lms.catalog.models import Course
from lms.content.export import CourseFiles, ExportRefused, export_course
from lms.content.validate import is_ignored, read_courses
from lms.i18n import _

#: Every file of a zip gets this date, so that the same course gives the same zip file.
ZIP_DATE = (1980, 1, 1, 0, 0, 0)


class TargetNotEmpty(Exception):
    """A course folder to write already holds course files (``--replace`` writes over them)."""

    def __init__(self, folder: Path) -> None:
        super().__init__(str(folder))
        self.folder = folder


def checked_files(course: Course) -> CourseFiles:
    """:func:`lms.content.export.export_course`, read back by the importer's reader before anyone gets them."""
    files = export_course(course)
    verify(files)
    return files


def verify(files: CourseFiles) -> None:
    """Read ``files`` as ``lms import-courses`` would, and raise :class:`ExportRefused` with every problem if it would
    refuse them (an export that does not import is a fault of the exporter: the message asks for a report)."""
    with tempfile.TemporaryDirectory(prefix="lms-export-") as tmp:
        root = Path(tmp)
        _write(files, root)
        problems = read_courses(root).problems
        if problems:
            lines = "; ".join(str(problem).removeprefix(f"{root}/") for problem in problems)
            # i18n: a fault of the exporter, not of the course; problems are the importer's messages, in English
            raise ExportRefused([_("These course files would not import (please report this): %(problems)s",
                                   problems=lines)])


def write_folder(files: CourseFiles, root: Path, *, replace: bool = False) -> list[Path]:
    """Write ``files`` under ``root``; the course folders written. A course folder that already holds course files
    raises :class:`TargetNotEmpty`, unless ``replace``: then what the export does not write (module folders, lesson
    and quiz files) is removed, and only hidden files and READMEs outside those module folders are kept.

    All or nothing: every course folder is made in a hidden folder beside them (``root/.lms-export-*``) and moved into
    place at the end, so an :class:`OSError` (a file where a folder should be, no room, no permission) leaves ``root``
    as it was (a folder the export created for it is removed again)."""
    folders = sorted({root / PurePosixPath(path).parts[0] for path in files})
    for folder in folders:
        if folder.is_symlink() or (folder.exists() and not folder.is_dir()):
            raise NotADirectoryError(errno.ENOTDIR, "a file is where the course folder should be", str(folder))
        if folder.exists() and _content(folder) and not replace:
            raise TargetNotEmpty(folder)
    created = _make_folder(root)
    try:
        staging = Path(tempfile.mkdtemp(prefix=".lms-export-", dir=root))
    except OSError:
        _remove_empty(created)
        raise
    try:
        new, old = staging / "new", staging / "old"
        new.mkdir()
        old.mkdir()
        for folder in folders:
            if folder.exists():  # what it keeps (hidden files, READMEs), then the export written over it
                shutil.copytree(folder, new / folder.name, symlinks=True)
                _clear(new / folder.name, {new / path for path in files})
        _write(files, new)
        _swap(folders, new, old)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        _remove_empty(created)
        raise
    shutil.rmtree(staging, ignore_errors=True)
    return folders


def _make_folder(root: Path) -> list[Path]:
    """Make ``root`` and its missing parents; those made, deepest first."""
    missing = [path for path in [root, *root.parents] if not path.exists()]
    root.mkdir(parents=True, exist_ok=True)
    return missing


def _remove_empty(folders: list[Path]) -> None:
    for folder in folders:
        try:
            folder.rmdir()
        except OSError:
            return


def _swap(folders: list[Path], new: Path, old: Path) -> None:
    """Move each course folder made in ``new`` into place, the one it replaces into ``old``; all back if one fails."""
    done: list[tuple[Path, bool]] = []
    try:
        for folder in folders:
            existed = folder.exists()
            if existed:
                folder.rename(old / folder.name)
            done.append((folder, existed))
            (new / folder.name).rename(folder)
    except OSError:
        for folder, existed in reversed(done):
            if (folder.exists() or folder.is_symlink()) and not (new / folder.name).exists():
                folder.rename(new / folder.name)
            if existed:
                (old / folder.name).rename(folder)
        raise


def zip_bytes(files: CourseFiles) -> bytes:
    """The files in a zip archive, in path order, each dated :data:`ZIP_DATE`: the same files, the same bytes."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(files):
            info = zipfile.ZipInfo(path, date_time=ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, files[path].encode("utf-8"))
    return buffer.getvalue()


def _write(files: CourseFiles, root: Path) -> None:
    for path, text in files.items():
        target = root / PurePosixPath(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(text.encode("utf-8"))  # bytes: no newline translation on any platform


def _content(folder: Path) -> list[Path]:
    """What the importer would read in a course folder (everything but hidden files and READMEs)."""
    return [path for path in folder.iterdir() if not is_ignored(path)]


def _clear(folder: Path, kept: set[Path]) -> None:
    modules = {path.parent for path in kept}
    for path in _content(folder):
        if path.is_dir() and path not in modules:
            shutil.rmtree(path)
        elif path.is_dir():
            for inner in _content(path):
                if inner not in kept:
                    shutil.rmtree(inner) if inner.is_dir() else inner.unlink()
        elif path not in kept:
            path.unlink()
