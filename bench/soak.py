"""Soak: 60 s of mixed traffic at 64 connections against gunicorn (2 sync workers), sampling each worker's resident
memory (VmRSS in /proc/<pid>/status) every 2 s. Passes with zero errors and every worker's RSS within 50 MiB of its
value at the end of the warm-up (the first 10 s). Prints a Markdown section; ``--out`` also appends it to a file.

    .venv/bin/python bench/soak.py --database-url URL [--seconds 60] [--connections 64] [--out FILE]

The mix, all as a certificate holder signed in through the real form: the public verification page, a lesson page,
the catalog and the cached certificate PDF, in turn on every connection (bench/mix.lua).
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

from common import BENCH, Browser, Server, app_env, publish, rss_mib, wrk
from run import fixtures, pdf_path

WARM_UP = 10
SAMPLE_EVERY = 2.0
RSS_SLACK_MIB = 50


def sample(server: Server, stop: threading.Event, samples: list[tuple[float, dict[int, float]]]) -> None:
    started = time.monotonic()
    while not stop.wait(SAMPLE_EVERY):
        samples.append((time.monotonic() - started, {pid: rss_mib(pid) for pid in server.workers()}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--out")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="lms-bench-soak-"))
    fx = fixtures(args.database_url)
    env = app_env(work / "instance", args.database_url)
    started = datetime.now(UTC)
    with Server("wsgi:app", env, log=work / "gunicorn.log") as lms:
        holder = Browser(lms.url).login(fx["holder"])
        paths = [f"/verify/{fx['codes'][1]}", fx["lesson"], "/courses/", pdf_path(fx)]
        for path in paths:
            status, _body = holder.get(path)
            if status != 200:
                raise SystemExit(f"{path} answered {status} before the soak")
        first_workers = set(lms.workers())
        stop, samples = threading.Event(), []
        sampler = threading.Thread(target=sample, args=(lms, stop, samples), daemon=True)
        sampler.start()
        result = wrk(lms.url + "/", args.seconds, args.connections, [holder.cookie_header()], BENCH / "mix.lua",
                     {"BENCH_PATHS": " ".join(paths)})
        stop.set()
        sampler.join()
        restarted = first_workers != set(lms.workers())
    report = _report(args, started, paths, result, samples, restarted)
    publish(report, args.out)
    shutil.rmtree(work, ignore_errors=True)


def _report(args, started: datetime, paths: list[str], result: dict, samples: list, restarted: bool) -> str:
    after_warm_up = [(t, rss) for t, rss in samples if t >= WARM_UP]
    baseline = after_warm_up[0][1] if after_warm_up else {}
    shown = ", ".join(f"`{path.split('?')[0]}`" for path in paths)
    lines = [
        f"#### Soak: {started:%Y-%m-%d %H:%M} UTC",
        "",
        f"`python bench/soak.py --seconds {args.seconds} --connections {args.connections}`: wrk, mixed GETs "
        f"({shown}), {result['requests']:,} requests, "
        f"{result['rps']:.0f}/s, p50 {result['p50']:.0f} ms, p99 {result['p99']:.0f} ms, "
        f"**{result['errors']} errors**{'; a worker was restarted' if restarted else ''}.",
        "",
        "| worker pid | RSS at 10 s (MiB) | RSS at end | max after warm-up | growth | within 50 MiB |",
        "|---:|---:|---:|---:|---:|---|",
    ]
    for pid, start in baseline.items():
        series = [rss[pid] for _t, rss in after_warm_up if rss.get(pid)]
        growth = max(series) - start
        lines.append(f"| {pid} | {start:.1f} | {series[-1]:.1f} | {max(series):.1f} | {growth:+.1f} | "
                     f"{'yes' if growth <= RSS_SLACK_MIB else '**no**'} |")
    trace = "; ".join(f"{t:.0f} s: " + ", ".join(f"{v:.0f}" for v in rss.values()) for t, rss in samples[::5])
    lines += ["", f"RSS samples (MiB, every {SAMPLE_EVERY * 5:.0f} s): {trace}.", ""]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
