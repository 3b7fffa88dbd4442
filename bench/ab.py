"""Paired A/B of CPU time (or wall-clock time) per request between two checkouts of the LMS, for a machine others share.

    .venv/bin/python bench/ab.py --database-url URL [--page verify ...] [--rounds 16] [--requests 40] [--clock wall] OLD NEW

OLD and NEW are source trees (a copy of the code before a change, e.g. ``git archive HEAD | tar -x -C /tmp/old``, and
the working tree). Each runs in its own long-lived process with the requests of ``bench/profile.py`` (same app, same
sign-in, same pages, same seed of ``bench/seed.py``); the two are asked in turn, in alternating order, for short
bursts of requests, and each burst's CPU time (``time.process_time``) is kept. Neighbours slow both alike within a
round, so the medians of the paired ratios say more than two runs of ``bench/profile.py`` minutes apart.

``--clock wall`` times the bursts by the wall clock instead: what a sync gunicorn worker is busy for, including the
time it waits for the database (round trips, a commit's flush to disk), which CPU time leaves out. Only one side runs
at a time, so the other does not compete with it; the neighbours still do, hence the pairing.
"""

from __future__ import annotations

import argparse
import importlib.util
import statistics
import subprocess
import sys
import time
from pathlib import Path

PAGES = ("hello", "static", "form", "verify", "lesson", "catalog", "pdf", "bulk100", "bulk500", "timesheet", "quiz",
         "complete")


CLOCKS = {"cpu": time.process_time, "wall": time.perf_counter}


def serve(tree: Path, database_url: str, clock: str) -> None:
    """The worker: build the app of ``tree``, then answer ``PAGE N`` lines with the ms per request of N requests, by
    ``clock`` (a key of :data:`CLOCKS`)."""
    now = CLOCKS[clock]
    sys.path[:0] = [str(tree), str(tree / "bench")]
    spec = importlib.util.spec_from_file_location("tree_profile", tree / "bench" / "profile.py")
    profile = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(profile)
    app, fx = profile.make_app(database_url), profile.fixtures(database_url)
    requests = {}
    print("ready", flush=True)
    for line in sys.stdin:
        page, count = line.split()
        if page not in requests:
            requests[page] = profile.requester(app, page, fx)
            for _ in range(20):  # warm-up: compiled statements, templates, caches
                response = requests[page]()
            if response.status_code != (302 if page == "complete" else 200):
                raise SystemExit(f"{tree}: {page} answered {response.status_code}")
        request = requests[page]
        started = now()
        for _ in range(int(count)):
            request()
        print(f"{(now() - started) * 1000 / int(count):.4f}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("old", type=Path)
    parser.add_argument("new", type=Path)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--page", action="append", choices=PAGES)
    parser.add_argument("--rounds", type=int, default=16)
    parser.add_argument("--requests", type=int, default=40, help="requests per burst")
    parser.add_argument("--clock", choices=tuple(CLOCKS), default="cpu",
                        help="cpu: this process's CPU time; wall: elapsed time, database waits included")
    args = parser.parse_args()
    pages = args.page or ["form", "verify", "lesson", "pdf"]
    workers = [subprocess.Popen([sys.executable, __file__, "--serve", str(tree.resolve()), args.database_url,
                                 args.clock],
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True) for tree in (args.old, args.new)]
    for worker in workers:
        if worker.stdout.readline().strip() != "ready":
            raise SystemExit("a worker did not start")

    def burst(worker: subprocess.Popen, page: str, count: int) -> float:
        worker.stdin.write(f"{page} {count}\n")
        worker.stdin.flush()
        return float(worker.stdout.readline())

    times: dict[str, tuple[list[float], list[float]]] = {page: ([], []) for page in pages}
    for page in pages:
        for worker in workers:
            burst(worker, page, 5)
    for round_ in range(args.rounds):
        for number, page in enumerate(pages):
            for side in ((0, 1) if (round_ + number) % 2 == 0 else (1, 0)):
                times[page][side].append(burst(workers[side], page, args.requests))
    for worker in workers:
        worker.stdin.close()
        worker.wait()
    what = "CPU" if args.clock == "cpu" else "wall-clock"
    print(f"`python bench/ab.py --rounds {args.rounds} --requests {args.requests} --clock {args.clock}`: {what} ms per "
          f"request, medians of {args.rounds} bursts each, alternating\n")
    print("| page | old | new | change (median of paired ratios) |\n|---|---:|---:|---:|")
    for page, (old, new) in times.items():
        change = statistics.median(b / a for a, b in zip(old, new, strict=True)) - 1
        print(f"| {page} | {statistics.median(old):.2f} | {statistics.median(new):.2f} | {change:+.1%} |")


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "--serve":
        serve(Path(sys.argv[2]), sys.argv[3], sys.argv[4])
    else:
        main()
