"""The time-zone list people choose from: the common zones first, in words, then every other zone by country and city.

The value stored is always the IANA name (``America/Los_Angeles``); only the labels change. Which names are valid is
:func:`lms.i18n.is_valid_timezone`'s to say (every zone the system knows, old aliases such as ``US/Pacific``
included). The list shows one name per zone: the zones of the IANA ``zone.tab`` (from the ``tzdata`` package, a
dependency), which names each zone's country. An old alias someone already has stays selectable: see
:func:`zone_options`.

Other zones are labelled "Country (City)" from Babel's CLDR data in the reader's language ("Mexico (Tijuana)",
"México (Tijuana)"), or the country alone when the list has one zone there ("Philippines"). Babel's own
``get_timezone_location`` is not used as it is: in Spanish it says "hora de verano de …" (summer time) all year.
Building a list takes a few milliseconds, so each locale's is kept for the life of the process.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from importlib import resources
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel import Locale, UnknownLocaleError
from babel.core import get_global
from babel.dates import get_timezone_location, get_timezone_name
from flask_babel import force_locale, get_locale

from lms.i18n import _, _l, is_valid_timezone

#: The zones most people here live in, first in the list and in words (US zones, Pacific first).
COMMON_ZONES = {
    # i18n: time-zone names in the time-zone list; the city in brackets is an example place in the zone. Keep the
    # i18n: example in brackets at the end: pages name the zone by the words before it ("Eastern Time").
    "America/Los_Angeles": _l("Pacific Time (Los Angeles)"),
    "America/Denver": _l("Mountain Time (Denver)"),
    "America/Phoenix": _l("Mountain Time, no daylight saving (Phoenix)"),
    "America/Chicago": _l("Central Time (Chicago)"),
    "America/New_York": _l("Eastern Time (New York)"),
    "America/Anchorage": _l("Alaska Time (Anchorage)"),
    "Pacific/Honolulu": _l("Hawaii Time (Honolulu)"),
    "America/Puerto_Rico": _l("Atlantic Time (Puerto Rico)"),
}


@dataclass(frozen=True)
class ZoneOption:
    """One entry of the list: the IANA name stored, its label, and whether it is one of :data:`COMMON_ZONES`."""

    value: str
    label: str
    common: bool


def zone_options(locale: str, current: str | None = None) -> list[ZoneOption]:
    """The list in ``locale`` (a Babel locale such as ``es_US``): :data:`COMMON_ZONES` in their order, then the others
    by label. ``current``, a valid zone that the list does not show (an old alias someone chose when every name was
    listed), is added at the end of the others under its own name, so a form shows it selected instead of silently
    moving the person to the first zone."""
    options = list(_options(locale))
    if current and is_valid_timezone(current) and current not in _listed():
        options.append(ZoneOption(current, current.replace("_", " "), common=False))
    return options


@lru_cache(maxsize=16)
def _options(locale: str) -> tuple[ZoneOption, ...]:
    """Built once per process and locale (labels of the common zones in the language of the first request to ask)."""
    common = [ZoneOption(zone, str(label), True) for zone, label in COMMON_ZONES.items()]
    others = [ZoneOption(zone, label, False) for zone, label in _other_labels(locale).items()]
    return (*common, *sorted(others, key=lambda option: (_sort_key(option.label), option.value)))


def _other_labels(locale: str) -> dict[str, str]:
    """Each listed zone that is not a common one → "Country (City)", or "Country" when it has no other zone."""
    babel_locale = Locale.parse(locale)
    by_country: dict[str, list[str]] = {}
    for zone, country in _zone_countries().items():
        by_country.setdefault(country, []).append(zone)
    labels = {}
    for country, zones in by_country.items():
        name = babel_locale.territories.get(country, country)
        for zone in zones:
            if zone in COMMON_ZONES:
                continue
            if len(zones) == 1:
                labels[zone] = name
            else:
                city = get_timezone_location(zone, babel_locale, return_city=True)
                labels[zone] = babel_locale.zone_formats["fallback"] % {"0": city, "1": name}
    return labels


def _sort_key(label: str) -> str:
    """Alphabetical as a reader expects: accents and case do not move a name ("Österreich" among the O's)."""
    decomposed = unicodedata.normalize("NFKD", label.casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


@lru_cache(maxsize=1)
def _zone_countries() -> dict[str, str]:
    """IANA ``zone.tab``: each zone the list shows → its ISO 3166 country code (only zones this system knows)."""
    text = resources.files("tzdata").joinpath("zoneinfo", "zone.tab").read_text(encoding="utf-8")
    found = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            country, _coordinates, zone, *_comment = line.split("\t")
            if is_valid_timezone(zone):
                found[zone] = country
    for zone in COMMON_ZONES:  # always listed, even if a system's tzdata left one out of zone.tab
        found.setdefault(zone, "US")
    return found


@lru_cache(maxsize=1)
def _listed() -> frozenset[str]:
    return frozenset(_zone_countries())


def group_titles() -> tuple[str, str]:
    """The headings of the two parts of the list."""
    # i18n: headings inside the time-zone list: the common US zones, then every other zone by country.
    return _("United States"), _("Other time zones, by country")


def zone_label(zone: str, locale: str) -> str:
    """The zone as the list names it in ``locale`` ("Pacific Time (Los Angeles)", "Kiribati (Kiritimati)"), for
    saying which zone times are shown in; a zone the list does not show, by its own name ("US/Pacific" as
    "US/Pacific", underscores as spaces)."""
    return _labels(locale).get(zone) or zone.replace("_", " ")


@lru_cache(maxsize=16)
def _labels(locale: str) -> dict[str, str]:
    return {option.value: option.label for option in _options(locale)}


def zone_name(zone: str, locale: str) -> str:
    """The zone as people call it, in ``locale`` (a Babel locale such as ``es_US``), for saying which zone times are
    in. A zone of :data:`COMMON_ZONES` by the words of its own label without the example place ("Eastern Time",
    "Hora del Este"), so a page names it as the profile's list does. Any other zone by CLDR's generic name ("Central
    European Time"); for a zone that keeps one time all year its standard name first, as CLDR does ("India Standard
    Time"); else the list's "Country (City)" (:func:`zone_label`). Never Babel's last resort, a sentence about the
    place, which in Spanish reads "hora de verano de …" (summer time) all year. A name Babel does not know is shown
    as it is, underscores as spaces."""
    common = _canonical(zone)
    if common in COMMON_ZONES:
        return _common_name(common, locale)
    try:
        return _zone_name(zone, str(Locale.parse(locale)))
    except (UnknownLocaleError, ValueError, TypeError):
        return zone.replace("_", " ")


def _canonical(zone: str) -> str:
    """An old alias's zone ("US/Pacific" → "America/Los_Angeles"), as CLDR links them; other names as they are."""
    return get_global("zone_aliases").get(zone, zone)


def _common_name(zone: str, locale: str) -> str:
    """The label of a common zone in ``locale``'s language, less its trailing example place in brackets."""
    try:
        with force_locale(locale):
            label = str(COMMON_ZONES[zone])
    except (UnknownLocaleError, ValueError, TypeError):
        return zone.replace("_", " ")
    name, bracket, _example = label.rpartition(" (")
    return name if bracket and label.endswith(")") and name else label


@lru_cache(maxsize=1024)
def _zone_name(zone: str, locale: str) -> str:
    try:
        last_resort = get_timezone_location(zone, locale)
        for variant in ("standard", "generic") if _keeps_one_time(zone) else ("generic", "standard"):
            name = get_timezone_name(zone, "long", locale=locale, zone_variant=variant)
            if name != last_resort:
                return name
    except LookupError:  # not a zone Babel knows
        return zone.replace("_", " ")
    return zone_label(zone, locale)


def _keeps_one_time(zone: str) -> bool:
    """Whether the zone has the same offset in January and July this year (no daylight saving time)."""
    try:
        tz = ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    year = datetime.now(UTC).year
    return datetime(year, 1, 1, tzinfo=tz).utcoffset() == datetime(year, 7, 1, tzinfo=tz).utcoffset()


def format_zone(zone: str | None) -> str:
    """:func:`zone_name` in this request's language and formats (the ``lms_zone`` template filter)."""
    return zone_name(zone, str(get_locale() or "en")) if zone else ""
