"""A certificate's "Language of delivery" is the language(s) the course was taken in, not the interface language on
the day it was issued: every change of a person's language is recorded (profile page, language switcher), and a
course taken partly in English and partly in Spanish says "English and Spanish", most used first."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from lms import db
from lms.accounts.models import SiteRole
from lms.audit import AuditEvent
from lms.certificates import issuance, render, training
from lms.certificates.snapshot import delivery_languages
from lms.db import utcnow
from tests.test_certificates_manual import _course

ACTION = "user.language_changed"


def _changes(user) -> list[dict]:
    return [row.data for row in db.session.execute(
        select(AuditEvent).where(AuditEvent.action == ACTION, AuditEvent.object_id == user.id).order_by(AuditEvent.id)
    ).scalars()]


def _switch(client, u, lang: str) -> None:
    assert client.submit(u("lms.main.set_language"), {"lang": lang}).status_code == 302


def test_each_change_of_language_is_recorded(client, u, login, make_user):
    rosa = make_user(name="Rosa Díaz", locale="en")
    login(rosa)
    _switch(client, u, "es")
    _switch(client, u, "es")  # no change: no row
    _switch(client, u, "en")
    assert _changes(rosa) == [{"locale": "es", "was": {"locale": "en"}}, {"locale": "en", "was": {"locale": "es"}}]


def _backdate(user, *days_ago: int) -> None:
    """Move the person's recorded changes, oldest first, to that many days ago."""
    rows = db.session.execute(select(AuditEvent).where(AuditEvent.action == ACTION, AuditEvent.object_id == user.id)
                              .order_by(AuditEvent.id)).scalars().all()
    for row, days in zip(rows, days_ago, strict=True):
        row.at = utcnow() - timedelta(days=days)
    db.session.commit()


def test_a_course_taken_in_two_languages_names_both_most_used_first(client, u, login, make_user):
    rosa = make_user(name="Rosa Díaz", locale="en")
    login(rosa)
    _switch(client, u, "es")
    _switch(client, u, "en")
    _backdate(rosa, 14, 2)  # English for 6 days, Spanish for 12, English again for the last 2 (today's language)
    stretch = (utcnow() - timedelta(days=20), utcnow())
    assert delivery_languages(rosa, "en", {"en", "es"}, stretch) == ["es", "en"]
    assert delivery_languages(rosa, "en", {"en"}, stretch) == ["en"]  # no Spanish text: it was read in English
    assert delivery_languages(rosa, "en", {"en", "es"}, (utcnow() - timedelta(days=1), utcnow())) == ["en"]
    _backdate(rosa, 40, 39)  # a day of Spanish long before: less than a tenth of this course's time
    assert delivery_languages(rosa, "en", {"en", "es"}, (utcnow() - timedelta(days=45), utcnow())) == ["en"]


def test_someone_who_never_changed_language_took_it_in_their_language(make_user):
    lupe = make_user(name="Lupe", locale="es")
    stretch = (utcnow() - timedelta(days=5), utcnow())
    assert delivery_languages(lupe, "en", {"en", "es"}, stretch) == ["es"]
    assert delivery_languages(make_user(name="No choice"), "en", {"en", "es"}, stretch) == ["en"]  # the course's


def test_the_certificate_says_both_languages_in_words(app, client, u, login, make_user):
    trainer = make_user("teacher@example.org", role=SiteRole.TRAINER)
    course = _course(trainer, "core", 90)
    rosa = make_user(name="Rosa Díaz", locale="es")
    cert = issuance.issue_manually(rosa, course, trainer, "Completed on paper", training.TrainingMinutes(self_paced=90))
    db.session.commit()
    cert.snapshot = {**cert.snapshot, "delivery_languages": ["es", "en"]}
    with app.test_request_context():
        english, spanish = render.document_data(cert, ["en", "es"], "https://learn.example.org/verify/x")["pages"]
    assert english["languages"] == "Spanish and English" and spanish["languages"] == "español y inglés"  # CLDR lists
