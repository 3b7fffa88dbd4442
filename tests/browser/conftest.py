"""Browser journeys: the real app served on loopback with the demo data, driven by Debian's Chromium through
Playwright, checked with axe-core. On failure each test leaves a screenshot and the page HTML in tests/artifacts/."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from lms import create_app, db
from tests.conftest import SECRET, SMTP, _drop_lms_tables, _private_database

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "tests" / "artifacts"
CHROMIUM = "/usr/bin/chromium"
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
               "--disable-sync", "--no-first-run", "--disable-quic"]
DEMO_PASSWORD = "demo password 2026"
PHONE = {"width": 375, "height": 740}

pytestmark = pytest.mark.browser


def pytest_collection_modifyitems(items):
    if not Path(CHROMIUM).exists():
        skip = pytest.mark.skip(reason="Chromium is not installed (make test installs it)")
        for item in items:
            if "browser" in str(item.fspath):
                item.add_marker(skip)


class LiveServer:
    def __init__(self, app, port: int) -> None:
        self.app = app
        self.url = f"http://127.0.0.1:{port}"


@pytest.fixture(scope="session")
def live_server(tmp_path_factory, smtp_server) -> Iterator[LiveServer]:
    """The standalone app with migrated schema, imported courses and demo data, in a server thread."""
    instance = tmp_path_factory.mktemp("browser-instance")
    base = os.environ.get("TEST_DATABASE_URL") or f"sqlite:///{instance / 'browser.sqlite3'}"
    if base.startswith("postgresql://"):
        base = base.replace("postgresql://", "postgresql+psycopg://", 1)
    with _private_database(base, "browser") as url:
        _drop_lms_tables(url)
        app = create_app({
            "SECRET_KEY": SECRET, "SQLALCHEMY_DATABASE_URI": url, "LMS_MAIL_PORT": SMTP.port,
            "LMS_STORAGE_PATH": str(instance / "storage"), "LMS_ARGON2_TIME_COST": 1, "LMS_ARGON2_MEMORY_COST": 1024,
            "LMS_RATELIMIT_ENABLED": False, "LMS_LOCALES": ["en", "es"],
        })
        runner = app.test_cli_runner()
        for args in (["lms", "db", "upgrade"], ["lms", "import-courses", str(ROOT / "courses")],
                     ["lms", "demo", "--password", DEMO_PASSWORD]):
            result = runner.invoke(args=args)
            assert result.exit_code == 0, (args, result.output)
        server = make_server("127.0.0.1", 0, app, threaded=True)
        app.config["LMS_BASE_URL"] = f"http://127.0.0.1:{server.server_port}"
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield LiveServer(app, server.server_port)
        finally:
            server.shutdown()
            with app.app_context():
                db.session.remove()
                app.extensions["lms"].db.engine.dispose()


@pytest.fixture(scope="session")
def browser() -> Iterator:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        yield chromium
        chromium.close()


@pytest.hookimpl(tryfirst=True, hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.when == "call" and report.failed:
        page = item.funcargs.get("page") or getattr(item, "_lms_page", None)
        if page is not None:
            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            name = item.nodeid.replace("/", "_").replace("::", "-")
            try:
                page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
                (ARTIFACTS / f"{name}.html").write_text(page.content(), encoding="utf-8")
            except Exception as exc:  # noqa: BLE001 - never hide the real failure
                print(f"could not save artifacts: {exc}")


def new_page(browser, live_server, *, locale: str = "en-US", phone: bool = False):
    context = browser.new_context(
        base_url=live_server.url, locale=locale, viewport=PHONE if phone else {"width": 1280, "height": 900},
        accept_downloads=True, timezone_id="America/Los_Angeles",
    )
    context.set_default_timeout(15_000)
    return context.new_page()


@pytest.fixture
def page(browser, live_server, request):
    """A desktop English page; journeys that need another set-up call ``new_page`` themselves."""
    page = new_page(browser, live_server)
    request.node._lms_page = page
    yield page
    page.context.close()


def check_accessibility(page, label: str = "") -> None:
    """axe-core (WCAG 2.2 AA rules): no serious or critical violations on the current page."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options={"runOnly": {"type": "tag",
                                                   "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]}})
    bad = [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3]) for v in results.response["violations"]
           if v["impact"] in ("serious", "critical")]
    assert bad == [], f"{label or page.url}: {bad}"


def sign_in(page, email: str, password: str = DEMO_PASSWORD) -> None:
    page.goto("/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", password)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").first.click()
