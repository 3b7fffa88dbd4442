"""The time-zone list on the profile (and the organisation and live-session forms): the US zones first, Pacific at the
top, in words; then every other zone as "Country (City)" in the reader's language, alphabetically; no raw IANA names.
The value stored stays the IANA name, any valid zone is accepted (an old alias too) and anything else is refused."""

from __future__ import annotations

import re
from html import unescape

import pytest

from lms import db
from lms.i18n import in_language
from lms.timezones import COMMON_ZONES, zone_options
from tests.conftest import PASSWORD

OPTION = re.compile(r'<option([^>]*)value="([^"]*)"([^>]*)>([^<]*)</option>')


def _select(html: str, name: str = "timezone") -> str:
    return re.search(rf'<select[^>]*name="{name}"[^>]*>(.*?)</select>', html, re.S).group(1)


def _options(html: str) -> list[tuple[str, str, bool]]:
    """(value, label, selected) of each option of the time-zone select."""
    return [(value, unescape(label), "selected" in before + after)
            for before, value, after, label in OPTION.findall(_select(html))]


def _groups(html: str) -> list[str]:
    return [unescape(label) for label in re.findall(r'<optgroup label="([^"]*)">', _select(html))]


def _profile(client, u, **data):
    base = {"name": "Rosa Díaz", "locale": "en", "timezone": "America/Los_Angeles"}
    return client.submit(u("lms.accounts.profile"), {**base, **data})


def test_pacific_first_then_the_other_us_zones_then_every_zone_by_country(client, u, login, make_user):
    login(make_user())
    html = client.get(u("lms.accounts.profile")).get_data(as_text=True)
    options = _options(html)
    assert options[0] == ("America/Los_Angeles", "Pacific Time (Los Angeles)", True)  # the site's default, chosen
    assert [value for value, _label, _selected in options[:len(COMMON_ZONES)]] == list(COMMON_ZONES)
    assert _groups(html) == ["United States", "Other time zones, by country"]
    labels = {value: label for value, label, _selected in options}
    assert labels["America/New_York"] == "Eastern Time (New York)"
    assert labels["America/Tijuana"] == "Mexico (Tijuana)"
    assert labels["Asia/Manila"] == "Philippines"  # a country with one zone: its name alone
    assert labels["America/Detroit"] == "United States (Detroit)"
    assert not any("/" in label or "_" in label for label in labels.values())  # no raw zone names
    others = [label for _value, label, _selected in options[len(COMMON_ZONES):]]
    assert others.index("Afghanistan") < others.index("Åland Islands") < others.index("Albania")  # accents do not
    assert others.index("Costa Rica") < others.index("Côte d’Ivoire") < others.index("Croatia")  # move a name
    assert others.index("Canada (Vancouver)") < others.index("Mexico (Tijuana)") < others.index("Zimbabwe")
    assert len(labels) == len(options)  # each zone once
    assert sum(selected for *_rest, selected in options) == 1


def test_labels_are_in_the_readers_language(client, u, login, make_user):
    login(make_user(locale="es"))
    labels = {value: label for value, label, _selected in _options(client.get(u("lms.accounts.profile")).get_data(as_text=True))}
    assert labels["America/Mexico_City"] == "México (Ciudad de México)"
    assert labels["Europe/Berlin"] == "Alemania (Berlín)"
    assert "verano" not in " ".join(labels.values())  # Babel's Spanish zone names say "summer time" all year


def test_the_person_s_own_zone_is_the_one_selected(client, u, login, make_user):
    login(make_user(timezone="Asia/Kolkata"))
    options = _options(client.get(u("lms.accounts.profile")).get_data(as_text=True))
    assert [(value, label) for value, label, selected in options if selected] == [("Asia/Kolkata", "India")]


def test_an_old_alias_someone_has_stays_selected(app, client, u, login, make_user):
    """US/Pacific was in the old list; someone who chose it must not be moved to another zone by saving the form.
    Others do not see it: one name per zone."""
    login(make_user(timezone="US/Pacific"))
    options = _options(client.get(u("lms.accounts.profile")).get_data(as_text=True))
    assert [value for value, _label, selected in options if selected] == ["US/Pacific"]
    other = app.test_client()
    other.submit(u("lms.accounts.login"), {"email": make_user().email, "password": PASSWORD})
    values = [value for value, *_rest in _options(other.get(u("lms.accounts.profile")).get_data(as_text=True))]
    assert "America/Los_Angeles" in values and "US/Pacific" not in values and "Asia/Calcutta" not in values


@pytest.mark.parametrize("zone", ["Asia/Kolkata", "Africa/Nairobi", "America/Argentina/Buenos_Aires", "America/Chicago",
                                  "US/Pacific", "Asia/Calcutta"])
def test_any_valid_zone_is_accepted_and_stored_by_its_iana_name(client, u, login, make_user, zone):
    user = make_user()
    login(user)
    assert _profile(client, u, timezone=zone).status_code == 302
    db.session.refresh(user)
    assert user.timezone == zone


@pytest.mark.parametrize("zone, status", [
    *((zone, 200) for zone in ["Mars/Olympus", "Pacific Time (Los Angeles)", "UTC", "Etc/GMT+8", "", "../etc/passwd",
                               "x" * 5000]),
    ("America/Los_Angeles\x00", 400),  # a control character: the whole request is refused before the form
])
def test_anything_else_is_refused(client, u, login, make_user, zone, status):
    user = make_user(timezone="America/Chicago")
    login(user)
    response = _profile(client, u, timezone=zone)
    assert response.status_code == status
    if status == 200:
        assert "Choose a time zone from the list." in response.get_data(as_text=True)
    db.session.refresh(user)
    assert user.timezone == "America/Chicago"


def test_the_organisation_form_uses_the_same_list(client, u, login, make_user):
    login(make_user())
    html = client.get(u("lms.orgs.create")).get_data(as_text=True)
    assert _options(html)[0] == ("America/Los_Angeles", "Pacific Time (Los Angeles)", True)
    assert _groups(html) == ["United States", "Other time zones, by country"]


def test_the_list_is_built_once_per_language(app):
    with app.test_request_context(), in_language("en"):
        first = zone_options("en_US")
        again = zone_options("en_US")
        assert first == again and first is not again  # a copy of the kept list: a caller may extend it
        assert zone_options("en_US", "US/Pacific")[-1].value == "US/Pacific"
        assert zone_options("en_US")[-1].value != "US/Pacific"  # the kept list was not changed
        assert zone_options("en_US", "Mars/Olympus") == first  # never an invalid zone
    with app.test_request_context(), in_language("es"):
        assert zone_options("es_US")[len(COMMON_ZONES)].label == "Afganistán"
