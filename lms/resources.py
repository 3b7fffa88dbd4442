"""Where templates and catalogs live: inside the package when installed, at the project root in a checkout."""

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = PACKAGE_DIR.parent


def resource_path(name: str) -> Path:
    """Return ``lms/<name>`` in a built wheel, else ``<project>/<name>`` in a source checkout."""
    packaged = PACKAGE_DIR / name
    return packaged if packaged.is_dir() else PROJECT_DIR / name
