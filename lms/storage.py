"""The storage directory for files the LMS writes (evidence uploads, rendered certificates, signing keys).

``LMS_STORAGE_PATH`` (default ``<instance>/storage``); in production a shared volume (docs/deploy.md). It is never
served directly: files go out only through views that check access.
"""

from __future__ import annotations

from pathlib import Path

from flask import current_app


def storage_root() -> Path:
    configured = current_app.config.get("LMS_STORAGE_PATH")
    root = Path(configured) if configured else Path(current_app.instance_path) / "storage"
    root.mkdir(parents=True, exist_ok=True)
    return root


def storage_dir(name: str) -> Path:
    """A sub-directory (``evidence``, ``certificates``, ``keys``), created on first use."""
    path = storage_root() / name
    path.mkdir(parents=True, exist_ok=True)
    return path
