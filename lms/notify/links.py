"""Links in an email open in the reader's language.

A page follows the visitor's browser (Accept-Language) until they sign in or choose a language; a visitor who opens a
password-reset link from a Spanish email on an English browser would get the page in English. So each link to one of
this site's pages in an email written in a language other than the site's default gets ``?lang=<language>``, which
the page uses and the visitor's session then remembers (:func:`lms.i18n.select_language`). Signed in, the account's
own language still wins.

Only links to pages change: links to the API, to files (``.ics``, ``.pdf``, ``.csv``, evidence, static files) and to
other sites stay as they were. Signed tokens are in the path, never in the query, so they still verify.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from flask import current_app, has_request_context, request
from werkzeug.exceptions import HTTPException
from werkzeug.routing import Rule

#: Endpoints that answer with something other than a page, beyond the API and paths ending in a file name.
_NOT_PAGES = frozenset({"lms.main.static", "lms.hours.evidence", "lms.health.healthz", "lms.health.readyz"})


def links_in_language(context: dict[str, Any], language: str) -> dict[str, Any]:
    """``context`` with every link to a page of this site (a value, or one inside a dict, list or tuple) opening in
    ``language``; unchanged when that is the site's default language or one the site does not offer."""
    config = current_app.config
    if language == config["LMS_DEFAULT_LOCALE"] or language not in config["LMS_LOCALES"]:
        return context
    return {key: _rewrite(value, language) for key, value in context.items()}


def _rewrite(value: Any, language: str) -> Any:
    if isinstance(value, str):
        return link_in_language(value, language)
    if type(value) is dict:  # plain containers only: a named tuple or a model is passed on as it is
        return {key: _rewrite(item, language) for key, item in value.items()}
    if type(value) in (list, tuple):
        return type(value)(_rewrite(item, language) for item in value)
    return value


def link_in_language(url: str, language: str) -> str:
    """``url`` with ``lang=language`` in its query if it is a link to a page of this site; else ``url`` itself."""
    if not url.startswith(("http://", "https://")) or any(char.isspace() for char in url):
        return url
    parts = urlsplit(url)
    path = _site_path(url, parts.netloc)
    if path is None or not _is_page(path):
        return url
    query = [(key, item) for key, item in parse_qsl(parts.query, keep_blank_values=True) if key != "lang"]
    return urlunsplit(parts._replace(query=urlencode([*query, ("lang", language)])))


def _site_path(url: str, host: str) -> str | None:
    """The path of ``url`` inside this application (without the script root) if it points at this site, else None."""
    config = current_app.config
    base = (config.get("LMS_BASE_URL") or "").rstrip("/")
    if base:
        if not url.startswith(base + "/"):
            return None
        path = urlsplit(url[len(base):]).path
    elif config.get("SERVER_NAME") and host == config["SERVER_NAME"]:
        path = urlsplit(url).path
    else:
        return None
    root = (request.script_root if has_request_context() else str(config.get("APPLICATION_ROOT") or "")).rstrip("/")
    if root and path.startswith(root + "/"):
        path = path[len(root):]
    return path


def _is_page(path: str) -> bool:
    adapter = current_app.url_map.bind(current_app.config.get("SERVER_NAME") or "localhost")
    try:
        rule, _args = adapter.match(path, method="GET", return_rule=True)
    except HTTPException:  # no such page, not a GET, or a redirect to another address
        return False
    return _answers_with_page(rule)


def _answers_with_page(rule: Rule) -> bool:
    endpoint = rule.endpoint
    if not endpoint.startswith("lms.") or endpoint.startswith("lms.api.") or endpoint in _NOT_PAGES:
        return False
    return "." not in rule.rule.rstrip("/").rsplit("/", 1)[-1]  # a file name: ``<id>.ics``, ``report.pdf``, ``jwks.json``
