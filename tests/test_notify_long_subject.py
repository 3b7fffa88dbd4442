"""A long subject, with accents or not, arrives exactly as written: through the real SMTP server of the tests and
decoded there, one space between words, none added at a fold, none lost between two encoded words, none in front.
(Python's own folding of such a subject can leave a space at the end of a line before an encoded word, so the reader
sees two, or drop the one between two encoded words; ``lms.notify.services.MAIL_POLICY`` writes it as encoded
words from end to end.) The .eml files of the development outbox are written the same way."""

from __future__ import annotations

from email import message_from_bytes, policy
from itertools import takewhile
from types import SimpleNamespace

import pytest

from lms.notify.services import render_email, send_email

PREFIX = "Puede volver a hacer el cuestionario: "  # the Spanish subject of quiz_attempt_granted

TITLES = [
    # Python's folding put "la " at the end of a line, then " =?utf-8?q?atenci=C3=B3n?=": "la  atención"
    "familias de la comunidad y la atención primaria",
    # ... or wrote "—" and "módulo" as two encoded words with only folding space between them: "—módulo"
    "la comunidad — módulo: educación y prevención en el hogar",
    # plain ASCII, too long for the first line: the fold right after "Subject:" gave a leading space
    "mental y bienestar de las familias",
    "Técnicas de entrevista “motivacional” — módulo 3: comunicación con familias y niños de 0 a 5 años, «en casa»",
]


def _send(title: str):
    """Send quiz_attempt_granted in Spanish: (the subject as rendered, the message as sent)."""
    context = {"user": SimpleNamespace(name="María"), "by": "Bea Boss", "title": title,
               "course_title": "Curso básico", "extra": 1, "link": "http://lms.test/q/1"}
    expected, _body = render_email("quiz_attempt_granted", "es", **context)
    return expected, send_email("maria@example.org", "quiz_attempt_granted", "es", **context)


@pytest.mark.parametrize("title", TITLES)
def test_a_long_subject_arrives_as_written(app, mailbox, title):
    expected, _sent = _send(title)
    assert expected == PREFIX + title and len(f"Subject: {expected}") > 78
    [message] = mailbox
    assert message["Subject"] == expected
    assert "  " not in message["Subject"]


def test_the_header_sent_is_ascii_in_lines_of_at_most_78_characters(app, mailbox):
    _expected, sent = _send(TITLES[-1])
    head = sent.as_bytes().split(b"\n\n")[0].decode("ascii")  # what smtplib sends (with CRLF line ends)
    first, *rest = head[head.index("Subject:"):].split("\n")
    subject = [first, *takewhile(lambda line: line.startswith(" "), rest)]  # up to the next header
    assert len(subject) > 1 and all(len(line) <= 78 for line in subject)


def test_a_short_ascii_subject_is_written_as_before(app, mailbox):
    sent = send_email("ana@example.org", "quiz_attempt_granted", "en", user=SimpleNamespace(name="Ana"), by="Bea",
               title="CPR", course_title="Basics", extra=1, link="http://lms.test/q/1")
    [message] = mailbox
    assert message["Subject"] == "You can take the quiz again: CPR"
    assert b"\nSubject: You can take the quiz again: CPR\n" in sent.as_bytes()  # plain, no encoded words


def test_the_outbox_file_decodes_to_the_same_subject(app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "LMS_MAIL_OUTBOX", str(tmp_path / "outbox"))
    expected, _sent = _send(TITLES[0])
    [path] = (tmp_path / "outbox").glob("*.eml")
    assert message_from_bytes(path.read_bytes(), policy=policy.default)["Subject"] == expected
