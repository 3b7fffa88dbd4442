"""``lms export-courses`` is all or nothing (QA Dec 7): a file where a course folder should be, a parent that is a
file, or a write that fails partway give a one-line reason and exit 1, and leave the target as it was."""

from __future__ import annotations

from pathlib import Path

import pytest

from lms.accounts.models import SiteRole
from lms.content import export_files
from tests.test_course_export import export, tree, tricky_course


@pytest.fixture
def course(make_user, make_org):
    return tricky_course(make_user("tina@example.org", role=SiteRole.TRAINER), make_org("valley"))


def _one_line(result) -> str:
    assert result.exit_code == 1 and "Traceback" not in result.output, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, result.output
    return lines[0]


def test_a_file_where_the_course_folder_should_be(app, runner, tmp_path, course):
    out = tmp_path / "out"
    out.mkdir()
    (out / "tricky").write_text("not a folder", encoding="utf-8")
    line = _one_line(export(runner, out, ok=False))
    assert "a file is where the course folder should be" in line and "Nothing was written" in line
    assert tree(out) == {"tricky": b"not a folder"}
    line = _one_line(export(runner, out, "--replace", ok=False))
    assert tree(out) == {"tricky": b"not a folder"}


def test_a_parent_that_is_a_file(app, runner, tmp_path, course):
    (tmp_path / "file").write_text("x", encoding="utf-8")
    line = _one_line(export(runner, tmp_path / "file" / "out", ok=False))
    assert "Cannot write the course files" in line and "Not a directory" in line
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file"]


def test_a_write_that_fails_partway_leaves_nothing_and_keeps_what_was_there(app, runner, tmp_path, course,
                                                                            monkeypatch):
    out = tmp_path / "new" / "out"
    real, calls = Path.write_bytes, []

    def failing(self, data):
        if "lms-export-" in str(self) and "/new/" in str(self):  # the target's staging, not the check's temp folder
            calls.append(self)
            if len(calls) == 3:
                raise OSError(28, "No space left on device", str(self))
        return real(self, data)

    monkeypatch.setattr(Path, "write_bytes", failing)
    line = _one_line(export(runner, out, ok=False))
    assert "No space left on device" in line and "Nothing was written" in line
    assert not (tmp_path / "new").exists()  # the folders made for it are removed again
    monkeypatch.setattr(Path, "write_bytes", real)
    export(runner, out)
    (out / "tricky" / "README.md").write_text("Notes", encoding="utf-8")
    before = tree(out)
    calls.clear()
    monkeypatch.setattr(Path, "write_bytes", failing)
    _one_line(export(runner, out, "--replace", ok=False))
    assert tree(out) == before and [p.name for p in out.iterdir()] == ["tricky"]


def test_a_rename_that_fails_puts_every_folder_back(tmp_path, monkeypatch):
    root = tmp_path / "out"
    (root / "a").mkdir(parents=True)
    (root / "a" / "course.yaml").write_text("old a", encoding="utf-8")
    (root / "b").mkdir()
    (root / "b" / "course.yaml").write_text("old b", encoding="utf-8")
    before = tree(root)
    real = Path.rename

    def failing(self, target):
        if Path(target) == root / "b" and "new" in str(self):
            raise OSError(13, "Permission denied", str(target))
        return real(self, target)

    monkeypatch.setattr(Path, "rename", failing)
    with pytest.raises(OSError):
        export_files.write_folder({"a/course.yaml": "new a", "b/course.yaml": "new b"}, root, replace=True)
    assert tree(root) == before and sorted(p.name for p in root.iterdir()) == ["a", "b"]
    monkeypatch.setattr(Path, "rename", real)
    export_files.write_folder({"a/course.yaml": "new a", "b/course.yaml": "new b"}, root, replace=True)
    assert tree(root) == {"a/course.yaml": b"new a", "b/course.yaml": b"new b"}
