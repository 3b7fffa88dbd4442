"""The app served by a real WSGI server (Werkzeug's, as ``flask run`` runs it or as one sync worker; gunicorn's sync
worker), a browser of it over real HTTP, and an SMTP server that holds each message until told: to prove that what
is sent after the response (lms/notify/after_response.py) goes only once the whole page is out, without timing."""

from __future__ import annotations

import asyncio
import http.client
import json
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from email import message_from_bytes, policy
from email.message import EmailMessage
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

from aiosmtpd.controller import Controller
from flask import Flask
from werkzeug.serving import make_server

from tests.conftest import CSRF_RE

#: Seconds gunicorn may take to start (every other wait is :data:`BOUND`).
STARTUP = 120
#: The kinds of server :func:`serve` runs.
SERVERS = ("werkzeug-sync", "werkzeug-threaded", "gunicorn-sync")

#: Every wait is bounded, so a broken build fails instead of hanging; none of them is what a test asserts on.
BOUND = 20


class HeldInbox:
    """An SMTP handler that holds each message at DATA until ``release`` is set, or, while ``refuse`` is set,
    refuses it (554)."""

    def __init__(self) -> None:
        self.release, self.arrived, self.delivered = threading.Event(), threading.Event(), threading.Event()
        self.refuse = False
        self.messages: list[EmailMessage] = []

    def hold(self) -> None:
        """Hold the next message as the first."""
        self.release.clear(), self.arrived.clear(), self.delivered.clear()

    async def handle_DATA(self, server, session, envelope):
        self.arrived.set()
        if self.refuse:
            return "554 Transaction failed"
        await asyncio.get_running_loop().run_in_executor(None, self.release.wait, BOUND)
        self.messages.append(message_from_bytes(envelope.original_content or envelope.content, policy=policy.default))
        self.delivered.set()
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def held_inbox(app: Flask) -> Iterator[HeldInbox]:
    """A :class:`HeldInbox` on its own port, which ``app`` sends to."""
    inbox = HeldInbox()
    port = _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    app.config["LMS_MAIL_PORT"] = port
    try:
        yield inbox
    finally:
        inbox.release.set()
        controller.stop()


@dataclass
class Page:
    status: int
    headers: list[str]
    text: str


class Site:
    """A browser of one site over real HTTP: keeps its cookies and sends the CSRF token."""

    def __init__(self, port: int, host: str, prefix: str) -> None:
        self.port, self.host, self.prefix = port, host, prefix
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, form: dict[str, str] | None = None) -> Page:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=BOUND)
        headers = {"Host": self.host, "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            conn.request(method, self.prefix + path, body=body, headers=headers)
            response = conn.getresponse()
            text = response.read().decode()  # the whole body: Content-Length bytes
        finally:
            conn.close()
        for raw in response.headers.get_all("Set-Cookie") or []:
            self.cookies.update({k: morsel.value for k, morsel in SimpleCookie(raw).items()})
        return Page(response.status, sorted({name.lower() for name in response.headers}), text)

    def submit(self, path: str, fields: dict[str, str]) -> Page:
        """Open the form at ``path`` and send it with ``fields``."""
        match = CSRF_RE.search(self.request("GET", path).text)
        assert match, "no CSRF token on the form"
        return self.request("POST", path, {"csrf_token": match.group(1), **fields})

    def ask_reset(self, email: str) -> Page:
        return self.submit("/reset", {"email": email})


@contextmanager
def _werkzeug(app: Flask, threaded: bool) -> Iterator[int]:
    server = make_server("127.0.0.1", 0, app, threaded=threaded)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_port
    finally:
        server.shutdown()
        thread.join(BOUND)


_GUNICORN_APP = """
import json, os
from lms import create_app
app = create_app(json.loads(os.environ["TEST_APP_CONFIG"]))
"""
_SHARED_KEYS = ("SECRET_KEY", "SQLALCHEMY_DATABASE_URI", "SERVER_NAME", "LMS_ARGON2_TIME_COST",
                "LMS_ARGON2_MEMORY_COST", "LMS_MAIL_PORT", "LMS_STORAGE_PATH", "REDIS_URL")


@contextmanager
def _gunicorn(app: Flask, tmp_path: Path) -> Iterator[int]:
    """One gunicorn sync worker serving the app on the test's database, as in production."""
    (tmp_path / "gunicorn_app.py").write_text(_GUNICORN_APP)
    port = _free_port()
    config = {key: app.config[key] for key in _SHARED_KEYS} | {"TESTING": True}
    env = {"TEST_APP_CONFIG": json.dumps(config), "LMS_INSTANCE_PATH": str(tmp_path / "instance")}
    log = (tmp_path / "gunicorn.log").open("w")
    process = subprocess.Popen(
        [str(Path(sys.executable).with_name("gunicorn")), "--worker-class", "sync", "--workers", "1", "--preload",
         "--bind", f"127.0.0.1:{port}", "--chdir", str(tmp_path), "gunicorn_app:app"],
        env=env, stdout=log, stderr=subprocess.STDOUT, cwd=str(Path(__file__).parent.parent))
    try:
        _wait_until_listening(port, process)
        yield port
    finally:
        process.terminate()
        process.wait(BOUND)
        log.close()


def _wait_until_listening(port: int, process: subprocess.Popen) -> None:
    for _ in range(STARTUP * 10):  # importing the app (WeasyPrint) on a busy machine can take a while
        assert process.poll() is None, "gunicorn stopped: see gunicorn.log in the test's folder"
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.1).close()
            return
        except OSError:
            threading.Event().wait(0.1)
    raise AssertionError("gunicorn did not start")


@contextmanager
def serve(kind: str, app: Flask, held: HeldInbox, tmp_path: Path) -> Iterator[Site]:
    """``app`` served by a server of ``kind`` (one of :data:`SERVERS`), and a browser of it."""
    served = _gunicorn(app, tmp_path) if kind == "gunicorn-sync" else _werkzeug(app, kind == "werkzeug-threaded")
    with served as port:
        try:
            yield Site(port, app.config["SERVER_NAME"], app.config["TEST_PREFIX"])
        finally:
            held.release.set()  # a failed test must not leave the server waiting on the mail server
