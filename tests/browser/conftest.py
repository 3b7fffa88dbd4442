"""Browser journeys: the real app served on loopback with the demo data, driven by Debian's Chromium through
Playwright, checked with axe-core. On failure each test leaves a screenshot and the page HTML of every page it opened
in tests/artifacts/.

One server (seeded once with the demo data) and one browser serve the whole browser suite; each test works with its
own people or records, or with demo records no other browser test changes, so the tests pass in any order."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
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
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]



def pytest_collection_modifyitems(items):
    """Every test here is a ``browser`` test (``-m "not browser"`` leaves them out); without Chromium they skip."""
    here = Path(__file__).parent
    skip = pytest.mark.skip(reason="Chromium is not installed (make test installs it)")
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.browser)
            if not Path(CHROMIUM).exists():
                item.add_marker(skip)


class LiveServer:
    def __init__(self, app, port: int) -> None:
        self.app = app
        self.url = f"http://127.0.0.1:{port}"

    @contextmanager
    def data(self) -> Iterator[None]:
        """Run service code against the served database, as a CLI command would: committed at the end."""
        with self.app.app_context():
            try:
                yield
                db.session.commit()
            except BaseException:
                db.session.rollback()
                raise
            finally:
                db.session.remove()


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
            "LMS_RATELIMIT_ENABLED": False, "LMS_LOCALES": ["en", "es"], "REDIS_URL": None,
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
        pages = list(getattr(item, "_lms_pages", []))
        for page in (item.funcargs.get("page"), getattr(item, "_lms_page", None)):
            if page is not None and page not in pages:
                pages.append(page)
        name = item.nodeid.replace("/", "_").replace("::", "-")
        for number, page in enumerate(pages):
            _save_artifacts(page, name if number == 0 else f"{name}-{number}")


def _save_artifacts(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    try:
        page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
        (ARTIFACTS / f"{name}.html").write_text(page.content(), encoding="utf-8")
    except Exception as exc:  # never hide the real failure
        print(f"could not save artifacts of {name}: {exc}")


def new_page(browser, live_server, *, locale: str = "en-US", phone: bool = False, viewport: dict | None = None,
             scale: float = 1, javascript: bool = True):
    """A page in a fresh browser context (no cookies). ``phone`` is a 390 by 844 touch screen; ``viewport`` and
    ``scale`` (device pixels per CSS pixel) set any other screen; ``javascript=False`` browses with JavaScript off."""
    options = {"is_mobile": True, "has_touch": True, "device_scale_factor": 2} if phone else {}
    context = browser.new_context(
        base_url=live_server.url, locale=locale, viewport=viewport or (PHONE if phone else DESKTOP),
        accept_downloads=True, timezone_id="America/Los_Angeles", java_script_enabled=javascript,
        **({"device_scale_factor": scale} | options),
    )
    return context.new_page()


@pytest.fixture
def open_page(browser, live_server, request):
    """``open_page(**new_page options)``: pages closed after the test and saved to tests/artifacts if it fails."""
    pages = request.node._lms_pages = []

    def open_(**options):
        page = new_page(browser, live_server, **options)
        pages.append(page)
        return page

    yield open_
    for page in pages:
        page.context.close()


@pytest.fixture
def page(browser, live_server, request):
    """A desktop English page; journeys that need another set-up use ``open_page``."""
    page = new_page(browser, live_server)
    request.node._lms_page = page
    yield page
    page.context.close()


_AXE = []


def axe_violations(page) -> list[tuple]:
    """Serious and critical axe-core violations (WCAG 2.2 A and AA rules) on the current page."""
    from axe_playwright_python.sync_playwright import Axe

    if not _AXE:
        _AXE.append(Axe())
    results = _AXE[0].run(page, options={"runOnly": {"type": "tag", "values": AXE_TAGS},
                                         "resultTypes": ["violations"]})
    return [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3]) for v in results.response["violations"]
            if v["impact"] in ("serious", "critical")]


def check_accessibility(page, label: str = "") -> None:
    """No serious or critical axe-core violation on the current page."""
    page.wait_for_load_state()  # axe needs a document: never run it while a page is still loading
    bad = axe_violations(page)
    assert bad == [], f"{label or page.url} ({page.locator('html').get_attribute('lang')}): {bad}"


def sign_in(page, email: str, password: str = DEMO_PASSWORD) -> None:
    page.goto("/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", password)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").first.click()


def switch_language(page, name: str) -> None:
    """Use the header's language switch: buttons for a signed-in person (the choice is saved to the profile), links
    for a visitor."""
    switch = page.locator(".lang-switch")
    with page.expect_navigation():
        switch.get_by_role("button", name=name).or_(switch.get_by_role("link", name=name)).click()


def menu(page):
    """The main menu, opened first where it is folded behind "Menu" (a phone, or a zoomed-in desktop)."""
    summary = page.locator(".nav-menu > summary")
    if summary.is_visible() and not page.locator(".nav-menu[open]").count():
        summary.click()
    return page.locator("nav.site-nav")


def follow(locator, *, tap: bool = False) -> None:
    """Click (or on a touch screen tap) a link or button that loads a new page, and wait for that page."""
    with locator.page.expect_navigation():
        locator.tap() if tap else locator.click()
