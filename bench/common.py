"""Shared by the benchmarks: gunicorn servers, wrk, signing in through the real form, worker memory, the machine,
and private PostgreSQL databases. Only loopback addresses are ever used."""

from __future__ import annotations

import http.cookiejar
import os
import platform
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
BIN = Path(sys.executable).parent
SECRET = "bench-only-7Qx2mLp9Rt4Wz8Yv1Ns6Hc3Gd5Ju0KfBe"  # fixed so every worker shares it; varied enough for the key check
PASSWORD = "bench-password"  # every seeded user's (bench/seed.py)
PG_ADMIN = os.environ.get("BENCH_PG_ADMIN", "postgresql://postgres@127.0.0.1:5432/postgres")


def publish(report: str, out: str | Path | None) -> None:
    """Print a benchmark's Markdown report and append it to ``out`` (the suite's results file) when given."""
    print(report)
    if out:
        with open(out, "a", encoding="utf-8") as handle:
            handle.write(report + "\n")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def app_env(instance: Path, database_url: str | None, **extra: str) -> dict[str, str]:
    """The environment of the bench app: its own instance folder, rate limits off (they would turn the load into
    429s: the benchmark measures pages, not the limiter), and the database under test."""
    env = {**os.environ, "LMS_INSTANCE_PATH": str(instance), "SECRET_KEY": SECRET, "LMS_RATELIMIT_ENABLED": "false",
           "LMS_STORAGE_PATH": str(instance / "storage"), "LMS_MAIL_ENABLED": "false", **extra}
    env.pop("REDIS_URL", None)  # limiter storage in memory: nothing shared with other runs
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


class Server:
    """``gunicorn -w WORKERS --preload`` on a free loopback port, as production serves the app."""

    def __init__(self, app: str, env: dict[str, str], cwd: Path = ROOT, workers: int = 2, log: Path | None = None):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        out = open(log, "ab") if log else subprocess.DEVNULL  # noqa: SIM115 (closed with the process)
        self.process = subprocess.Popen(
            [str(BIN / "gunicorn"), "-w", str(workers), "--preload", "--timeout", "60", "-b", f"127.0.0.1:{self.port}",
             app], cwd=cwd, env=env, stdout=out, stderr=out)
        self._wait()

    def _wait(self) -> None:
        for _ in range(300):
            if self.process.poll() is not None:
                raise SystemExit(f"gunicorn exited with {self.process.returncode} (see its log)")
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                if len(self.workers()) > 0:
                    return
            except OSError:
                pass
            time.sleep(0.1)
        self.stop()
        raise SystemExit(f"gunicorn did not start on port {self.port}")

    def workers(self) -> list[int]:
        """Process ids of the live workers (children of the master)."""
        path = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        try:
            return [int(pid) for pid in path.read_text().split()]
        except OSError:
            return []

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def __enter__(self) -> Server:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def rss_mib(pid: int) -> float:
    """Resident memory of a process (VmRSS), in MiB; 0 when it is gone."""
    try:
        text = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0.0
    match = re.search(r"^VmRSS:\s+(\d+) kB", text, re.M)
    return int(match.group(1)) / 1024 if match else 0.0


def wrk(url: str, seconds: float, connections: int, headers: list[str] = (), script: Path | None = None,
        env: dict[str, str] | None = None, threads: int = 2) -> dict[str, float]:
    """One wrk run: requests/s, p50 and p99 in ms, and errors (non-2xx/3xx answers plus socket errors)."""
    command = ["wrk", f"-t{min(threads, connections)}", f"-c{connections}", f"-d{seconds}s", "--timeout", "30s",
               "--latency"]
    for header in headers:
        command += ["-H", header]
    if script:
        command += ["-s", str(script)]
    out = subprocess.run([*command, url], capture_output=True, text=True, check=True,
                         env={**os.environ, **(env or {})}).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    latency = {m.group(1): _ms(m.group(2)) for m in re.finditer(r"^\s+(50|99)%\s+([\d.]+\w+)", out, re.M)}
    non2xx = sum(int(n) for n in re.findall(r"Non-2xx or 3xx responses:\s*(\d+)", out))
    socket_line = re.search(r"Socket errors:(.*)", out)
    socket_errors = sum(int(n) for n in re.findall(r"\d+", socket_line.group(1))) if socket_line else 0
    total = int(re.search(r"(\d+) requests in", out).group(1))
    return {"rps": rps, "p50": latency.get("50", 0.0), "p99": latency.get("99", 0.0), "errors": non2xx + socket_errors,
            "requests": total}


def _ms(text: str) -> float:
    value, unit = re.match(r"([\d.]+)(\w+)", text).groups()
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}[unit]


class Browser:
    """A signed-in browser: the session cookie from the real /login form (with its CSRF token)."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies))

    def get(self, path: str) -> tuple[int, str]:
        status, _headers, body = self.fetch(path)
        return status, body

    def fetch(self, path: str, data: bytes | None = None, headers: dict[str, str] | None = None,
              timeout: float = 60) -> tuple[int, dict[str, str], str]:
        """Status, headers and body; an error status is an answer here, not an exception."""
        request = urllib.request.Request(self.base_url + path, data=data, headers=headers or {})
        try:
            with self.opener.open(request, timeout=timeout) as response:
                return response.status, dict(response.headers), response.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), error.read().decode("utf-8", "replace")

    def post_form(self, path: str, fields: dict[str, str], form_page: str | None = None) -> tuple[int, str]:
        """POST a form, with the CSRF token of the page that shows it (``form_page``, default ``path``)."""
        status, page = self.get(form_page or path)
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
        if token is None:
            raise SystemExit(f"no CSRF token on {form_page or path} (status {status})")
        body = urllib.parse.urlencode({**fields, "csrf_token": token.group(1)}).encode()
        status, _headers, page = self.fetch(path, body)
        return status, page

    def csrf_token(self, page_path: str) -> str:
        match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', self.get(page_path)[1])
        if match is None:
            raise SystemExit(f"no CSRF token on {page_path}")
        return match.group(1)

    def login(self, email: str, password: str = PASSWORD) -> Browser:
        status, page = self.post_form("/login", {"email": email, "password": password})
        if status != 200 or "/logout" not in page:
            raise SystemExit(f"could not sign in as {email} (status {status})")
        return self

    def cookie_header(self) -> str:
        return "Cookie: " + "; ".join(f"{c.name}={c.value}" for c in self.cookies)


def machine() -> dict[str, str]:
    """What the results depend on: CPU, cores, memory, Python, load."""
    model = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                  if line.startswith("model name")), platform.processor())
    mem = re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1)
    return {"cpu": model, "cores": str(os.cpu_count()), "ram": f"{int(mem) / 1024 / 1024:.1f} GiB",
            "python": platform.python_version(), "kernel": platform.release(), "host": platform.node(),
            "load": " ".join(f"{x:.2f}" for x in os.getloadavg())}


@contextmanager
def postgres_database(prefix: str = "bench") -> Iterator[str]:
    """A new database on the shared server (never the server itself), dropped afterwards; yields its SQLAlchemy URL."""
    import psycopg

    name = f"{prefix}_{secrets.token_hex(4)}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    admin = urllib.parse.urlsplit(PG_ADMIN)
    try:
        yield f"postgresql+psycopg://{admin.netloc}/{name}"
    finally:
        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def postgres_version(url: str) -> str:
    import psycopg

    with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://")) as conn:
        return conn.execute("SHOW server_version").fetchone()[0]
