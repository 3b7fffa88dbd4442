"""Certificate PDF benchmark: render time beside WeasyPrint's one-line floor in the same process, and throughput for
1,000 certificates on 2 processes. Prints a Markdown table; ``--out FILE`` also appends it to FILE.

    .venv/bin/python bench/pdf.py [--renders 50] [--certificates 1000] [--processes 2] [--out bench/RESULTS.md]

No database is needed: certificates are built in memory with distinct snapshots, and each run uses a fresh storage
directory, so the content-hash cache never answers. Each worker process creates the app once (as a gunicorn worker
with --preload would) and renders with one FontConfiguration per process.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import platform
import secrets
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from common import publish

BASE_URL = "https://learn.example.org"
_APP = None


def make_app(storage: str):
    from lms import create_app

    return create_app({"SECRET_KEY": secrets.token_urlsafe(48), "SQLALCHEMY_DATABASE_URI": "sqlite://",
                       "LMS_STORAGE_PATH": storage, "LMS_BASE_URL": BASE_URL, "LMS_RATELIMIT_ENABLED": False})


def certificate(index: int):
    """A realistic certificate (three competency areas, live and field time, an expiry), distinct per ``index``."""
    from lms.certificates.codes import new_code
    from lms.certificates.models import Certificate, CertificateStatus

    issued = datetime(2026, 3, 2, 17, 30, tzinfo=UTC) + timedelta(minutes=index)
    snapshot = {
        "holder_name": f"María Guadalupe Hernández {index}", "course_slug": "chw-core",
        "course_titles": {"en": "Community Health Worker Core Training", "es": "Capacitación básica para promotores de salud"},
        "source_locale": "en", "course_version": "2026.1", "course_kind": "core",
        "competency_areas": ["communication", "outreach", "professional-conduct"], "specialties": [],
        "minutes": {"live": 600, "self_paced": 1500, "field": 480, "total": 2580},
        "minutes_by_area": {"communication": 900, "outreach": 800, "professional-conduct": 880},
        "started_on": "2026-01-12", "completed_on": "2026-03-02", "issued_on": issued.date().isoformat(),
        "issuer": {"name": "Valley Community Health", "signatory_name": "Dr. Ana Ruiz",
                   "signatory_title": "Training Director", "url": BASE_URL},
        "delivery_languages": ["en", "es"],
    }
    return Certificate(code=new_code(), number=f"CHW-2026-{index:06d}", status=CertificateStatus.VALID, issued_at=issued,
                       expires_at=issued + timedelta(days=730), snapshot=snapshot, recipient_salt="0" * 32)


def render_one(index: int) -> tuple[float, float]:
    """Render certificate ``index`` through the real code path (data, QR code, cache key, cache write); wall-clock
    and CPU seconds taken."""
    from lms.certificates import render
    from lms.certificates.codes import display

    cert = certificate(index)
    started, cpu = time.perf_counter(), time.process_time()
    render.render_pdf(cert, "en", f"{BASE_URL}/verify/{display(cert.code)}")
    return time.perf_counter() - started, time.process_time() - cpu


def rss_mib() -> float:
    status = Path("/proc/self/status").read_text(encoding="ascii")
    return int(status.split("VmRSS:")[1].split()[0]) / 1024


def _init_worker(storage: str) -> None:
    global _APP
    _APP = make_app(storage)
    _APP.app_context().push()
    from lms.certificates import render

    render.render_floor()  # warm up: WeasyPrint import, fonts, parsed stylesheet


def _worker_render(index: int) -> tuple[int, float]:
    render_one(index)
    return os.getpid(), rss_mib()


def single_process(renders: int) -> dict[str, float]:
    """Median milliseconds (wall-clock and CPU) of the floor and of a certificate, measured alternately here."""
    from lms.certificates import render

    render.render_floor()
    render_one(-1)  # warm-up
    floor, floor_cpu, cert, cert_cpu = [], [], [], []
    for i in range(renders):
        started, cpu = time.perf_counter(), time.process_time()
        render.render_floor()
        floor.append(time.perf_counter() - started)
        floor_cpu.append(time.process_time() - cpu)
        wall, used = render_one(i)
        cert.append(wall)
        cert_cpu.append(used)
    return {name: statistics.median(values) * 1000 for name, values in
            (("floor", floor), ("floor_cpu", floor_cpu), ("cert", cert), ("cert_cpu", cert_cpu))}


def throughput(count: int, processes: int, storage: str, memory_renders: int) -> tuple[float, float, dict]:
    """Wall-clock seconds to render ``count`` distinct certificates on ``processes`` warmed-up workers, the start-up
    time of the pool (app creation and warm-up), and each worker's RSS in MiB after warm-up, after the ``count``
    renders and after ``memory_renders`` renders in all (the memory check; not timed)."""
    context = multiprocessing.get_context("spawn")  # a fresh interpreter per worker: no fontconfig state shared
    started = time.perf_counter()
    chunk = max(1, count // (processes * 20))
    with context.Pool(processes, initializer=_init_worker, initargs=(storage,)) as pool:
        warm = dict(pool.map(_worker_render, range(-processes * 10, 0), chunksize=1))  # every worker up and warm
        ready = time.perf_counter()
        timed = dict(pool.map(_worker_render, range(100_000, 100_000 + count), chunksize=chunk))
        done = time.perf_counter()
        more = range(100_000 + count, 100_000 + max(count, memory_renders))
        end = dict(pool.map(_worker_render, more, chunksize=chunk)) if more else timed
    memory = {pid: (warm.get(pid, 0.0), timed.get(pid, 0.0), rss) for pid, rss in end.items()}
    return done - ready, ready - started, memory


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--renders", type=int, default=50)
    parser.add_argument("--certificates", type=int, default=1000)
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--memory-renders", type=int, default=5000,
                        help="renders in all (timed ones included) before the last RSS reading")
    parser.add_argument("--out", help="Also append the table to this file")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="lms-bench-pdf-") as storage:
        app = make_app(os.path.join(storage, "main"))
        with app.app_context():
            ms = single_process(args.renders)
        seconds, startup, memory = throughput(args.certificates, args.processes, os.path.join(storage, "pool"),
                                              args.memory_renders)
    ratio, cpu_ratio = ms["cert"] / ms["floor"], ms["cert_cpu"] / ms["floor_cpu"]
    total = max(args.certificates, args.memory_renders)
    rss = "; ".join(f"pid {pid}: {start:.0f} → {middle:.0f} → {end:.0f} MiB"
                    for pid, (start, middle, end) in sorted(memory.items()))
    table = "\n".join([
        f"### Certificate PDFs ({datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {platform.node()}, {os.cpu_count()} CPUs, "
        f"Python {platform.python_version()})",
        "",
        f"`python bench/pdf.py --renders {args.renders} --certificates {args.certificates} --processes {args.processes} "
        f"--memory-renders {args.memory_renders}`",
        "",
        "Wall-clock figures depend on what else the machine runs; the CPU-time ratio (time.process_time) much less.",
        "",
        "| work | figure | target |",
        "|---|---|---|",
        f"| one-line WeasyPrint floor, median of {args.renders} | {ms['floor']:.1f} ms (CPU {ms['floor_cpu']:.1f} ms) | |",
        f"| certificate render, median of {args.renders} | {ms['cert']:.1f} ms (CPU {ms['cert_cpu']:.1f} ms) | |",
        f"| certificate / floor | {ratio:.2f}× wall-clock, {cpu_ratio:.2f}× CPU time | ≤ 8× |",
        f"| {args.certificates} certificates on {args.processes} processes | {seconds:.1f} s "
        f"({args.certificates / seconds:.1f}/s; pool start-up {startup:.1f} s) | ≤ 25 s |",
        f"| worker RSS, after warm-up → after {args.certificates} → after {total:,} renders in all | {rss} | "
        "flat (≤ 50 MiB growth) |",
        "",
    ])
    publish(table, args.out)


if __name__ == "__main__":
    main()
