"""The storage directory for files the LMS writes (evidence uploads, rendered certificates, signing keys).

``LMS_STORAGE_PATH`` (default ``<instance>/storage``); in production a shared volume (docs/deploy.md). It is never
served directly: files go out only through views that check access.

Files hold people's records (evidence of training, certificates), so what the LMS creates is private to the user the
app runs as, whatever the process's umask: folders ``0700`` (:func:`private_dir`), files ``0600``
(:func:`write_private`, :func:`create_private_file`). Folders and files that already exist keep their modes.
"""

from __future__ import annotations

import os
from pathlib import Path

from flask import current_app

PRIVATE_DIR = 0o700
PRIVATE_FILE = 0o600


def storage_root() -> Path:
    configured = current_app.config.get("LMS_STORAGE_PATH")
    return private_dir(Path(configured) if configured else Path(current_app.instance_path) / "storage")


def storage_dir(name: str) -> Path:
    """A sub-directory (``evidence``, ``certificates``, ``keys``), created on first use."""
    return private_dir(storage_root() / name)


def private_dir(path: Path) -> Path:
    """``path``, created ``0700`` (with any missing parents) if it does not exist yet."""
    if not path.is_dir():
        path.mkdir(parents=True, exist_ok=True, mode=PRIVATE_DIR)
        os.chmod(path, PRIVATE_DIR)  # mkdir's mode is cut by the umask; another process may have made it first
    return path


def write_private(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` (created or truncated), readable and writable by this user only. The file is never,
    even for a moment, open to others: created ``0600`` or less, then set to exactly ``0600``."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, PRIVATE_FILE)
    with os.fdopen(descriptor, "wb") as file:
        os.fchmod(descriptor, PRIVATE_FILE)
        file.write(data)


def create_private_file(path: Path) -> None:
    """Create ``path`` empty and ``0600`` (its folder ``0700``) unless it exists, e.g. a SQLite database before its
    first connection: SQLite then gives its journal files the database's mode."""
    private_dir(path.parent)
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE)
    except FileExistsError:
        return
    os.fchmod(descriptor, PRIVATE_FILE)
    os.close(descriptor)
