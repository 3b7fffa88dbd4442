"""What the LMS writes is private to the user it runs as, whatever the umask: uploaded evidence and its folders, kept
(pending) uploads, rendered certificates, the SQLite database file (and SQLite's journal files, which take its
mode). Files 0600, folders 0700."""

from __future__ import annotations

import io
import os
import sqlite3
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from lms import create_app, storage
from lms.hours import evidence
from tests.conftest import SECRET

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def open_umask() -> Iterator[None]:
    """The loosest umask: nothing the LMS creates may rely on the umask to be private."""
    before = os.umask(0)
    try:
        yield
    finally:
        os.umask(before)


def test_stored_evidence_and_its_folders_are_private(app, make_user, tmp_path, open_umask):
    app.config["LMS_STORAGE_PATH"] = str(tmp_path / "fresh" / "storage")
    user = make_user()
    upload = evidence.read_upload(io.BytesIO(PNG), "sign-in sheet.png")
    stored = evidence.store(upload, user.id)
    path = evidence.path_of(stored)
    assert path.read_bytes() == PNG
    assert _mode(path) == 0o600
    assert _mode(path.parent) == 0o700 and _mode(path.parent.parent) == 0o700  # evidence/ and the storage root
    assert not list(path.parent.glob("*.part"))


def test_private_writes_tighten_an_existing_file_and_folders_are_made_once(app, tmp_path, open_umask):
    loose = tmp_path / "old.pdf"
    loose.write_bytes(b"old")
    loose.chmod(0o644)
    storage.write_private(loose, b"new")
    assert loose.read_bytes() == b"new" and _mode(loose) == 0o600
    made = storage.private_dir(tmp_path / "a" / "b")
    assert _mode(made) == 0o700
    made.chmod(0o750)  # an operator's own choice for an existing folder is kept
    assert _mode(storage.private_dir(made)) == 0o750


def test_the_sqlite_database_file_is_created_private(tmp_path, open_umask, monkeypatch):
    instance = tmp_path / "instance"
    monkeypatch.setenv("LMS_INSTANCE_PATH", str(tmp_path / "elsewhere"))
    url = f"sqlite:///{instance / 'lms.sqlite3'}"
    app = create_app({"TESTING": True, "SECRET_KEY": SECRET, "DATABASE_URL": url, "REDIS_URL": None})
    database = instance / "lms.sqlite3"
    assert app.config["SQLALCHEMY_DATABASE_URI"] == url
    assert _mode(database) == 0o600 and _mode(instance) == 0o700
    connection = sqlite3.connect(database)  # SQLite gives its journal files the database file's mode
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("CREATE TABLE t (x)")
    connection.commit()
    assert _mode(Path(f"{database}-wal")) == 0o600
    connection.close()


def test_an_existing_database_url_creates_no_sqlite_file(tmp_path, open_umask, monkeypatch):
    monkeypatch.setenv("LMS_INSTANCE_PATH", str(tmp_path / "instance"))
    create_app({"TESTING": True, "SECRET_KEY": SECRET, "SQLALCHEMY_DATABASE_URI": "sqlite://", "REDIS_URL": None})
    assert not (tmp_path / "instance" / "lms.sqlite3").exists()
