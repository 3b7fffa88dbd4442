"""A large synthetic data set for the performance harness: organisations, trainees, memberships and hours-ledger entries.

    .venv/bin/python bench/seed.py [--database-url URL] [--orgs 200] [--trainees 20000] [--entries 1000000]
                                   [--big-org 1000] [--certificates 20000] [--fresh] [--seed 1]

Defaults are small (a quick run); the sizes above are the large set of ARCHITECTURE.md (about two minutes on
PostgreSQL). The first organisation, ``bench-org-0``, gets ``--big-org`` trainees (the "organisation timesheet for
1,000 trainees" case); the others share the rest. Entries spread over the last two years and are appended in date
order, as a real ledger is: 85% approved (paid in the period of their activity date, at the organisation's rate),
10% pending, 5% rejected. Rows go in with COPY on PostgreSQL and with executemany Core inserts (lists of dicts) on
SQLite, in batches of 50,000. The courses of ``courses/`` are imported, and the first ``--certificates`` trainees get a
completed enrolment in the core course and its certificate (bench/seed_learning.py). ``--fresh`` drops every ``lms_``
table and migrates again first. Every user's password is ``bench-password``.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask import current_app
from sqlalchemy import func, inspect, select, text

from lms import create_app, db
from lms.accounts.models import User
from lms.catalog.areas import AREAS
from lms.certificates.models import Certificate
from lms.enrollment.models import Enrollment
from lms.hours.models import HoursEntry
from lms.hours.periods import period_for
from lms.orgs.models import CEYearBasis, Membership, Organisation, PayPeriod

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import SECRET
from seed_learning import ensure_courses, seed_certificates

BATCH = 50_000
PAY_PERIODS = [PayPeriod.BIWEEKLY, PayPeriod.SEMIMONTHLY, PayPeriod.WEEKLY, PayPeriod.MONTHLY]
BASES = [CEYearBasis.CALENDAR, CEYearBasis.FISCAL, CEYearBasis.ANNIVERSARY]
SOURCES = ["self_paced"] * 5 + ["live"] * 3 + ["external"] * 1 + ["field"] * 1
TITLES = ["Motivational interviewing", "Asthma home visits", "Navigating Medi-Cal", "Cultural humility",
          "Outreach planning", "Chronic disease basics", "Trauma-informed care", "Documentation and privacy"]
AREA_CODES = list(AREAS)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", help="SQLAlchemy URL (default: DATABASE_URL or the instance SQLite file)")
    parser.add_argument("--orgs", type=int, default=5)
    parser.add_argument("--trainees", type=int, default=200)
    parser.add_argument("--entries", type=int, default=5_000)
    parser.add_argument("--big-org", type=int, default=50, help="trainees in bench-org-0")
    parser.add_argument("--certificates", type=int, default=100, help="trainees with a core-course certificate")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--fresh", action="store_true", help="drop all lms_ tables and migrate again first")
    args = parser.parse_args(argv)
    if args.orgs < 1 or args.trainees < 1 or args.entries < 0 or not 0 <= args.big_org <= args.trainees:
        parser.error("need at least 1 organisation and 1 trainee, and 0 <= --big-org <= --trainees")
    if not 0 <= args.certificates <= args.trainees:
        parser.error("need 0 <= --certificates <= --trainees")
    return args


def make_app(url: str | None):
    config = {"SECRET_KEY": SECRET}
    if url:
        config["SQLALCHEMY_DATABASE_URI"] = url
    return create_app(config)


def prepare(fresh: bool) -> None:
    from lms import migrate

    engine = current_app.extensions["lms"].db.engine
    if fresh:
        with engine.begin() as conn:
            names = [n for n in inspect(conn).get_table_names() if n.startswith("lms_")]
            if conn.dialect.name == "postgresql":
                if names:
                    conn.execute(text("DROP TABLE IF EXISTS " + ", ".join(f'"{n}"' for n in names) + " CASCADE"))
            else:
                conn.execute(text("PRAGMA foreign_keys=OFF"))
                for name in names:
                    conn.execute(text(f'DROP TABLE IF EXISTS "{name}"'))
    migrate.upgrade()
    if db.session.scalar(select(func.count()).select_from(Organisation).where(Organisation.slug == "bench-org-0")):
        raise SystemExit("already seeded (bench-org-0 exists); run again with --fresh")


def insert(table, rows: list[dict]) -> None:
    """Bulk insert: COPY on PostgreSQL, executemany elsewhere."""
    if not rows:
        return
    conn = db.session.connection()
    if conn.dialect.name == "postgresql":
        columns = list(rows[0])
        raw = conn.connection.dbapi_connection
        with raw.cursor() as cursor, cursor.copy(
            f'COPY {table.name} ({", ".join(columns)}) FROM STDIN'
        ) as copy:
            for row in rows:
                copy.write_row([row[c] for c in columns])
    else:
        conn.execute(table.insert(), rows)


class Ids:
    """Next free ids per table, so the seed can go into a database that already has rows (e.g. the demo)."""

    def __init__(self) -> None:
        self.next = {model: (db.session.scalar(select(func.max(model.id))) or 0) + 1
                     for model in (Organisation, User, Membership, Enrollment, Certificate)}

    def take(self, model) -> int:
        self.next[model] += 1
        return self.next[model] - 1


def seed_orgs(rng: random.Random, ids: Ids, count: int, now: datetime, password_hash: str) -> list[dict]:
    """Organisations, each with one manager; the manager's user id is kept in ``manager_id`` (not a column)."""
    orgs, managers, memberships = [], [], []
    for i in range(count):
        kind = PAY_PERIODS[i % len(PAY_PERIODS)]
        org_id, manager_id = ids.take(Organisation), ids.take(User)
        orgs.append({"id": org_id, "slug": f"bench-org-{i}", "name": f"Bench Health Org {i}", "kind": "employer",
                     "timezone": "America/Los_Angeles", "pay_period": kind.value, "pay_period_anchor": date(2026, 1, 5),
                     "training_pay_rate_cents": rng.randrange(1800, 2600, 5),
                     "ce_year_basis": BASES[i % len(BASES)].value, "ce_fiscal_start_month": 7,
                     "ce_annual_minimum_minutes": 360, "created_at": now})
        managers.append(_user(manager_id, f"manager{i}@bench.example.org", f"Manager {i}", "en", now, password_hash))
        memberships.append(_membership(ids.take(Membership), org_id, manager_id, "manager", None, now))
    insert(Organisation.__table__, orgs)
    insert(User.__table__, managers)
    insert(Membership.__table__, memberships)
    return [{**org, "manager_id": m["id"]} for org, m in zip(orgs, managers, strict=True)]


def _user(uid: int, email: str, name: str, locale: str, now: datetime, password_hash: str) -> dict:
    return {"id": uid, "email": email, "name": name, "password_hash": password_hash, "role": "trainee",
            "locale": locale, "timezone": None, "is_active": True, "created_at": now, "last_login_at": None}


def _membership(mid: int, org_id: int, user_id: int, role: str, start: date | None, now: datetime) -> dict:
    return {"id": mid, "org_id": org_id, "user_id": user_id, "role": role, "employee_id": f"E{user_id:07d}",
            "job_title": "Community Health Worker" if role == "member" else "Program Manager",
            "employment_start": start, "employment_end": None, "employment_type": "employee", "created_at": now}


def seed_trainees(rng: random.Random, ids: Ids, args: argparse.Namespace, orgs: list[dict], now: datetime,
                  password_hash: str) -> list[tuple[int, dict]]:
    """Trainees and their memberships; returns (user id, org row) per trainee."""
    people: list[tuple[int, dict]] = []
    users, members = [], []
    for n in range(args.trainees):
        org = orgs[0] if n < args.big_org or len(orgs) == 1 else orgs[1 + (n - args.big_org) % (len(orgs) - 1)]
        uid = ids.take(User)
        start = date(2015, 1, 1) + timedelta(days=rng.randrange(0, 365 * 11))
        users.append(_user(uid, f"trainee{n}@bench.example.org", f"Trainee {n:05d}", "es" if n % 3 == 0 else "en",
                           now, password_hash))
        members.append(_membership(ids.take(Membership), org["id"], uid, "member", start, now))
        people.append((uid, org))
    for chunk in range(0, len(users), BATCH):
        insert(User.__table__, users[chunk:chunk + BATCH])
        insert(Membership.__table__, members[chunk:chunk + BATCH])
    return people


def entry_rows(rng: random.Random, count: int, people: list[tuple[int, dict]], today: date,
               now: datetime) -> Iterator[list[dict]]:
    batch: list[dict] = []
    kinds = {kind.value: kind for kind in PayPeriod}
    for i in range(count):
        uid, org = people[i % len(people)] if i < len(people) else rng.choice(people)
        # The ledger is appended as training happens, so rows are roughly in date order on disk, as in production.
        day = min(today, today - timedelta(days=730 - 730 * i // max(count, 1) + rng.randrange(-3, 4)))
        roll = rng.random()
        status = "approved" if roll < 0.85 else "pending" if roll < 0.95 else "rejected"
        approved = status == "approved"
        source = rng.choice(SOURCES)
        paid = period_for(kinds[org["pay_period"]], org["pay_period_anchor"], day)[0] if approved else None
        batch.append({
            "user_id": uid, "org_id": org["id"], "source": source, "status": status, "activity_date": day,
            "minutes": rng.choice((15, 30, 45, 60, 90, 120, 180, 240)), "measured_minutes": None,
            "title": rng.choice(TITLES), "provider": "Bench Provider" if source == "external" else None,
            "description": None, "competency_areas": _areas(rng), "course_id": None, "module_id": None,
            "session_id": None, "source_ref": None, "idempotency_key": f"seed-{i}", "corrects_id": None,
            "supervisor_name": None, "supervisor_title": None, "evidence_id": None, "created_at": now,
            "created_by_id": uid, "decided_at": now if status != "pending" else None,
            "decided_by_id": org["manager_id"] if status != "pending" else None,
            "rejection_reason": "Not training time" if status == "rejected" else None,
            "rate_cents": org["training_pay_rate_cents"] if approved else None, "paid_period_start": paid,
        })
        if len(batch) == BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def _areas(rng: random.Random) -> list[str]:
    return rng.sample(AREA_CODES, rng.choice((0, 1, 1, 2)))


def _json_for_copy(rows: list[dict]) -> None:
    for row in rows:
        row["competency_areas"] = json.dumps(row["competency_areas"])


def fix_sequences() -> None:
    """Explicit ids were inserted; move PostgreSQL's sequences past them."""
    conn = db.session.connection()
    if conn.dialect.name != "postgresql":
        return
    for table in ("lms_organisations", "lms_users", "lms_memberships", "lms_enrollments", "lms_certificates"):
        conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))"))


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    rng = random.Random(args.seed)
    app = make_app(args.database_url)
    started = time.perf_counter()
    with app.app_context():
        prepare(args.fresh)
        from lms.accounts.passwords import hash_password

        now, today = datetime.now(UTC), date.today()
        password_hash = hash_password("bench-password")
        ids = Ids()
        orgs = seed_orgs(rng, ids, args.orgs, now, password_hash)
        people = seed_trainees(rng, ids, args, orgs, now, password_hash)
        course = ensure_courses()
        names = {uid: f"Trainee {n:05d}" for n, (uid, _org) in enumerate(people)}
        certificates = seed_certificates(rng, course, people, args.certificates, names, now, insert, ids.take)
        db.session.commit()
        print(f"{len(orgs)} organisations, {len(people)} trainees, {certificates} certificates "
              f"({time.perf_counter() - started:.1f} s)")
        is_pg = db.session.connection().dialect.name == "postgresql"
        done = 0
        for batch in entry_rows(rng, args.entries, people, today, now):
            if is_pg:
                _json_for_copy(batch)
            insert(HoursEntry.__table__, batch)
            db.session.commit()
            done += len(batch)
            print(f"\r{done:,} / {args.entries:,} entries ({time.perf_counter() - started:.1f} s)", end="", flush=True)
        fix_sequences()
        if is_pg:
            db.session.execute(text("ANALYZE"))
        db.session.commit()
    print(f"\nseeded in {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
