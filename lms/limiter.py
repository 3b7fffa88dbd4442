"""Rate limiting (Flask-Limiter). Counters live in Redis when ``REDIS_URL`` is set, so every worker shares them.

Views declare their limits at import time on the module-level :data:`limiter` (``@limiter.limit(...)``,
``limiter.shared_limit(...)``), which only records them. Each application gets its own
:class:`flask_limiter.Limiter` in ``app.extensions["lms_limiter"]``, with its own storage and on/off switch, and the
recorded limits are bound to it when a limited view is first called. (One global ``Limiter`` keeps the storage and
the switch of whichever application was initialised last: a second app in the same process, such as a host that
builds two apps or a test, silently moved every app's counters to its own storage.)
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from flask import Flask, current_app, g, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from limits import parse_many
from limits.storage import MemoryStorage, RedisStorage

EXTENSION_KEY = "lms_limiter"


@dataclass(frozen=True)
class _Declared:
    """One ``limit``/``shared_limit`` call, replayed on each application's Limiter."""

    shared: bool
    args: tuple[Any, ...]
    kwargs: dict[str, Any]


@dataclass(eq=False)
class _LimitedView:
    """A view function and the limits declared on it (innermost first)."""

    view: Callable[..., Any]
    limits: list[_Declared] = field(default_factory=list)


class DeclaredLimits:
    """The module-level :data:`limiter`: same decorator API as Flask-Limiter's, bound per application at request time."""

    def limit(self, limit_value: str | Callable[[], str], **kwargs: Any) -> Callable[[Callable], Callable]:
        return self._declare(_Declared(False, (limit_value,), kwargs))

    def shared_limit(self, limit_value: str | Callable[[], str], scope: str, **kwargs: Any) -> Callable[[Callable], Callable]:
        return self._declare(_Declared(True, (limit_value, scope), kwargs))

    @staticmethod
    def _declare(declared: _Declared) -> Callable[[Callable], Callable]:
        def decorate(view: Callable) -> Callable:
            limited = getattr(view, "_lms_limited", None)
            if limited is None:  # stacked decorators share one wrapper and one list of limits
                limited = _LimitedView(view)

                @functools.wraps(view)
                def limited_view(*args: Any, **kwargs: Any) -> Any:
                    return current_app.extensions[EXTENSION_KEY].bound(limited)(*args, **kwargs)

                limited_view._lms_limited = limited  # type: ignore[attr-defined]
                view = limited_view
            limited.limits.append(declared)
            return view

        return decorate


class AppLimits:
    """One application's Limiter and its views with their limits bound to it."""

    def __init__(self, limiter: Limiter) -> None:
        self.limiter = limiter
        self._views: dict[_LimitedView, Callable[..., Any]] = {}
        self._lock = threading.Lock()
        self._storage_down = False

    def note_storage_state(self, app: Flask) -> None:
        """Warn once when the counters' storage (Redis) stops answering and limits move to this process's memory, and
        say when it is back. (Flask-Limiter keeps that state in a private attribute; absent, nothing is said.)"""
        down = bool(getattr(self.limiter, "_storage_dead", False))
        if down == self._storage_down:
            return
        self._storage_down = down
        if down:
            app.logger.warning("rate-limit storage %s is unreachable: limits are counted in this process's memory "
                               "until it answers again", app.config.get("RATELIMIT_STORAGE_URI", "").split("@")[-1])
        else:
            app.logger.warning("rate-limit storage is reachable again: limits are shared through it")

    def bound(self, limited: _LimitedView) -> Callable[..., Any]:
        view = self._views.get(limited)
        if view is None:
            with self._lock:
                view = self._views.get(limited)
                if view is None:
                    view = limited.view
                    for declared in limited.limits:
                        decorator = self.limiter.shared_limit if declared.shared else self.limiter.limit
                        view = decorator(*declared.args, **declared.kwargs)(view)
                    self._views[limited] = view
        return view


#: Where views declare their limits (see the module docstring).
limiter = DeclaredLimits()


def init_limiter(app: Flask) -> None:
    app.config.setdefault("RATELIMIT_ENABLED", app.config["LMS_RATELIMIT_ENABLED"])
    app.config.setdefault("RATELIMIT_KEY_PREFIX", "lms")
    redis_url = app.config.get("REDIS_URL")
    app.config.setdefault("RATELIMIT_STORAGE_URI", redis_url or "memory://")
    if redis_url:  # an unreachable Redis answers (is refused) within a second, not after the OS's minute-long wait
        app.config.setdefault("RATELIMIT_STORAGE_OPTIONS", {"socket_connect_timeout": 1, "socket_timeout": 1})
    # Redis down: count in this process's memory (each worker its own counters) rather than fail the request, and go
    # back to Redis once it answers again (Flask-Limiter checks it now and then). docs/deploy.md, "Redis".
    app.config.setdefault("RATELIMIT_IN_MEMORY_FALLBACK_ENABLED", True)
    app.config.setdefault("RATELIMIT_SWALLOW_ERRORS", True)
    # X-RateLimit-* on limited responses, and Retry-After on a 429: it tells a person or a script when to try again.
    app.config.setdefault("RATELIMIT_HEADERS_ENABLED", True)
    app_limiter = Limiter(key_func=get_remote_address, strategy="moving-window")
    app.after_request(_retry_after_only_when_refused)  # before init_app: runs after Flask-Limiter writes its headers
    app_limiter.init_app(app)
    app.after_request(_keep_own_retry_after)  # after init_app: runs before Flask-Limiter writes its headers
    app.extensions[EXTENSION_KEY] = AppLimits(app_limiter)


def _retry_after_only_when_refused(response: Any) -> Any:
    """Flask-Limiter writes ``Retry-After`` on every limited response, a 200 too, where generic retry code reads it
    as "wait and send again". Keep it where it means that: a 429 (or a 503, whose own we set). A 429 is never kept
    by a cache either: the same request is answered once the window moves on. A 429 the view answered itself (a
    limit it counts, such as the invitations of a roster file) keeps its own ``Retry-After``, without the
    ``X-RateLimit-*`` headers of the view's decorator limit, which is not the one that refused it."""
    if response.status_code == 429:
        response.headers["Cache-Control"] = "no-store"
        own = g.pop("lms_own_retry_after", None)
        if own is not None and limiter_for(current_app).current_limit is not None:
            response.headers["Retry-After"] = own
            for name in {name for name, _value in response.headers.items() if name.lower().startswith("x-ratelimit-")}:
                del response.headers[name]
    elif limiter_for(current_app).current_limit is not None:
        response.headers.pop("Retry-After", None)
        own = g.pop("lms_own_retry_after", None)
        if response.status_code == 503 and own is not None:
            response.headers["Retry-After"] = own  # the 503's own (errors.handle_database_down), not the window's end
    current_app.extensions[EXTENSION_KEY].note_storage_state(current_app)
    return response


def _keep_own_retry_after(response: Any) -> Any:
    """Note the response's own ``Retry-After`` before Flask-Limiter replaces it with the end of its window."""
    if "Retry-After" in response.headers:
        g.lms_own_retry_after = response.headers["Retry-After"]
    return response


def limiter_for(app: Flask) -> Limiter:
    """The Flask-Limiter instance of ``app`` (its ``storage`` holds the counters)."""
    return app.extensions[EXTENSION_KEY].limiter


def form_email_key() -> str:
    """Per-account key: the normalised email being signed in to."""
    return "account:" + (request.form.get("email") or "").strip().lower()


def failed_attempt(_response: object) -> bool:
    """Count a hit only when the view marked the attempt as failed (successful sign-ins are free)."""
    return bool(g.get("lms_attempt_failed"))


# ---------------------------------------------------------------- spending more than one hit at once


@dataclass(frozen=True)
class Counter:
    """The counter of one ``shared_limit`` (its ``limit_value``, ``scope`` and the key its ``key_func`` gives): the
    same keys in the same storage, so what :func:`spend` counts and what the decorator counts add up."""

    limit_value: str  # a rate-limit string, as the setting holds it ("200 per day"; several separated by ";")
    scope: str
    key: str


@dataclass(frozen=True)
class Allowance:
    """What some counters still allow now: ``left`` hits (None: no limit applies, e.g. limits are off), and from
    when more are allowed (``more_at``, UTC: when the busiest counter's oldest hit leaves its window)."""

    left: int | None
    more_at: datetime | None = None


def allowance(counters: list[Counter]) -> Allowance:
    """What ``counters`` still allow now (the least any of them allows). Reads only, in the current app's storage."""
    found = _windows(counters)
    if not found:
        return Allowance(None)
    left = min(remaining for remaining, _reset in found)
    more_at = max(reset for remaining, reset in found if remaining == left)
    return Allowance(max(left, 0), datetime.fromtimestamp(more_at, UTC))


def spend(counters: list[Counter], cost: int) -> bool:
    """Count ``cost`` hits on every counter, all or none: each counter's hits are taken at once (atomic in Redis too,
    so workers cannot both take the last ones), and when a counter has not that many left, what the counters before
    it took is given back and False is answered. Give first the counters that a race may exhaust (those not
    serialised by a lock of their own): they are the likeliest to refuse, before anything is taken."""
    app_limiter = limiter_for(current_app)
    if cost <= 0 or not app_limiter.enabled:
        return True
    strategy = app_limiter.limiter
    taken: list[tuple[Any, tuple[str, ...]]] = []
    try:
        for item, ids in _items(counters):
            if not strategy.hit(item, *ids, cost=cost):
                _give_back(strategy.storage, taken, cost)
                return False
            taken.append((item, ids))
        return True
    except Exception:  # storage unreachable: the limits' own rule (RATELIMIT_SWALLOW_ERRORS) lets the request go on
        current_app.logger.exception("rate-limit storage failed: %d hits not counted", cost)
        return True


#: Takes back the ``ARGV[1]`` newest hits of a moving window (a list, newest first: limits' own layout).
_GIVE_BACK_LUA = "for _ = 1, tonumber(ARGV[1]) do redis.call('lpop', KEYS[1]) end"


def _give_back(storage: Any, taken: list[tuple[Any, tuple[str, ...]]], cost: int) -> None:
    """Remove the ``cost`` newest hits from each moving window in ``taken``. Another request's hit made in between
    may be the one removed instead: the same count, a moment's difference in when it leaves the window."""
    for item, ids in taken:
        key = item.key_for(*ids)
        if isinstance(storage, MemoryStorage):
            with storage.locks[key]:
                del storage.events.get(key, [])[:cost]
        elif isinstance(storage, RedisStorage):
            storage.get_connection().register_script(_GIVE_BACK_LUA)(keys=[storage.prefixed_key(key)], args=[cost])
        else:  # a storage the site does not use (docs/deploy.md): its hits stay counted, said in the log
            current_app.logger.warning("rate-limit storage %s cannot give back %d hits", type(storage).__name__, cost)


def _items(counters: list[Counter]) -> list[tuple[Any, tuple[str, ...]]]:
    prefix = current_app.config.get("RATELIMIT_KEY_PREFIX") or ""
    return [(item, (prefix, c.key, c.scope) if prefix else (c.key, c.scope))
            for c in counters for item in parse_many(c.limit_value)]


def _windows(counters: list[Counter]) -> list[tuple[int, float]]:
    """Each counter's (remaining, reset time), or none when limits are off or the storage cannot be read."""
    app_limiter = limiter_for(current_app)
    if not app_limiter.enabled:
        return []
    try:
        stats = [app_limiter.limiter.get_window_stats(item, *ids) for item, ids in _items(counters)]
    except Exception:
        current_app.logger.exception("rate-limit storage failed: allowance not read")
        return []
    return [(window.remaining, window.reset_time) for window in stats]
