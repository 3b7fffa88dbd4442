"""Faults, against gunicorn (2 sync workers) on a seeded database. Prints a Markdown section; ``--out`` appends it.

    .venv/bin/python bench/faults.py --database-url URL [--trainees 40] [--entries 5] [--out FILE]

1. **kill -9 during a burst.** 16 client threads submit external training hours through the API (``POST
   /api/v1/me/hours`` with a personal token and an ``Idempotency-Key``) and issue certificates by hand through the
   real form (its second step, ``POST /certificates/issue/<course>/<user id>``, an admin's session). Every request
   is sent until it gets an answer and then once more (the retry of a client that never saw the answer), while a
   worker is killed with SIGKILL three times. Afterwards the database must hold exactly one ledger entry per key,
   the right total of minutes, and exactly one certificate per trainee.
2. **Database outage** (PostgreSQL only). The app reaches the database through a TCP proxy on loopback
   (bench/tcpproxy.py); the proxy is cut, never the server. While it is down, pages and the API must answer 503 at
   once (a page that says so, ``Retry-After``, the API's JSON error); when it is back, the same workers must serve
   again without a restart.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import secrets
import signal
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from common import PASSWORD, ROOT, SECRET, Browser, Server, app_env, publish
from run import fixtures, pdf_path
from tcpproxy import TcpProxy

COURSE = "ce-documentation"
ADMIN = "bench-admin@bench.example.org"
THREADS = 16


def _app(database_url: str):
    sys.path.insert(0, str(ROOT))
    from lms import create_app

    return create_app({"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": SECRET, "LMS_MAIL_ENABLED": False})


def prepare(database_url: str, count: int) -> dict:
    """``count`` trainees without a certificate of the course, each with a new API token, and a site admin."""
    from sqlalchemy import select

    from lms import db
    from lms.accounts import api_tokens
    from lms.accounts import services as accounts
    from lms.accounts.models import SiteRole, User
    from lms.catalog.models import Course
    from lms.certificates.models import Certificate

    with _app(database_url).app_context():
        course = db.session.execute(select(Course).where(Course.slug == COURSE)).scalar_one()
        holders = select(Certificate.user_id).where(Certificate.course_id == course.id)
        users = db.session.execute(select(User).where(User.email.like("trainee%@bench.example.org"),
                                                      User.id.not_in(holders)).order_by(User.id.desc()).limit(count))
        users = list(users.scalars())
        tokens = {user.email: api_tokens.create_api_token(user, "bench faults")[1] for user in users}
        if accounts.get_user_by_email(ADMIN) is None:
            accounts.register_user(ADMIN, "Bench Admin", PASSWORD, locale="en", role=SiteRole.ADMIN)
        db.session.commit()
        return {"tokens": tokens, "course_id": course.id, "ids": {user.email: user.id for user in users}}


def totals(database_url: str, run: str, emails: list[str], course_id: int) -> dict[str, int]:
    from sqlalchemy import func, select

    from lms import db
    from lms.accounts.models import User
    from lms.certificates.models import Certificate
    from lms.hours.models import HoursEntry

    with _app(database_url).app_context():
        mine = HoursEntry.idempotency_key.like(f"{run}-%")
        entries, keys, minutes = db.session.execute(select(
            func.count(), func.count(func.distinct(HoursEntry.idempotency_key)), func.coalesce(func.sum(HoursEntry.minutes), 0)
        ).where(mine)).one()
        people = select(User.id).where(User.email.in_(emails))
        certs, holders = db.session.execute(select(func.count(), func.count(func.distinct(Certificate.user_id))).where(
            Certificate.course_id == course_id, Certificate.user_id.in_(people))).one()
        return {"entries": entries, "keys": keys, "minutes": minutes, "certificates": certs, "holders": holders}


@dataclass
class Tally:
    """What the clients saw."""

    answers: dict[int, int] = field(default_factory=dict)
    dropped: int = 0  # connection reset or closed without an answer: the retry goes out again
    lock: threading.Lock = field(default_factory=threading.Lock)

    def count(self, status: int | None) -> None:
        with self.lock:
            if status is None:
                self.dropped += 1
            else:
                self.answers[status] = self.answers.get(status, 0) + 1


def until_answered(send, tally: Tally, attempts: int = 50) -> int:
    """Send until a 2xx answer (a client retrying after a dropped connection or a 5xx); its status."""
    for _ in range(attempts):
        try:
            status = send()
        except (urllib.error.URLError, ConnectionError, OSError):
            status = None
        tally.count(status)
        if status is not None and status < 500:
            return status
        time.sleep(0.05)
    raise SystemExit("no answer after 50 attempts")


def hours_sender(base_url: str, token: str, key: str, minutes: int, day: date):
    body = json.dumps({"title": "Fault drill", "provider": "Bench", "activity_date": day.isoformat(),
                       "minutes": minutes}).encode()
    headers = {"Authorization": f"Bearer {token}", "Idempotency-Key": key, "Content-Type": "application/json"}

    def send() -> int:
        request = urllib.request.Request(base_url + "/api/v1/me/hours", data=body, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status
        except urllib.error.HTTPError as error:
            return error.code

    return send


def issue_sender(admin: Browser, token: str, user_id: int):
    """The form's second step (the hours the certificate states, and the reason) for one trainee."""
    form = urllib.parse.urlencode({"live_hours": "0", "self_paced_hours": "1", "field_hours": "0",
                                   "reason": "Fault drill (bench)", "csrf_token": token}).encode()
    return lambda: admin.fetch(f"/certificates/issue/{COURSE}/{user_id}", form, timeout=30)[0]


def killer(server: Server, stop: threading.Event, kills: list[tuple[float, int]]) -> None:
    """SIGKILL a worker (the two in turn) 0.8 s, 2 s and 3.2 s into the burst."""
    started = time.monotonic()
    for delay in (0.8, 1.2, 1.2):
        if stop.wait(delay):
            return
        workers = server.workers()
        if workers:
            victim = workers[len(kills) % len(workers)]
            os.kill(victim, signal.SIGKILL)
            kills.append((time.monotonic() - started, victim))


def kill_drill(database_url: str, work: Path, trainees: int, per_trainee: int) -> list[str]:
    run = "fault-" + secrets.token_hex(4)
    setup = prepare(database_url, trainees)
    emails = list(setup["tokens"])
    env = app_env(work / "kill", database_url)
    rng = secrets.SystemRandom()
    jobs, tally, kills = [], Tally(), []
    expected_minutes = 0
    with Server("wsgi:app", env, log=work / "kill.log") as lms:
        admin = Browser(lms.url).login(ADMIN)
        csrf = admin.csrf_token("/certificates/issue")
        today = datetime.now(UTC).date()
        for n, email in enumerate(emails):
            for i in range(per_trainee):
                minutes = rng.choice((15, 30, 45, 60, 90))
                expected_minutes += minutes
                jobs.append(hours_sender(lms.url, setup["tokens"][email], f"{run}-{n}-{i}", minutes,
                                         today - timedelta(days=i + 1)))
            jobs.append(issue_sender(admin, csrf, setup["ids"][email]))
        rng.shuffle(jobs)
        stop = threading.Event()
        chaos = threading.Thread(target=killer, args=(lms, stop, kills), daemon=True)
        started = time.monotonic()
        chaos.start()
        with ThreadPoolExecutor(THREADS) as pool:
            firsts = list(pool.map(lambda send: until_answered(send, tally), jobs))
            first_done = time.monotonic() - started
            replays = list(pool.map(lambda send: until_answered(send, tally), jobs))  # the client's own retry
            all_done = time.monotonic() - started
        stop.set()
        chaos.join()
        alive = Browser(lms.url).get("/login")[0] == 200 and len(lms.workers()) == 2
    found = totals(database_url, run, emails, setup["course_id"])
    want = {"entries": len(emails) * per_trainee, "keys": len(emails) * per_trainee, "minutes": expected_minutes,
            "certificates": len(emails), "holders": len(emails)}
    ok = found == want and alive
    return [
        f"**kill -9 during a burst: {'passed' if ok else 'FAILED'}.** {len(jobs)} operations ({len(emails)} trainees × "
        f"{per_trainee} hours submissions + 1 certificate issuance each), {THREADS} client threads, each sent until "
        f"answered and then once more (first sends done at {first_done:.1f} s, replays at {all_done:.1f} s); "
        f"workers killed with SIGKILL at {', '.join(f'{t:.1f} s (pid {pid})' for t, pid in kills)}. "
        f"Connections dropped without an answer (and retried): {tally.dropped}. "
        f"Answers: {', '.join(f'{s}×{n}' for s, n in sorted(tally.answers.items()))} "
        f"(first sends {_counts(firsts)}, replays {_counts(replays)}).",
        "",
        "| total | expected | found |",
        "|---|---:|---:|",
        *[f"| {name} | {want[name]:,} | {found[name]:,} |" for name in want],
        "",
        f"gunicorn serving with 2 workers afterwards: {'yes' if alive else '**no**'}.",
        "",
    ]


def _counts(statuses: list[int]) -> str:
    return ", ".join(f"{s}×{statuses.count(s)}" for s in sorted(set(statuses)))


def outage_drill(database_url: str, work: Path) -> list[str]:
    fx = fixtures(database_url)
    host, port = re.search(r"@([\d.]+):(\d+)/", database_url).groups()
    proxy = TcpProxy((host, int(port))).start()
    env = app_env(work / "outage", proxy.url(database_url))
    lines = []
    with Server("wsgi:app", env, log=work / "outage.log") as lms:
        holder = Browser(lms.url).login(fx["holder"])
        pages = {"verification page": f"/verify/{fx['codes'][1]}", "lesson page (signed in)": fx["lesson"],
                 "certificate API (JSON)": f"/api/v1/certificates/{fx['codes'][1]}", "PDF download": pdf_path(fx)}
        workers = set(lms.workers())
        before = {name: holder.fetch(path)[0] for name, path in pages.items()}
        proxy.cut()
        during = {}
        for _round in range(3):  # every worker, more than once
            for name, path in pages.items():
                started = time.monotonic()
                status, headers, body = holder.fetch(path, timeout=30)
                during.setdefault(name, []).append((status, time.monotonic() - started, headers, body))
        time.sleep(2)
        proxy.restore()
        restored, back, answer = time.monotonic(), None, None
        while time.monotonic() - restored < 30 and back is None:
            answer = holder.fetch(pages["verification page"])[0]
            back = time.monotonic() - restored if answer == 200 else None
            time.sleep(0.05 if back is None else 0)
        after = {name: holder.fetch(path)[0] for name, path in pages.items()}
        same_workers = workers == set(lms.workers())
    proxy.cut()
    ok = back is not None and all(s == 200 for s in [*before.values(), *after.values()]) and all(
        status == 503 and seconds < 6 and "Retry-After" in headers and _clear(body, name)
        for name, tries in during.items() for status, seconds, headers, body in tries)
    lines += [
        f"**Database outage: {'passed' if ok else 'FAILED'}.** The app reached PostgreSQL through a TCP proxy on loopback;"
        " the proxy was cut (the shared server was never touched) and restored after a few seconds.",
        "",
        "| request | before | while down (all answers) | slowest answer while down | after |",
        "|---|---|---|---:|---|",
    ]
    for name in pages:
        statuses = ", ".join(sorted({str(s) for s, *_ in during[name]}))
        slowest = max(seconds for _s, seconds, *_ in during[name])
        lines.append(f"| {name} | {before[name]} | {statuses} ({len(during[name])}×, Retry-After, "
                     f"{'clear message' if all(_clear(b, name) for *_x, b in during[name]) else '**no message**'}) | "
                     f"{slowest * 1000:.0f} ms | {after[name]} |")
    if back is None:
        lines += ["", "**Did not recover within 30 s of the proxy's return.**", ""]
    else:
        lines += ["", f"Back to 200 {back:.2f} s after the proxy was restored; same worker processes as before: "
                  f"{'yes (no restart needed)' if same_workers else '**no**'}.", ""]
    return lines


def _clear(body: str, name: str) -> bool:
    if "JSON" in name:
        return '"code"' in body and "error" in body
    return "Temporarily unavailable" in body


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--trainees", type=int, default=40)
    parser.add_argument("--entries", type=int, default=5, help="hours submissions per trainee")
    parser.add_argument("--out")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="lms-bench-faults-"))
    database = "PostgreSQL" if args.database_url.startswith("postgres") else "SQLite"
    lines = [f"#### Faults, {database}: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC", "",
             f"`python bench/faults.py --trainees {args.trainees} --entries {args.entries}`", ""]
    lines += kill_drill(args.database_url, work, args.trainees, args.entries)
    if database == "PostgreSQL":
        lines += outage_drill(args.database_url, work)
    report = "\n".join(lines)
    publish(report, args.out)


if __name__ == "__main__":
    main()
