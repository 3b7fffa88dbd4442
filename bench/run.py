"""HTTP load: serve the LMS and a minimal Flask "hello" app with gunicorn (2 sync workers, --preload) and measure key
pages with wrk on loopback in the same run, each as a ratio of the hello ceiling. Prints a Markdown table; ``--out``
also appends it to a file. ``bench/http.sh`` calls this.

    .venv/bin/python bench/run.py [--database-url URL] [--seconds 10] [--connections 32] [--out FILE]

The database must hold the large seed (bench/seed.py); without ``--database-url`` a small seed is made in a temporary
SQLite file first. Signed-in pages use the session cookie of the real /login form (CSRF included), passed to wrk
with ``-H``. Rate limits are off for the bench app (``LMS_RATELIMIT_ENABLED=false``, see ``common.app_env``): with
them on, almost every request of a load test would be a 429.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from common import BENCH, ROOT, SECRET, Browser, Server, app_env, machine, postgres_version, publish, wrk


@dataclass
class Page:
    name: str
    path: str
    connections: int
    target: str = ""
    headers: list[str] = field(default_factory=list)
    body: Path | None = None  # POST this JSON (bench/post.lua)
    min_ratio: float | None = None  # target: requests/s at least this share of the ceiling
    max_p99: float | None = None  # target: p99 at most this many ms
    max_p50: float | None = None  # target: median at most this many ms
    server: str = "lms"  # or "lookup": bench/lookup.py, the minimal lookup-plus-template app


def fixtures(database_url: str) -> dict:
    """What the pages need from the seeded database: codes, a holder, a reader, the first lesson, the sizes."""
    sys.path.insert(0, str(ROOT))
    from sqlalchemy import func, select

    from lms import create_app, db
    from lms.accounts.models import User
    from lms.catalog import services as catalog
    from lms.catalog.models import Course
    from lms.certificates.models import Certificate, CertificateStatus
    from lms.db import utcnow
    from lms.hours.models import HoursEntry
    from lms.orgs.models import Organisation

    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": SECRET})
    with app.app_context():
        valid = (select(Certificate).where(Certificate.status == CertificateStatus.VALID,
                                           Certificate.expires_at > utcnow()).order_by(Certificate.id).limit(500))
        certs = list(db.session.execute(valid).scalars())
        trainees = select(User.email).where(User.email.like("trainee%@bench.example.org"))
        reader = (db.session.execute(trainees.where(User.id.not_in(select(Certificate.user_id))).order_by(User.id))
                  .scalar() or db.session.execute(trainees.order_by(User.id.desc())).scalar())
        course = db.session.execute(select(Course).where(Course.slug == "chw-core")).scalar_one()
        outline = catalog.load_outline(course)
        lesson = outline.all_lessons()[0]
        module = next(m for m in outline.modules if m.id == lesson.module_id)
        count = lambda model: db.session.scalar(select(func.count()).select_from(model))  # noqa: E731
        return {
            "codes": [c.code for c in certs],
            "holder": db.session.get(User, certs[0].user_id).email,
            "reader": reader,
            "lesson": f"/courses/{course.slug}/{module.slug}/{lesson.slug}",
            "sizes": {"organisations": count(Organisation), "users": count(User), "hours entries": count(HoursEntry),
                      "certificates": count(Certificate)},
        }


def sign_in(lms: Server, fx: dict) -> dict[str, str]:
    """Cookie headers of a reader enrolled in the core course, a certificate holder (their PDF rendered once, so the
    download is the cached one) and the manager of the 1,000-trainee organisation."""
    reader = Browser(lms.url).login(fx["reader"])
    status, _page = reader.post_form("/courses/chw-core/enroll", {}, form_page="/courses/chw-core")
    if status != 200:
        raise SystemExit(f"enrolment failed ({status})")
    holder = Browser(lms.url).login(fx["holder"])
    if holder.get(pdf_path(fx))[0] != 200:
        raise SystemExit("the holder cannot download their certificate")
    manager = Browser(lms.url).login("manager0@bench.example.org")
    return {"reader": reader.cookie_header(), "holder": holder.cookie_header(), "manager": manager.cookie_header()}


def pdf_path(fx: dict) -> str:
    return f"/certificates/{fx['codes'][0]}/certificate.pdf?lang=en"


def pages(fx: dict, cookies: dict[str, str], work: Path, connections: int) -> list[Page]:
    bodies = {}
    for size in (100, 500):
        bodies[size] = work / f"verify-{size}.json"
        bodies[size].write_text(json.dumps({"codes": (fx["codes"] * 5)[:size]}))
    c = connections
    return [
        # References without targets: what the LMS costs before a page does anything of its own.
        Page("reference: the stylesheet, through the LMS (no template, no database)", "/static/lms.css", c),
        Page("reference: the verification form (page layout, no database)", "/verify", c),
        Page("reference: minimal Flask look-up and small template, no LMS (bench/lookup.py)",
             f"/verify/{fx['codes'][1]}", c, server="lookup"),
        Page("public verification page", f"/verify/{fx['codes'][1]}", c, "≥ 40% of ceiling", min_ratio=0.40),
        Page("signed-in lesson page", fx["lesson"], c, f"≥ 20% of ceiling, p99 ≤ 50 ms at {c}", [cookies["reader"]],
             min_ratio=0.20, max_p99=50),
        Page("catalog (signed in)", "/courses/", c, "", [cookies["reader"]]),
        Page("cached certificate PDF download", pdf_path(fx), c, "≥ 50% of ceiling", [cookies["holder"]],
             min_ratio=0.50),
        Page("bulk verification API, 100 codes", "/api/v1/certificates/verify", c, "", body=bodies[100]),
        Page("bulk verification API, 500 codes (1 connection)", "/api/v1/certificates/verify", 1,
             "≤ 150 ms per request", body=bodies[500], max_p50=150),
        Page("manager's timesheet, 1,000 trainees (1 connection)", "/hours/orgs/bench-org-0/timesheets", 1,
             "≤ 200 ms", [cookies["manager"]], max_p50=200),
    ]


def run_page(server: Server, page: Page, seconds: float) -> dict:
    script, env = (BENCH / "post.lua", {"BENCH_BODY": str(page.body)}) if page.body else (None, None)
    wrk(server.url + page.path, 2, page.connections, page.headers, script, env)  # warm-up, not counted
    return wrk(server.url + page.path, seconds, page.connections, page.headers, script, env)


def verdict(page: Page, result: dict, ratio: float) -> str:
    checks = []
    if page.min_ratio is not None:
        checks.append(ratio >= page.min_ratio)
    if page.max_p99 is not None:
        checks.append(result["p99"] <= page.max_p99)
    if page.max_p50 is not None:
        checks.append(result["p50"] <= page.max_p50)
    if result["errors"]:
        checks.append(False)
    return "" if not checks else "met" if all(checks) else "**missed**"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url")
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--out", help="also append the table to this file")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed: run  sudo apt-get install -y wrk")
    work = Path(tempfile.mkdtemp(prefix="lms-bench-http-"))
    url = args.database_url or _small_seed(work)
    fx = fixtures(url)
    env = app_env(work / "instance", url)
    started = datetime.now(UTC)
    rows = []
    with (Server("hello:app", env, cwd=BENCH) as hello, Server("lookup:app", env, cwd=BENCH) as lookup,
          Server("wsgi:app", env, log=work / "gunicorn.log") as lms):
        cookies = sign_in(lms, fx)
        ceiling = run_page(hello, Page("hello ceiling", "/", args.connections), args.seconds)
        rows.append(("hello ceiling (minimal Flask app)", args.connections, ceiling, 1.0, "", ""))
        servers = {"lms": lms, "lookup": lookup}
        for page in pages(fx, cookies, work, args.connections):
            result = run_page(servers[page.server], page, args.seconds)
            ratio = result["rps"] / ceiling["rps"]
            rows.append((page.name, page.connections, result, ratio, page.target, verdict(page, result, ratio)))
    report = _report(rows, args, url, fx, started)
    publish(report, args.out)
    shutil.rmtree(work, ignore_errors=True)


def _small_seed(work: Path) -> str:
    url = f"sqlite:///{work / 'bench.sqlite3'}"
    subprocess.run([sys.executable, str(BENCH / "seed.py"), "--database-url", url], check=True)
    return url


def _report(rows: list, args: argparse.Namespace, url: str, fx: dict, started: datetime) -> str:
    database = f"PostgreSQL {postgres_version(url)}" if url.startswith("postgres") else "SQLite (WAL)"
    box = machine()
    sizes = ", ".join(f"{n:,} {name}" for name, n in fx["sizes"].items())
    lines = [
        f"#### HTTP, {database}: {started:%Y-%m-%d %H:%M} UTC",
        "",
        f"`python bench/run.py --seconds {args.seconds} --connections {args.connections}` on {box['cpu']}, "
        f"{box['cores']} cores, {box['ram']}, Python {box['python']}; load average at the end {box['load']}. "
        f"gunicorn 2 sync workers --preload; wrk -t2 --latency, {args.seconds} s per page after a 2 s warm-up. "
        f"Data: {sizes}.",
        "",
        "| page | connections | requests/s | p50 ms | p99 ms | errors | ratio to ceiling | target | |",
        "|---|---:|---:|---:|---:|---:|---:|---|---|",
    ]
    for name, connections, result, ratio, target, met in rows:
        lines.append(f"| {name} | {connections} | {result['rps']:.0f} | {result['p50']:.1f} | {result['p99']:.1f} | "
                     f"{result['errors']:.0f} of {result['requests']:,} | {ratio:.0%} | {target} | {met} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
