"""A plain `pip install .` (not editable) ships the templates, catalogs and migrations and serves pages."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

CHECK = """
import lms, sys
from lms import create_app
assert lms.__file__.startswith(sys.argv[1]), lms.__file__
app = create_app({"SECRET_KEY": "k" * 8 + "0123456789abcdefghijklmnopqrstuv", "SQLALCHEMY_DATABASE_URI": "sqlite://"})
client = app.test_client()
page = client.get("/login", headers={"Accept-Language": "es"})
assert page.status_code == 200, page.status_code
assert "Iniciar sesión" in page.get_data(as_text=True)
assert client.get("/static/lms.css").status_code == 200
print("ok")
"""


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", str(out), str(ROOT)],
                   check=True, timeout=300)
    return next(out.glob("chw_learn-*.whl"))


def test_wheel_contains_templates_catalogs_and_migrations(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for required in ("lms/templates/lms/base.html", "lms/translations/es/LC_MESSAGES/lms.mo",
                     "lms/migrations/env.py", "lms/static/lms.css"):
        assert required in names, required
    assert any(n.startswith("lms/migrations/versions/0001") for n in names)


def test_installed_wheel_serves_pages(wheel, tmp_path):
    target = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", str(target),
                    str(wheel)], check=True, timeout=300)
    env = {**os.environ, "PYTHONPATH": str(target), "LMS_INSTANCE_PATH": str(tmp_path / "instance")}
    result = subprocess.run([sys.executable, "-c", CHECK, str(target)], capture_output=True, text=True, env=env,
                            cwd=tmp_path, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"
