"""Transactions at once, for tests of locks: one held open in a thread while the test makes the other, or many started
together."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from typing import Any

from lms import db


def uncommitted_for_a_while(app, work) -> tuple[threading.Thread, list[BaseException]]:
    """Run ``work()`` in its own thread and session, and commit half a second after it returns: what the test does
    meanwhile meets its uncommitted change and its locks. Returns once ``work`` has returned."""
    written, errors = threading.Event(), []

    def run() -> None:
        with app.app_context():
            try:
                work()
                written.set()
                time.sleep(0.5)
                db.session.commit()
            except BaseException as exc:  # reported to the test, not lost in the thread
                errors.append(exc)
            finally:
                written.set()
                db.session.remove()

    thread = threading.Thread(target=run)
    thread.start()
    assert written.wait(10)
    return thread, errors


def finish(thread: threading.Thread, errors: list[BaseException]) -> None:
    """Wait for the thread of :func:`uncommitted_for_a_while`; it must have committed without an error."""
    thread.join(10)
    assert not errors and not thread.is_alive()


def all_at_once(app, work: Callable[[Any], None], arguments: Sequence[Any]) -> list[BaseException]:
    """Run ``work(argument)`` for each of ``arguments`` in its own thread, app context and session, all released
    together by a barrier passed before ``work`` takes a connection (the pool is smaller than a crowd); ``work``
    commits. Returns once every thread has ended, with what they raised."""
    barrier, errors = threading.Barrier(len(arguments), timeout=60), []

    def run(argument: Any) -> None:
        with app.app_context():
            try:
                barrier.wait()
                work(argument)
            except Exception as exc:  # reported to the test, not lost in the thread
                errors.append(exc)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(argument,)) for argument in arguments]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


def claims_at_once(app, claim: Callable[[], Any], count: int) -> list[bool]:
    """``claim()`` in ``count`` threads at once (:func:`all_at_once`), each committing when it won (a true result) and
    rolling back otherwise: who won, sorted (``[False, …, True]`` when exactly one did)."""
    results = []

    def work(_index: int) -> None:
        won = bool(claim())
        if won:
            db.session.commit()
        else:
            db.session.rollback()
        results.append(won)

    errors = all_at_once(app, work, range(count))
    assert not errors, errors
    return sorted(results)
