"""HTTP benchmark: serve the LMS and a minimal Flask "hello" app with gunicorn (2 sync workers, --preload) and
measure pages with wrk on loopback in the same run. Prints a Markdown table; ``--out FILE`` also writes it.

    .venv/bin/python bench/run.py [--seconds 10] [--connections 32] [--database-url URL]
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PAGES = [("sign-in page", "/login"), ("OpenAPI document", "/api/v1/openapi.json")]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def serve(app: str, port: int, env: dict[str, str], cwd: Path) -> subprocess.Popen:
    process = subprocess.Popen(
        [str(BIN / "gunicorn"), "-w", "2", "--preload", "-b", f"127.0.0.1:{port}", app],
        cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return process
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise SystemExit(f"{app} did not start on port {port}")


def wrk(url: str, seconds: int, connections: int) -> dict[str, float]:
    out = subprocess.run(["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", url],
                         capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    latency = {m.group(1): _ms(m.group(2)) for m in re.finditer(r"^\s+(50|99)%\s+([\d.]+\w+)", out, re.M)}
    errors = sum(int(n) for n in re.findall(r"(?:Non-2xx or 3xx responses|Socket errors:.*?):\s*(\d+)", out))
    return {"rps": rps, "p50": latency.get("50", 0.0), "p99": latency.get("99", 0.0), "errors": errors}


def _ms(text: str) -> float:
    value, unit = re.match(r"([\d.]+)(\w+)", text).groups()
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL"))
    parser.add_argument("--out")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed: run  sudo apt-get install -y wrk")
    instance = Path(tempfile.mkdtemp(prefix="lms-bench-"))
    env = {**os.environ, "LMS_INSTANCE_PATH": str(instance), "SECRET_KEY": "bench-" + "k" * 40,
           "LMS_RATELIMIT_ENABLED": "false"}
    if args.database_url:
        env["DATABASE_URL"] = args.database_url
    for command in (["db", "upgrade"], ["demo", "--password", "bench password"]):
        subprocess.run([str(BIN / "lms"), *command], env=env, check=True, capture_output=True)
    rows = []
    hello_port, lms_port = free_port(), free_port()
    hello = serve("hello:app", hello_port, env, ROOT / "bench")
    lms = serve("wsgi:app", lms_port, env, ROOT)
    try:
        ceiling = wrk(f"http://127.0.0.1:{hello_port}/", args.seconds, args.connections)
        rows.append(("hello ceiling", ceiling, 1.0))
        for name, path in PAGES:
            result = wrk(f"http://127.0.0.1:{lms_port}{path}", args.seconds, args.connections)
            rows.append((name, result, result["rps"] / ceiling["rps"]))
    finally:
        for process in (hello, lms):
            process.terminate()
            process.wait(timeout=10)
    report = _report(rows, args)
    print(report)
    if args.out:
        Path(args.out).write_text(report, encoding="utf-8")


def _report(rows, args) -> str:
    database = "PostgreSQL" if (args.database_url or "").startswith("postgres") else "SQLite"
    lines = [
        f"Run {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {platform.node()} ({os.cpu_count()} cores, {platform.machine()}), "
        f"{database}, gunicorn 2 sync workers, wrk -t2 -c{args.connections} -d{args.seconds}s",
        "",
        "| page | requests/s | p50 ms | p99 ms | errors | ratio to ceiling |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for name, result, ratio in rows:
        lines.append(f"| {name} | {result['rps']:.0f} | {result['p50']:.1f} | {result['p99']:.1f} | "
                     f"{result['errors']:.0f} | {ratio:.0%} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
