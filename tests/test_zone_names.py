"""Time zones are named as people say them, in the reader's language ("Pacific Time", "Hora del Pacífico"), never by
their IANA id ("America/Los Angeles"): the shared helper (lms.timezones.zone_name, the ``lms_zone`` filter) and the
pages that name a zone (the sessions list, "Sessions I lead", a session's page in another zone, an organisation).
The zones of the profile's list of common zones are named by that list's own words, so one zone has one name in a
language; other zones by CLDR's names."""

from __future__ import annotations

import re
from html import unescape

import pytest

from lms import db
from lms.accounts.models import SiteRole
from lms.timezones import zone_name
from tests.live_support import live_course, schedule

NEW_YORK = "America/New_York"


@pytest.mark.parametrize(("zone", "english", "spanish"), [
    # the profile list's words without its example place ("Hora del Este (Nueva York)")
    ("America/Los_Angeles", "Pacific Time", "Hora del Pacífico"),
    ("America/New_York", "Eastern Time", "Hora del Este"),
    ("America/Denver", "Mountain Time", "Hora de la Montaña"),
    # no daylight saving, which tells it apart from Denver in summer
    ("America/Phoenix", "Mountain Time, no daylight saving", "Hora de la Montaña, sin cambio de horario"),
    ("Pacific/Honolulu", "Hawaii Time", "Hora de Hawái"),
    ("US/Pacific", "Pacific Time", "Hora del Pacífico"),  # an old alias a profile may still hold
    # not in the list of common zones: CLDR's names
    ("UTC", "Coordinated Universal Time", "hora universal coordinada"),
    ("Asia/Kolkata", "India Standard Time", "hora estándar de la India"),
])
def test_zones_are_named_as_people_say_them(app, zone, english, spanish):
    assert zone_name(zone, "en_US") == english
    assert zone_name(zone, "es_US") == spanish  # Spanish pages format for the US (LMS_FORMAT_LOCALES)


def test_never_summer_time_all_year_nor_an_id(app):
    """Babel's last resort says "hora de verano de …" (summer time) in US Spanish whatever the season: a zone with no
    name of its own is named as the time-zone list names it instead."""
    for zone in ("Africa/Abidjan", "Asia/Kolkata", "Pacific/Kiritimati", "America/Tijuana", "Europe/Madrid",
                 "Antarctica/Troll", "America/Argentina/Buenos_Aires"):
        for locale in ("en_US", "es_US"):
            name = zone_name(zone, locale)
            assert "verano" not in name and "/" not in name and "_" not in name, (zone, locale, name)


def test_what_babel_does_not_know_is_shown_as_it_is(app):
    assert zone_name("Mars/Olympus_Mons", "en_US") == "Mars/Olympus Mons"
    assert zone_name("America/Los_Angeles", "xx_not_a_locale") == "America/Los Angeles"


def _text(html: str) -> str:
    return unescape(re.sub(r"\s+", " ", html))


def test_the_sessions_list_names_the_readers_zone_in_their_language(client, u, login, make_user):
    page = _text(client.get(u("lms.sessions.index")).get_data(as_text=True))
    assert "Times are shown in your time zone (Pacific Time)." in page and "America/Los" not in page
    login(make_user(locale="es", timezone=NEW_YORK))
    page = _text(client.get(u("lms.sessions.index")).get_data(as_text=True))
    assert "(Hora del Este)" in page and "America/New" not in page and "hora oriental" not in page


def test_a_session_in_another_zone_names_both_zones_in_words(client, u, login, make_user, trainer):
    _course, module = live_course(trainer)
    (session,) = schedule(module, trainer, timezone=NEW_YORK)
    login(make_user(timezone="America/Los_Angeles"))
    page = _text(client.get(u("lms.sessions.detail", session_id=session.id)).get_data(as_text=True))
    assert "In the session's time zone (Eastern Time):" in page and "America/New" not in page
    login(trainer)
    page = _text(client.get(u("lms.sessions.teach")).get_data(as_text=True))
    assert "Times in your time zone (Pacific Time)." in page


def test_an_organisation_page_names_its_zone_in_words(client, u, login, make_org, make_user):
    manager = make_user(name="Mara Manager")
    org = make_org("valley", manager=manager, timezone="America/Phoenix")
    db.session.commit()
    login(make_user("admin@example.org", role=SiteRole.ADMIN))
    page = _text(client.get(u("lms.orgs.show", org_slug=org.slug)).get_data(as_text=True))
    assert "Mountain Time, no daylight saving" in page and "America/Phoenix" not in page
