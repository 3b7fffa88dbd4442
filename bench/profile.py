"""Where a page's time goes: CPU time per request in this process (Flask test client, no HTTP server), SQL
statements per request, and optionally a pyinstrument profile. Beside the same figures for a minimal Flask app, this
says how far a page can get towards the hello ceiling of bench/run.py, whatever the server.

    .venv/bin/python bench/profile.py --database-url URL [--page lesson ...] [--requests 100] [--pyinstrument DIR]

Pages: hello, static (the stylesheet through the LMS), form (the verification form: the layout, no
database), verify, lesson, catalog, pdf (cached download), bulk100, bulk500, timesheet, quiz (the first module's
quiz page), complete (the lesson's "mark as complete", POST: done before, so it changes nothing). Needs the seed of
bench/seed.py. CPU time (time.process_time) is used because wall-clock time on a shared machine mostly measures the
neighbours; database server time is not in it (see bench/run.py for that).
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from common import PASSWORD, ROOT, SECRET
from run import fixtures, pdf_path

PAGES = ("hello", "static", "form", "verify", "lesson", "catalog", "pdf", "bulk100", "bulk500", "timesheet", "quiz",
         "complete")
#: Pages whose request is a form sent: they answer with a redirect (:func:`ok`).
REDIRECTS = ("complete",)


def make_app(database_url: str):
    sys.path.insert(0, str(ROOT))
    from lms import create_app

    return create_app({"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": SECRET, "LMS_RATELIMIT_ENABLED": False,
                       "RATELIMIT_ENABLED": False, "LMS_STORAGE_PATH": tempfile.mkdtemp(prefix="lms-bench-prof-")})


def requester(app, page: str, fx: dict) -> Callable[[], object]:
    """A function making one request for ``page`` (signed in through the real form where the page needs it)."""
    if page == "hello":
        from flask import Flask

        hello = Flask("hello")
        hello.get("/")(lambda: "Hello")
        client = hello.test_client()
        return lambda: client.get("/")
    client = app.test_client()
    who = {"lesson": fx["reader"], "catalog": fx["reader"], "quiz": fx["reader"], "complete": fx["reader"],
           "pdf": fx["holder"],
           "timesheet": "manager0@bench.example.org"}.get(page)
    if who:
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', client.get("/login").get_data(as_text=True))
        client.post("/login", data={"email": who, "password": PASSWORD, "csrf_token": token.group(1)})
    if page in ("lesson", "quiz", "complete"):  # the reader enrols as bench/run.py does (again is harmless)
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"',
                          client.get("/courses/chw-core").get_data(as_text=True))
        client.post("/courses/chw-core/enroll", data={"csrf_token": token.group(1)})
    if page == "complete":
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', client.get(fx["lesson"]).get_data(as_text=True))
        form = {"csrf_token": token.group(1)}
        return lambda: client.post(f"{fx['lesson']}/complete", data=form)
    if page.startswith("bulk"):
        body = json.dumps({"codes": (fx["codes"] * 5)[:int(page.removeprefix("bulk"))]})
        return lambda: client.post("/api/v1/certificates/verify", data=body, content_type="application/json")
    path = {"static": "/static/lms.css", "form": "/verify", "verify": f"/verify/{fx['codes'][1]}",
            "lesson": fx["lesson"], "catalog": "/courses/", "quiz": f"{fx['lesson'].rsplit('/', 1)[0]}/quiz",
            "pdf": pdf_path(fx), "timesheet": "/hours/orgs/bench-org-0/timesheets"}[page]
    return lambda: client.get(path)


def ok(page: str, response) -> bool:
    """Whether ``response`` is the page's normal answer (a redirect for :data:`REDIRECTS`)."""
    return response.status_code == (302 if page in REDIRECTS else 200)


def statements(app, request: Callable[[], object]) -> int:
    from sqlalchemy import event

    with app.app_context():
        engine = app.extensions["lms"].db.engine
    seen: list[str] = []
    listener = lambda *args: seen.append(args[2])  # noqa: E731
    event.listen(engine, "before_cursor_execute", listener)
    try:
        request()
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    return len(seen)


def cpu_ms(request: Callable[[], object], requests: int) -> float:
    """Median over 5 rounds of the CPU milliseconds per request."""
    rounds = []
    for _ in range(5):
        started = time.process_time()
        for _ in range(requests):
            request()
        rounds.append((time.process_time() - started) * 1000 / requests)
    return statistics.median(rounds)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--page", action="append", choices=PAGES)
    parser.add_argument("--requests", type=int, default=50, help="requests per round (5 rounds)")
    parser.add_argument("--pyinstrument", type=Path, help="also write a pyinstrument profile per page here")
    args = parser.parse_args()
    app, fx = make_app(args.database_url), fixtures(args.database_url)
    rows = []
    for page in args.page or PAGES:
        request = requester(app, page, fx)
        for _ in range(10):  # warm-up: compiled statements, templates, the PDF cache
            response = request()
        if not ok(page, response):
            raise SystemExit(f"{page} answered {response.status_code}")
        count = statements(app, request) if page != "hello" else 0
        rows.append((page, count, cpu_ms(request, max(5, args.requests // (20 if page == "timesheet" else 1)))))
        if args.pyinstrument:
            _profile(page, request, args.pyinstrument)
    hello = next((ms for page, _n, ms in rows if page == "hello"), None)
    database = "PostgreSQL" if args.database_url.startswith("postgres") else "SQLite"
    print(f"#### Per-request CPU in process, {database}: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC\n\n"
          f"`python bench/profile.py --requests {args.requests}`: Flask test client, no server; median of 5 rounds; "
          "the last column is the best ratio to the hello ceiling this page could reach if serving cost nothing.\n")
    print("| page | SQL statements | CPU ms per request | hello / page |\n|---|---:|---:|---:|")
    for page, count, ms in rows:
        print(f"| {page} | {count} | {ms:.2f} | {f'{hello / ms:.1%}' if hello else ''} |")


def _profile(page: str, request: Callable[[], object], folder: Path) -> None:
    from pyinstrument import Profiler

    folder.mkdir(parents=True, exist_ok=True)
    profiler = Profiler(interval=0.0005)
    profiler.start()
    for _ in range(100):
        request()
    profiler.stop()
    (folder / f"{page}.txt").write_text(profiler.output_text(color=False), encoding="utf-8")


if __name__ == "__main__":
    main()
