"""Languages: locale choice order, switcher, html lang/dir, Babel formatting, and complete, consistent catalogs."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from lms import db
from lms.i18n import format_minutes, format_money, format_when

ROOT = Path(__file__).resolve().parent.parent
PLACEHOLDER = re.compile(r"%\(([a-z_]+)\)([sdif])")


def test_accept_language_then_english(client, u):
    assert 'lang="es"' in client.get(u("lms.accounts.login"), headers={"Accept-Language": "es-MX,es;q=0.9"}).text
    assert 'lang="en"' in client.get(u("lms.accounts.login"), headers={"Accept-Language": "fr-FR"}).text
    assert 'lang="en"' in client.get(u("lms.accounts.login")).text


def test_lang_query_is_kept_in_the_session(client, u):
    page = client.get(u("lms.accounts.login", lang="es")).text
    assert 'lang="es"' in page and "Iniciar sesión" in page
    assert 'lang="es"' in client.get(u("lms.accounts.signup"), headers={"Accept-Language": "en"}).text


def test_profile_language_wins_over_session_and_header(client, u, make_user, login):
    login(make_user(locale="es"))
    assert 'lang="es"' in client.get(u("lms.accounts.profile", lang="en"), headers={"Accept-Language": "en"}).text


def test_switcher_saves_choice_to_profile(client, u, make_user, login):
    user = make_user(locale="en")
    login(user)
    response = client.submit(u("lms.main.set_language"), {"lang": "es", "next": u("lms.accounts.profile")})
    assert response.headers["Location"] == u("lms.accounts.profile")
    db.session.refresh(user)
    assert user.locale == "es"
    assert "Su perfil" in client.get(u("lms.accounts.profile")).text or 'lang="es"' in client.get(u("lms.accounts.profile")).text


def test_switcher_ignores_unknown_language_and_foreign_next(client, u):
    response = client.submit(u("lms.main.set_language"), {"lang": "xx", "next": "//evil.example/"})
    assert response.headers["Location"] == u("lms.main.home")


def test_every_page_has_a_switcher(client, u, make_user, login):
    page = client.get(u("lms.accounts.login", next="/x y")).text
    assert 'href="/login?next=%2Fx+y&amp;lang=es"' in page and 'href="/login?next=%2Fx+y&amp;lang=en"' in page
    login(make_user())
    page = client.get(u("lms.accounts.profile")).text
    assert 'name="lang" value="es"' in page and 'name="lang" value="en"' in page  # saved to the profile: a POST


def test_visitors_get_no_cookie_until_they_choose_a_language(app, u):
    visitor = app.test_client()
    for endpoint in ("lms.main.home", "lms.certificates.verify_form", "lms.courses.catalog", "lms.sessions.index"):
        response = visitor.get(u(endpoint), headers={"Accept-Language": "en"})
        assert response.status_code == 200 and "Set-Cookie" not in response.headers, endpoint
    chosen = visitor.get(u("lms.certificates.verify_form", lang="es"), headers={"Accept-Language": "en"})
    assert 'lang="es"' in chosen.text and "Set-Cookie" in chosen.headers
    assert 'lang="es"' in visitor.get(u("lms.main.home"), headers={"Accept-Language": "en"}).text  # remembered


@pytest.mark.parametrize("app_config", [{"LMS_LOCALES": ["en", "es", "ar"]}])
def test_right_to_left_languages_set_dir(client, u, app_config):
    page = client.get(u("lms.accounts.login", lang="ar")).text
    assert '<html lang="ar" dir="rtl">' in page


def test_dates_numbers_money_in_locale_and_time_zone(app):
    moment = datetime(2026, 7, 4, 18, 30, tzinfo=UTC)
    with app.app_context(), app.test_request_context("/?lang=es"):
        assert format_when(moment) == "4 jul 2026, 11:30\u202fa.m."  # Pacific time, Spanish as used in the US
        # Never digits only: "3/12/2026" reads as 12 March to US readers, in either language.
        assert format_when(date(2026, 12, 3), "short") == format_when(date(2026, 12, 3)) == "3 dic 2026"
        assert format_when(moment, "short") == "4 jul 2026, 11:30\u202fa.m."
        assert format_minutes(95) == "1 hora 35 minutos"
        assert format_money(245050) == "$2,450.50"
    with app.app_context(), app.test_request_context("/?lang=en"):
        assert format_when(moment) == "Jul 4, 2026, 11:30\u202fAM"
        assert format_when(date(2026, 12, 3), "short") == "Dec 3, 2026"
        assert format_minutes(120) == "2 hours"
        assert format_money(245050) == "$2,450.50"

    with app.app_context(), app.test_request_context("/?lang=es"):  # the same date again, cached per locale
        assert format_when(moment.date(), "long") == "4 de julio de 2026"
        assert format_minutes(60 * 1234) == "1,234 horas"
    with app.app_context(), app.test_request_context("/?lang=en"):
        assert format_when(moment.date(), "long") == "July 4, 2026"
        assert format_minutes(60 * 1234) == "1,234 hours"


def test_template_translations_escape_variables_once_and_only_in_html(app):
    """``{% trans %}`` fills variables into the translated text: escaped in HTML, as they are in text emails."""
    source = ("{% trans name=name %}Hello, {{ name }}{% endtrans %}|{{ _('Sign in') }}|"
              "{% trans count=n %}{{ count }} hour{% pluralize %}{{ count }} hours{% endtrans %}")
    with app.app_context(), app.test_request_context("/?lang=es"):
        html = app.jinja_env.from_string(source).render(name="<b>Ana & Luz</b>", n=2)
        text = app.jinja_env.overlay(autoescape=False).from_string(source).render(name="<b>Ana & Luz</b>", n=1)
    assert html.startswith("Hola, &lt;b&gt;Ana &amp; Luz&lt;/b&gt;|Iniciar sesión|2 horas"), html
    assert text.startswith("Hola, <b>Ana & Luz</b>|Iniciar sesión|1 hora"), text


def _catalog():
    with open(ROOT / "translations/es/LC_MESSAGES/lms.po", "rb") as handle:
        return read_po(handle)


def test_spanish_catalog_is_complete_and_not_fuzzy():
    missing = [m.id for m in _catalog() if m.id and (not all(m.string) if isinstance(m.string, tuple) else not m.string)]
    fuzzy = [m.id for m in _catalog() if m.id and m.fuzzy]
    assert missing == [] and fuzzy == []


def test_placeholders_match_between_msgid_and_msgstr():
    problems = []
    for message in _catalog():
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        wanted = set(PLACEHOLDER.findall(ids[-1])) | set(PLACEHOLDER.findall(ids[0]))
        for string in strings:
            found = set(PLACEHOLDER.findall(string))
            if not found <= wanted or (len(ids) == 1 and found != wanted):
                problems.append((ids[0], string))
    assert problems == []


#: Placeholders that carry a clock time; in Spanish as used in the US a time ends in "a.m."/"p.m.".
TIME_PLACEHOLDERS = {"time", "when", "opens", "closes", "starts", "ends"}


def test_spanish_sentences_never_end_a_time_with_a_second_full_stop():
    """"a las 9:30 a.m.." is wrong: a sentence may not put its own full stop right after a clock time."""
    doubled = []
    for message in _catalog():
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for string in strings:
            for name in TIME_PLACEHOLDERS:
                for form in (f"%({name})s", f"{{{{ {name} }}}}"):
                    if form in string and (string.replace(form, "9:30\u202fa.m.").count("a.m..") > 0):
                        doubled.append(string)
    assert doubled == []


def test_catalogs_compile_and_committed_mo_is_current(tmp_path):
    from babel.messages.mofile import write_mo

    with open(tmp_path / "fresh.mo", "wb") as handle:
        write_mo(handle, _catalog())
    with open(tmp_path / "fresh.mo", "rb") as fresh, open(ROOT / "translations/es/LC_MESSAGES/lms.mo", "rb") as kept:
        fresh_messages = {str(m.id): str(m.string) for m in read_mo(fresh) if m.id}
        kept_messages = {str(m.id): str(m.string) for m in read_mo(kept) if m.id}
    assert fresh_messages == kept_messages, "run `make i18n-compile` and commit the .mo file"


def test_every_extracted_string_is_in_the_catalog():
    """The template (.pot) and the Spanish catalog list the same messages (run `make i18n` after changes)."""
    with open(ROOT / "translations/lms.pot", "rb") as handle:
        template = {m.id for m in read_po(handle) if m.id}
    assert template == {m.id for m in _catalog() if m.id}


def test_signing_out_keeps_the_language_the_person_was_using(client, u, make_user, login):
    """A Spanish speaker whose browser asks for English: signed in, the profile wins; signed out, it still should."""
    login(make_user(locale="es"))
    response = client.submit(u("lms.accounts.logout"), headers={"Accept-Language": "en"})
    page = client.get(response.headers["Location"], headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert '<html lang="es"' in page and "Se cerró su sesión." in page and "Iniciar sesión" in page
