"""Time the hours reports on a seeded database (see bench/seed.py) and print a Markdown table.

    .venv/bin/python bench/hours.py [--database-url URL] [--org bench-org-0] [--runs 20] [--out FILE]

For each report it records the number of SQL queries per call (which must not grow with the data), the median and
95th-percentile time of the service function, and on PostgreSQL which indexes the plans use (EXPLAIN). The period is
the last complete pay period of the organisation. Nothing is written: the payroll file is built, never exported, and
the anniversary-basis run is rolled back.
"""

from __future__ import annotations

import argparse
import platform
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask import current_app
from sqlalchemy import event, func, select

from lms import create_app, db
from lms.hours import compliance, export, periods, timesheets, transcript
from lms.hours.models import HoursEntry
from lms.orgs.models import CEYearBasis, MemberRole, Membership
from lms.orgs.services import get_org

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import SECRET

INDEXES = ("ix_lms_hours_entries_org_paid_period", "ix_lms_hours_entries_org_status_date",
           "ix_lms_hours_entries_user_date", "ix_lms_memberships_user_id_org_id", "uq_lms_memberships_org_id")


class Recorder:
    def __init__(self) -> None:
        self.statements: list[tuple[str, object]] = []

    def __call__(self, conn, cursor, statement, parameters, context, executemany):
        self.statements.append((statement, parameters))


def measure(label: str, fn: Callable[[], object], runs: int, explain: bool) -> dict[str, object]:
    engine = current_app.extensions["lms"].db.engine
    fn()  # warm caches and compile statements once
    recorder = Recorder()
    event.listen(engine, "before_cursor_execute", recorder)
    try:
        db.session.expire_all()
        size = fn()
    finally:
        event.remove(engine, "before_cursor_execute", recorder)
    times = []
    for _ in range(runs):
        db.session.expire_all()
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return {
        "work": label, "rows": size, "queries": len(recorder.statements),
        "median": statistics.median(times), "p95": times[min(len(times) - 1, int(len(times) * 0.95))],
        "indexes": _indexes(recorder.statements) if explain else "(SQLite: not checked)",
    }


def _indexes(statements: list[tuple[str, object]]) -> str:
    """Index names appearing in the PostgreSQL plans of the statements that read the hours ledger."""
    used: set[str] = set()
    scans: set[str] = set()
    conn = db.session.connection()
    for statement, parameters in statements:
        if "lms_hours_entries" not in statement:
            continue
        plan = "\n".join(row[0] for row in conn.exec_driver_sql("EXPLAIN " + statement, parameters))
        used |= {name for name in INDEXES if name in plan}
        if "Seq Scan on lms_hours_entries" in plan:
            scans.add("SEQ SCAN on lms_hours_entries")
    return ", ".join(sorted(used | scans)) or "none"


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url")
    parser.add_argument("--org", default="bench-org-0")
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--out", type=Path, help="also write the table to this file")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    config = {"SECRET_KEY": SECRET}
    if args.database_url:
        config["SQLALCHEMY_DATABASE_URI"] = args.database_url
    app = create_app(config)
    with app.app_context():
        org = get_org(args.org)
        explain = db.session.connection().dialect.name == "postgresql"
        start, end = periods.previous_period(org, periods.org_today(org))
        today = periods.org_today(org)
        staff = db.session.scalar(select(func.count(Membership.id)).where(
            Membership.org_id == org.id, Membership.role == MemberRole.MEMBER))
        ledger = db.session.scalar(select(func.count(HoursEntry.id)))
        busiest = db.session.execute(
            select(HoursEntry.user_id).where(HoursEntry.org_id == org.id).group_by(HoursEntry.user_id)
            .order_by(func.count().desc()).limit(1)).scalar_one()
        person = db.session.get(Membership, db.session.scalar(select(Membership.id).where(
            Membership.org_id == org.id, Membership.user_id == busiest))).user
        results = [
            measure(f"organisation timesheet ({start} to {end})",
                    lambda: len(timesheets.get_org_timesheet(org, start).rows), args.runs, explain),
            measure("payroll CSV of that period (built, not exported)",
                    lambda: export.build_csv(org, start, end)[1], args.runs, explain),
            measure(f"CE dashboard ({org.ce_year_basis.value} year)",
                    lambda: len(compliance.list_ce_status(org, today)), args.runs, explain),
        ]
        if org.ce_year_basis is not CEYearBasis.ANNIVERSARY:
            org.ce_year_basis = CEYearBasis.ANNIVERSARY
            db.session.flush()
            results.append(measure("CE dashboard (anniversary year)",
                                   lambda: len(compliance.list_ce_status(org, today)), args.runs, explain))
            db.session.rollback()
            org = get_org(args.org)
        results += [
            measure("one person's timesheet", lambda: len(timesheets.get_timesheet(org, person, start).lines),
                    args.runs, explain),
            measure("one person's hours summary (all their entries)",
                    lambda: len(transcript.hours_summary(person).by_month), args.runs, explain),
        ]
    table = _table(args, org.slug, staff, ledger, explain, results)
    print(table)
    if args.out:
        args.out.write_text(table + "\n")


def _table(args, slug: str, staff: int, ledger: int, explain: bool, results: list[dict]) -> str:
    lines = [
        f"### Hours reports, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        "",
        f"`python bench/hours.py --org {slug} --runs {args.runs}` on {platform.node()} ({platform.machine()}, "
        f"Python {platform.python_version()}), {'PostgreSQL' if explain else 'SQLite'}; "
        f"{ledger:,} ledger entries, {staff:,} staff in {slug}.",
        "",
        "| work | rows | SQL queries | median ms | p95 ms | indexes used |",
        "|---|---:|---:|---:|---:|---|",
    ]
    for r in results:
        lines.append(f"| {r['work']} | {r['rows']} | {r['queries']} | {r['median']:.1f} | {r['p95']:.1f} | "
                     f"{r['indexes']} |")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
