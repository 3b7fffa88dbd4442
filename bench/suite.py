"""The whole performance harness, as ``make bench`` runs it: seed SQLite and PostgreSQL with the large data set,
then HTTP load (bench/run.py), hours reports (bench/hours.py), CPU per request (bench/profile.py), a 60 s soak
(bench/soak.py), faults (bench/faults.py) and certificate PDFs (bench/pdf.py). Every section is printed and appended
to ``--out`` (default bench/last-run.md); bench/RESULTS.md is written from that file.

    .venv/bin/python bench/suite.py [--seed-args "..."] [--sqlite-entries N] [--seconds 10] [--only pg|sqlite|pdf]

The PostgreSQL database is a new one on the shared server (``BENCH_PG_ADMIN``, default
postgresql://postgres@127.0.0.1:5432/postgres), named ``bench_<random>`` and dropped at the end; the server itself is
never stopped or reconfigured (the outage drill cuts a proxy in front of it). Takes about 10 minutes on 2 cores.
"""

from __future__ import annotations

import argparse
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from common import BENCH, machine, postgres_database, postgres_version

SEED = "--orgs 200 --trainees 20000 --entries 1000000 --big-org 1000 --certificates 19000"


class Suite:
    def __init__(self, out: Path) -> None:
        self.out = out
        self.timings: list[tuple[str, float]] = []

    def write(self, text: str) -> None:
        print(text, flush=True)
        with self.out.open("a", encoding="utf-8") as handle:
            handle.write(text + "\n")

    def step(self, label: str, script: str, *args: str, report: str | None = "out") -> None:
        """Run ``bench/<script> args``; its report goes to the results file through ``--out`` (``report="out"``) or
        from its standard output (``"stdout"``). A failing step stops the suite."""
        command = [sys.executable, str(BENCH / script), *args] + (["--out", str(self.out)] if report == "out" else [])
        print(f"\n$ {shlex.join(['python', f'bench/{script}', *args])}", flush=True)
        started = time.monotonic()
        if report == "stdout":
            output = subprocess.run(command, check=True, cwd=BENCH.parent, capture_output=True, text=True).stdout
            self.write(output)
        else:
            subprocess.run(command, check=True, cwd=BENCH.parent)
        self.timings.append((label, time.monotonic() - started))


def header(suite: Suite, args: argparse.Namespace, pg_url: str | None) -> None:
    box = machine()
    versions = f"Python {box['python']}, SQLite {_sqlite_version()}"
    if pg_url:
        versions += f", PostgreSQL {postgres_version(pg_url)}"
    suite.write("\n".join([
        f"## Run of {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        "",
        f"`make bench` (`python bench/suite.py {' '.join(sys.argv[1:])}`) on {box['host']}: {box['cpu']}, "
        f"{box['cores']} cores, {box['ram']} RAM, Linux {box['kernel']}; {versions}; wrk {_wrk_version()}. "
        f"Load average at the start: {box['load']} (other work shares this machine).",
        "",
        f"Seed (bench/seed.py): PostgreSQL `{args.seed_args}`; SQLite the same with `--entries {args.sqlite_entries}`.",
        "",
    ]))


def _sqlite_version() -> str:
    import sqlite3

    return sqlite3.sqlite_version


def _wrk_version() -> str:
    out = subprocess.run(["wrk", "--version"], capture_output=True, text=True).stdout or ""
    return out.split()[1] if len(out.split()) > 1 else "?"


def run_sqlite(suite: Suite, args: argparse.Namespace, work: Path) -> None:
    url = f"sqlite:///{work / 'bench.sqlite3'}"
    seed = _replace(args.seed_args, "--entries", str(args.sqlite_entries))
    suite.step("seed SQLite", "seed.py", "--database-url", url, *shlex.split(seed), report=None)
    suite.step("HTTP, SQLite", "run.py", "--database-url", url, "--seconds", str(args.seconds))
    suite.step("faults, SQLite", "faults.py", "--database-url", url)


def run_postgres(suite: Suite, args: argparse.Namespace, url: str) -> None:
    suite.step("seed PostgreSQL", "seed.py", "--database-url", url, *shlex.split(args.seed_args), report=None)
    suite.step("HTTP, PostgreSQL", "run.py", "--database-url", url, "--seconds", str(args.seconds))
    suite.step("hours reports, PostgreSQL", "hours.py", "--database-url", url, "--runs", "10", report="stdout")
    suite.step("per-request CPU, PostgreSQL", "profile.py", "--database-url", url, report="stdout")
    suite.step("soak, PostgreSQL", "soak.py", "--database-url", url)
    suite.step("faults, PostgreSQL", "faults.py", "--database-url", url)


def _replace(seed_args: str, option: str, value: str) -> str:
    parts = shlex.split(seed_args)
    if option in parts:
        parts[parts.index(option) + 1] = value
    else:
        parts += [option, value]
    return shlex.join(parts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed-args", default=SEED, help=f"bench/seed.py sizes (default: {SEED})")
    parser.add_argument("--sqlite-entries", type=int, default=300_000, help="ledger size for SQLite (slower to seed)")
    parser.add_argument("--seconds", type=int, default=10, help="wrk seconds per page")
    parser.add_argument("--certificates", type=int, default=1000, help="certificates rendered on 2 processes")
    parser.add_argument("--only", choices=["pg", "sqlite", "pdf"])
    parser.add_argument("--out", type=Path, default=BENCH / "last-run.md")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed: run  make sysdeps  (or sudo apt-get install -y wrk)")
    args.out.write_text("")
    suite, started = Suite(args.out), time.monotonic()
    work = Path(tempfile.mkdtemp(prefix="lms-bench-suite-"))
    try:
        with postgres_database() as pg_url:
            header(suite, args, pg_url)
            if args.only in (None, "sqlite"):
                run_sqlite(suite, args, work)
            if args.only in (None, "pg"):
                run_postgres(suite, args, pg_url)
            if args.only in (None, "pdf"):
                suite.step("certificate PDFs", "pdf.py", "--certificates", str(args.certificates))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    total = time.monotonic() - started
    suite.write("\n".join(["", "#### Time taken", "", "| step | seconds |", "|---|---:|",
                           *[f"| {label} | {seconds:.0f} |" for label, seconds in suite.timings],
                           f"| **total** | **{total:.0f}** |", ""]))


if __name__ == "__main__":
    main()
