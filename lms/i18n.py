"""Languages: the ``lms`` gettext domain, locale and time-zone selection, and Babel formatting helpers."""

from __future__ import annotations

from contextlib import AbstractContextManager
from datetime import date, datetime, time
from functools import lru_cache
from typing import Any
from urllib.parse import quote, urlencode
from zoneinfo import ZoneInfo, available_timezones

from babel import Locale, UnknownLocaleError, numbers
from babel import dates as babel_dates
from flask import Flask, current_app, g, has_request_context, request, session
from flask.globals import _cv_app  # the application context itself, which the ``g`` proxy reads
from flask_babel import (
    Babel,
    LazyString,
    force_locale,
    format_currency,
    format_date,
    format_datetime,
    format_decimal,
    get_locale,
    get_timezone,
    get_translations,
)
from jinja2 import pass_eval_context
from jinja2.nodes import EvalContext
from markupsafe import Markup

from lms.db import utcnow
from lms.resources import resource_path

__all__ = ["_", "_l", "current_locale", "init_babel", "is_rtl", "ngettext"]

RTL_LANGUAGES = {"ar", "fa", "he", "ur", "ps", "yi", "dv", "ckb"}
SESSION_KEY = "lms_lang"
DOMAIN = "lms"
PATH_SAFE = "/:@!$&'()*+,;=~"


def init_babel(app: Flask) -> None:
    """Make the ``lms`` catalogs available, whether or not the host set up Flask-Babel itself."""
    directory = str(resource_path("translations"))
    config = app.extensions.get("babel")
    if config is None:
        app.config.setdefault("BABEL_DEFAULT_LOCALE", app.config["LMS_DEFAULT_LOCALE"])
        app.config.setdefault("BABEL_DEFAULT_TIMEZONE", app.config["LMS_DEFAULT_TIMEZONE"])
        Babel(
            app,
            locale_selector=select_locale,
            timezone_selector=select_timezone,
            default_domain=DOMAIN,
            default_translation_directories=directory,
        )
        config = app.extensions["babel"]
        config.translation_directories = [directory]
        config.default_domain = DOMAIN
        _install_jinja_callables(app)
        return
    domains = config.default_domain.split(";")
    if len(domains) == 1:
        domains = domains * len(config.translation_directories)
    config.translation_directories = [*config.translation_directories, directory]
    config.default_domain = ";".join([*domains, DOMAIN])
    _install_jinja_callables(app)


def translations():
    """This request's catalog, looked up once per request.

    Flask-Babel finds the catalog again on every ``gettext`` (request context, locale, ``str(locale)``, cache: about
    25 µs, hundreds of times per page). The result is kept in Flask-Babel's own per-request slot
    ``babel_translations``, which ``force_locale`` and ``refresh`` already reset, so a forced locale still wins.
    """
    context = _babel_context()
    if context is None:  # first call of this request, or no application context
        return get_translations()
    found = getattr(context, "babel_translations", None)
    if found is None:
        found = context.babel_translations = get_translations()
    return found


def _babel_context() -> Any:
    """Flask-Babel's per-request slot (``g._flask_babel``), or None before it is made or outside an application
    context. Read through the context variable Flask's ``g`` proxy reads: a template asks for every string."""
    app_context = _cv_app.get(None)
    return getattr(app_context.g, "_flask_babel", None) if app_context is not None else None


def _(string: str, **variables) -> str:
    """``gettext``: ``string`` in this request's language, with ``%(name)s`` variables filled in."""
    text = translations().ugettext(string)
    return text % variables if variables else text


def ngettext(singular: str, plural: str, num: int, **variables) -> str:
    """The singular or plural form for ``num`` (available as ``%(num)s``)."""
    variables.setdefault("num", num)
    return translations().ungettext(singular, plural, num) % variables


def _l(string: str, **variables) -> LazyString:
    """``lazy_gettext``: translated when it is used, in the language of that moment."""
    return LazyString(_, string, **variables)


def _install_jinja_callables(app: Flask) -> None:
    """``{% trans %}`` and ``_()`` in templates through the per-request catalog, with the behaviour of Jinja's
    newstyle gettext (the translation is ``Markup`` when autoescaping, and always a ``%`` format).

    Jinja's own wrappers reach the callable through ``Context.call``; these take the evaluation context only, which
    is all they need. About 35 strings on a page made the wrappers a fifth of the verification page's rendering.
    """
    app.jinja_env.install_gettext_callables(gettext=_, ngettext=ngettext, newstyle=True)  # sets newstyle_gettext
    app.jinja_env.globals.update(gettext=_jinja_gettext, _=_jinja_gettext, ngettext=_jinja_ngettext,
                                 pgettext=_jinja_pgettext, npgettext=_jinja_npgettext)


def _jinja_text(eval_ctx: EvalContext, text: str, variables: dict) -> str:
    # The catalog is trusted text, as in Jinja's own newstyle gettext; the variables are escaped by ``%``.
    if not variables:  # most strings of a page: the same result for the same text, made once per process
        return _without_variables(text, eval_ctx.autoescape)
    return (Markup(text) if eval_ctx.autoescape else text) % variables  # noqa: S704


@lru_cache(maxsize=4096)
def _without_variables(text: str, autoescape: bool) -> str:
    return (Markup(text) if autoescape else text) % {}  # noqa: S704 (still a ``%`` format: ``%%`` is ``%``)


@pass_eval_context
def _jinja_gettext(eval_ctx: EvalContext, string: str, **variables) -> str:
    return _jinja_text(eval_ctx, translations().ugettext(string), variables)


@pass_eval_context
def _jinja_ngettext(eval_ctx: EvalContext, singular: str, plural: str, num: int, **variables) -> str:
    variables.setdefault("num", num)
    return _jinja_text(eval_ctx, translations().ungettext(singular, plural, num), variables)


@pass_eval_context
def _jinja_pgettext(eval_ctx: EvalContext, context: str, string: str, **variables) -> str:
    variables.setdefault("context", context)
    return _jinja_text(eval_ctx, translations().upgettext(context, string), variables)


@pass_eval_context
def _jinja_npgettext(eval_ctx: EvalContext, context: str, singular: str, plural: str, num: int, **variables) -> str:
    variables.setdefault("context", context)
    variables.setdefault("num", num)
    return _jinja_text(eval_ctx, translations().unpgettext(context, singular, plural, num), variables)


def supported_locales() -> list[str]:
    return list(current_app.config["LMS_LOCALES"])


def locale_names() -> list[tuple[str, str]]:
    """Each supported locale with its name in its own language, for the switcher."""
    return _names(tuple(supported_locales()))


@lru_cache(maxsize=8)
def _names(codes: tuple[str, ...]) -> list[tuple[str, str]]:
    return [(code, Locale.parse(code).get_display_name(code).capitalize()) for code in codes]


def language_name(code: str) -> str:
    """A language's name in this request's language, for running text ("written in inglés" is wrong)."""
    return language_name_in(code, current_locale())


@lru_cache(maxsize=256)
def language_name_in(code: str, locale: str) -> str:
    """A language's name in ``locale`` (``es`` in ``en``: "Spanish"; in ``es``: "español"); the code if unknown."""
    try:
        return Locale.parse(code).get_display_name(locale) or code
    except (ValueError, UnknownLocaleError):
        return code


def language_url(code: str) -> str:
    """This page in language ``code`` (a GET with ``?lang=``, which the visitor's session then remembers): the
    switcher of visitors who are not signed in, who so get no session cookie until they choose."""
    args = [(key, value) for key, value in request.args.items(multi=True) if key != "lang"] + [("lang", code)]
    return f"{request.script_root}{quote(request.path, safe=PATH_SAFE)}?{urlencode(args)}"


def select_locale() -> str:
    """The Babel locale: the chosen language with its regional formats (Spanish in California → ``es_US``)."""
    return format_locale(select_language())


def format_locale(language: str) -> str:
    """The Babel locale of a language: the language with its regional formats (``LMS_FORMAT_LOCALES``)."""
    return current_app.config["LMS_FORMAT_LOCALES"].get(language, language)


def in_language(language: str) -> AbstractContextManager[None]:
    """For a ``with`` block: words, plurals, numbers and dates as a reader of ``language`` sees them (an email, a PDF,
    a preview, the screen shown to a room), whatever the viewer's own language; theirs comes back after the block."""
    return force_locale(format_locale(language))


def select_language() -> str:
    """Profile language, then a ``?lang=`` choice kept in the session, then Accept-Language, then the default."""
    supported = supported_locales()
    if not has_request_context():
        return current_app.config["LMS_DEFAULT_LOCALE"]
    user = g.get("lms_user")
    if user is not None and user.locale in supported:
        return user.locale
    asked = request.args.get("lang")
    if asked in supported:
        session[SESSION_KEY] = asked
        return asked
    if session.get(SESSION_KEY) in supported:
        return session[SESSION_KEY]
    return request.accept_languages.best_match(supported) or current_app.config["LMS_DEFAULT_LOCALE"]


def remember_asked_language() -> None:
    """``before_request``: keep a ``?lang=`` choice in the session even when the answer shows no text (an emailed link
    to a page that needs sign-in redirects at once), so the pages that follow are in that language."""
    if b"lang" in request.query_string and "lang" in request.args:  # most requests: no query to parse
        select_language()


def select_timezone() -> str:
    user = g.get("lms_user") if has_request_context() else None
    return zone_of(user)


def zone_of(user: Any) -> str:
    """The person's time zone (their profile's, else the site's default)."""
    return (getattr(user, "timezone", None) if user is not None else None) or current_app.config["LMS_DEFAULT_TIMEZONE"]


def today_for(user: Any) -> date:
    """Today's date where the person is: what "in the future" means for a date they enter. Read from
    :func:`lms.db.utcnow`, the clock every other "today" (``Organisation.today``) reads, so both agree."""
    return utcnow().astimezone(ZoneInfo(zone_of(user))).date()


def current_locale() -> str:
    """The language code of this request (``en``, ``es``), as used in ``<html lang>`` and catalogs.

    Read from Flask-Babel's per-request slot once it is set (as :func:`translations` does): a page asks several times.
    """
    locale = getattr(_babel_context(), "babel_locale", None)
    if locale is None:  # not chosen yet in this request (``force_locale`` may leave the slot None too)
        locale = get_locale()
    return locale.language if locale else current_app.config["LMS_DEFAULT_LOCALE"]


def is_rtl(locale: str | None = None) -> bool:
    code = (locale or current_locale()).split("_")[0]
    return code in RTL_LANGUAGES


def is_valid_timezone(name: str) -> bool:
    """Whether ``name`` is a time zone people may choose (the list they choose from: :mod:`lms.timezones`)."""
    return name in _timezones()


_TZ_CACHE: list[str] = []


def _timezones() -> list[str]:
    if not _TZ_CACHE:
        _TZ_CACHE.extend(sorted(tz for tz in available_timezones() if "/" in tz and not tz.startswith("Etc")))
    return _TZ_CACHE


def to_local(value: datetime) -> datetime:
    return value.astimezone(ZoneInfo(str(get_timezone())))


#: Formats that never print a date in digits only: "5/12/2026" is 5 December in Spanish and 12 May to most readers in
#: the US, where both languages are read. "short" and "medium" give the month in words ("Dec 5, 2026", "5 dic 2026")
#: and, for a moment, hours and minutes without seconds.
_WORDED = ("short", "medium")


def format_when(value: datetime | date | None, format: str = "medium") -> str:
    """Format a UTC datetime (in the viewer's zone) or a date, in the viewer's locale (see ``_WORDED``)."""
    if value is None:
        return ""
    locale = str(get_locale())
    if isinstance(value, datetime):
        if format in _WORDED:
            return _date_and_time(to_local(value), locale)
        return format_datetime(value, format)
    return _format_date(value, "medium" if format in _WORDED else format, locale, current_app.extensions["babel"].instance)


def format_when_zoned(value: datetime | None) -> str:
    """:func:`format_when` with the zone named: "Dec 7, 2026, 2:35 AM PST" (the ``lms_when_zoned`` filter). For pages
    anyone may open, a certificate's verification: its reader may be in another zone than the one it is shown in."""
    if value is None:
        return ""
    locale = str(get_locale())
    return f"{format_when(value)} {babel_dates.get_timezone_name(to_local(value), 'short', locale=locale)}"


def _date_and_time(local: datetime, locale: str) -> str:
    """The medium date and the short time, joined the locale's way ("Dec 5, 2026, 9:30 AM"; "5 dic 2026, 9:30 a.m.")."""
    if _time_shows_minutes_only(locale):  # the same text for every moment of a minute: made once per process
        return _minute_text(local.date(), local.hour, local.minute, locale)
    return _compose_date_and_time(local, locale)


#: Fields of a time pattern that depend on more than the wall-clock hour and minute: seconds and fractions,
#: milliseconds in the day, and time-zone names or offsets.
_BEYOND_MINUTES = frozenset("sSAzZvVOXx")


@lru_cache(maxsize=64)
def _time_shows_minutes_only(locale: str) -> bool:
    pattern = babel_dates.get_time_format("short", locale).pattern
    fields = "".join(pattern.replace("''", "").split("'")[::2])  # quoted text left out
    return not _BEYOND_MINUTES.intersection(fields)


@lru_cache(maxsize=4096)
def _minute_text(day: date, hour: int, minute: int, locale: str) -> str:
    return _compose_date_and_time(datetime.combine(day, time(hour, minute)), locale)


def _compose_date_and_time(local: datetime, locale: str) -> str:
    return (
        babel_dates.get_datetime_format("medium", locale)
        .replace("{1}", babel_dates.format_date(local, "medium", locale))
        .replace("{0}", babel_dates.format_time(local, "short", locale=locale))
    )


@lru_cache(maxsize=4096)
def _format_date(value: date, format: str, locale: str, babel: Babel) -> str:
    """A date in words, once per process for each date, format and locale (Babel takes ~0.1 ms per call; a page
    shows several, mostly the same few). ``babel`` is in the key for its configured ``date_formats``."""
    return format_date(value, format)


def format_month_year(value: date) -> str:
    """A month and its year the viewer's language's way (CLDR skeleton ``yMMMM``): "November 2026", "noviembre de
    2026", "2026年11月". A fixed pattern such as ``LLLL y`` is right in English only."""
    return _month_year(value.replace(day=1), str(get_locale()))


@lru_cache(maxsize=1024)
def _month_year(month: date, locale: str) -> str:
    return babel_dates.format_skeleton("yMMMM", month, locale=locale)


#: The minus sign of amounts and durations on pages and PDFs: the true one (U+2212), in :func:`format_minutes` and
#: :func:`format_money`, so a correction's time and amount on one row have the same sign. Files for machines (the
#: payroll CSV) write ASCII numbers of their own (``lms.hours.money``), never these texts.
MINUS = "\u2212"


def format_minutes(minutes: int | None) -> str:
    """``95`` → ``1 hour 35 minutes`` in the viewer's language; a negative correction keeps its sign in front."""
    minutes = int(minutes or 0)
    sign = MINUS if minutes < 0 else ""
    hours, rest = divmod(abs(minutes), 60)
    parts = []
    if hours:
        parts.append(ngettext("%(count)s hour", "%(count)s hours", hours, count=_whole_number(hours, str(get_locale()))))
    if rest or not hours:
        parts.append(ngettext("%(num)s minute", "%(num)s minutes", rest))
    return sign + " ".join(parts)


@lru_cache(maxsize=2048)
def _whole_number(number: int, locale: str) -> str:
    """``1234`` → ``1,234`` (``1.234``, ...) once per process for each number and locale."""
    return numbers.format_decimal(number, locale=locale)


def format_money(cents: int | None, currency: str = "USD") -> str:
    """``-2450`` → ``$24.50`` after :data:`MINUS` (``24,50 US$`` after it where Babel writes that): Babel's amount, its
    hyphen-minus made the true minus sign."""
    text = format_currency((cents or 0) / 100, currency)
    return text.replace("-", MINUS, 1) if (cents or 0) < 0 else text


def format_megabytes(size: int) -> str:
    """A size in bytes as a number of MB, as the reader writes numbers (``1.5``, ``1,5``): one decimal from 1 MB up,
    three below (``0.25`` for 256 KB). The sentence around it says "MB", so translators can place the unit."""
    megabytes = size / (1024 * 1024)
    return format_decimal(round(megabytes, 1 if megabytes >= 1 else 3), format="#,##0.###")
