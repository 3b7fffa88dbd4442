"""The attendance-report import keeps the file its trainer chose when the import is refused for another reason (no
reason given for a correction, a reason too long): the page says "Attached: <name> (kept)" and the next submit imports
that file without choosing it again, unless it was replaced or "Do not attach this file" was ticked. It is the
external-training form's mechanism (lms.pending_uploads): the file waits under ``report-pending`` in the storage
folder, named by a signed token bound to the person that holds for a day. A file refused for itself (its type, no
participant table in it) is not kept, and a token that does not hold says so next to the file box: never a server
error, never an import."""

from __future__ import annotations

import csv
import html
import io
import re
import time
from datetime import timedelta
from pathlib import Path

import pytest
from itsdangerous import TimestampSigner, URLSafeTimedSerializer
from sqlalchemy import select

from lms import db
from lms.accounts.models import SiteRole
from lms.audit import AuditEvent
from lms.db import utcnow
from lms.hours import pending_evidence
from lms.hours.evidence import Upload
from lms.live import attendance
from lms.live.models import AttendanceInterval, IntervalSource
from lms.live.times import to_zone
from lms.pending_uploads import MAX_AGE
from lms.web.live.reports import ReportUpload
from tests.live_support import seat, soon, stayed

TOKEN = re.compile(r'name="file_token"[^>]*value="([^"]*)"|value="([^"]*)"[^>]*name="file_token"')
NO_REASON = "Attendance is final: give a reason for this correction."
LOST = "The file you attached earlier can no longer be found. Choose the file again."
EXPIRED = "The file you attached earlier is kept for one day only, and that day has passed. Choose the file again."
PDF = b"%PDF-1.4\n1 0 obj << >> endobj\n%%EOF\n"


@pytest.fixture
def final(module, trainer, make_user):
    """A two-hour class that ended an hour ago, attendance final: Ana stayed 30 minutes, Ben had a seat and no time."""
    session = soon(module, trainer, -180, minutes=120)
    ana, ben = make_user("ana@example.org", name="Ana Ruiz"), make_user("ben@example.org", name="Ben Cruz")
    seat(session, ana, ben)
    stayed(session, ana, 30)
    attendance.finalize(session, trainer, utcnow(), 75)
    db.session.commit()
    return session


def sheet(session, *emails: str) -> bytes:
    """A sign-in sheet saved as CSV: each person there for the first 110 minutes."""
    start = to_zone(session.starts_at, session.timezone)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["Name", "Email", "Join Time", "Leave Time"])
    for email in emails:
        writer.writerow([email.split("@")[0].title(), email, f"{start:%m/%d/%Y %I:%M %p}",
                         f"{start + timedelta(minutes=110):%m/%d/%Y %I:%M %p}"])
    return out.getvalue().encode()


def send(client, u, session, *, file: tuple[bytes, str] | None = None, token: str = "", **fields: str):
    data: dict = {"file_token": token, **fields}
    if file is not None:
        data["file"] = (io.BytesIO(file[0]), file[1])
    return client.submit(u("lms.sessions.import_report", session_id=session.id), data, content_type="multipart/form-data")


def page(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def token_of(response) -> str:
    match = TOKEN.search(response.get_data(as_text=True))
    assert match, "no file_token field on the page"
    return html.unescape(match.group(1) or match.group(2) or "")


def pending(app) -> list[Path]:
    folder = Path(app.config["LMS_STORAGE_PATH"]) / "report-pending"
    return sorted(folder.iterdir()) if folder.exists() else []


def imported() -> list[AttendanceInterval]:
    return list(db.session.execute(select(AttendanceInterval).where(
        AttendanceInterval.source == IntervalSource.IMPORT)).scalars())


def kept_on(response, name: str) -> bool:
    return f"Attached: {name} (kept)" in page(response)


def refused_with_file(client, u, session, name: str = "sheet.csv", *emails: str):
    """An import with a good sheet and no reason: refused, the sheet kept."""
    response = send(client, u, session, file=(sheet(session, *(emails or ("ana@example.org",))), name))
    assert response.status_code == 400 and NO_REASON in page(response)
    assert kept_on(response, name) and token_of(response)
    return response


# ---------------------------------------------------------------- kept, then imported


@pytest.mark.parametrize("reason", ["", "x" * 1001], ids=["no-reason", "reason-too-long"])
def test_a_refused_import_keeps_the_file_and_the_next_submit_imports_it(client, u, login, app, trainer, final, reason):
    login(trainer)
    refused = send(client, u, final, file=(sheet(final, "ana@example.org"), "sheet.csv"), reason=reason)
    text = page(refused)
    assert refused.status_code == 400 and imported() == []
    assert re.search(r'<p id="file-kept"><strong>Attached: sheet\.csv \(kept\)</strong></p>', text)
    assert re.search(r'<label for="file">Replace it with another file \(optional\)</label>', text)
    assert re.search(r'<label class="check"><input[^>]*name="remove_file"[^>]*> Do not attach this file</label>', text)
    assert len(pending(app)) == 1

    done = send(client, u, final, token=token_of(refused), reason="Zoom report of the class")
    text = page(done)
    assert done.status_code == 200, text[-2000:]
    assert "Imported 1 join and leave time." in text and "(kept)" not in text and token_of(done) == ""
    [interval] = imported()
    assert interval.left_at - interval.joined_at == timedelta(minutes=110)
    [event] = db.session.execute(select(AuditEvent).where(AuditEvent.action == "live.report_imported")).scalars()
    assert (event.data["filename"], event.reason, event.data["imported"]) == ("sheet.csv", "Zoom report of the class", 1)


def test_a_kept_file_can_be_replaced(client, u, login, app, trainer, final):
    login(trainer)
    first = refused_with_file(client, u, final, "sheet.csv")
    [old] = pending(app)
    replaced = send(client, u, final, token=token_of(first),
                    file=(sheet(final, "ana@example.org", "ben@example.org"), "corrected.csv"))
    assert replaced.status_code == 400 and kept_on(replaced, "corrected.csv") and not kept_on(replaced, "sheet.csv")
    assert len(pending(app)) == 1 and old not in pending(app)  # the replaced file is gone at once
    done = send(client, u, final, token=token_of(replaced), reason="Corrected sign-in sheet")
    assert done.status_code == 200 and "Imported 2 join and leave times." in page(done)


def test_do_not_attach_drops_the_kept_file_and_asks_for_one(client, u, login, app, trainer, final):
    login(trainer)
    first = refused_with_file(client, u, final)
    dropped = send(client, u, final, token=token_of(first), remove_file="y", reason="Zoom report")
    text = page(dropped)
    assert dropped.status_code == 400 and "Choose a report file." in text
    assert "(kept)" not in text and token_of(dropped) == "" and pending(app) == [] and imported() == []


def test_without_a_file_or_a_kept_one_the_form_asks_for_a_file(client, u, login, app, trainer, final):
    login(trainer)
    response = send(client, u, final, reason="Zoom report")
    assert response.status_code == 400 and "Choose a report file." in page(response) and pending(app) == []


# ---------------------------------------------------------------- files refused for themselves


def test_a_file_of_the_wrong_type_is_not_kept_and_the_earlier_one_stands(client, u, login, app, trainer, final):
    login(trainer)
    wrong = send(client, u, final, file=(sheet(final, "ana@example.org"), "sheet.xlsx"))
    assert wrong.status_code == 400 and "Upload a .csv, .tsv or .txt file." in page(wrong)
    assert "(kept)" not in page(wrong) and pending(app) == []

    first = refused_with_file(client, u, final, "sheet.csv")
    wrong = send(client, u, final, token=token_of(first), file=(b"PK\x03\x04", "sheet.xlsx"))
    assert wrong.status_code == 400 and "Upload a .csv, .tsv or .txt file." in page(wrong)
    assert kept_on(wrong, "sheet.csv") and token_of(wrong) == token_of(first) and len(pending(app)) == 1


def test_a_file_that_is_not_a_report_is_not_kept(client, u, login, app, trainer, final):
    login(trainer)
    response = send(client, u, final, file=(b"Nombre;Apellido\r\nAna;Ruiz\r\n", "lista.csv"))
    assert response.status_code == 400 and "This does not look like a Zoom or Teams" in page(response)
    assert "(kept)" not in page(response) and token_of(response) == "" and pending(app) == []

    first = refused_with_file(client, u, final, "sheet.csv")
    response = send(client, u, final, token=token_of(first), file=(b"Nombre;Apellido\r\n", "lista.csv"),
                    reason="Zoom report")
    assert response.status_code == 400 and "This does not look like" in page(response)
    assert "(kept)" not in page(response) and pending(app) == [] and imported() == []  # neither file stays


# ---------------------------------------------------------------- tokens that do not hold


def _tampered(token: str) -> list[str]:
    body, _dot, rest = token.partition(".")
    return [token[:-2] + ("AA" if token[-2:] != "AA" else "BB"), "A" + token, body, "nonsense", "é" * 50, rest]


def test_a_token_that_does_not_hold_is_refused_with_a_message(client, u, login, app, trainer, final, make_user):
    login(trainer)
    first = refused_with_file(client, u, final)
    for bad in _tampered(token_of(first)):
        response = send(client, u, final, token=bad, reason="Zoom report")
        assert response.status_code == 400, bad
        assert LOST in page(response) and "(kept)" not in page(response) and token_of(response) == ""
        assert re.search(r'<p class="error" id="file-error">', page(response))

    admin = make_user("admin@example.org", name="Alex Admin", role=SiteRole.ADMIN)  # sees every roster
    login(admin)
    theirs = send(client, u, final, token=token_of(first), reason="Zoom report")
    assert theirs.status_code == 400 and LOST in page(theirs) and "sheet.csv" not in page(theirs)
    dropped = send(client, u, final, token=token_of(first), remove_file="y", reason="Zoom report")
    assert dropped.status_code == 400 and len(pending(app)) == 1  # not removed by someone else either
    assert imported() == []


def test_an_expired_token_says_so(client, u, login, app, trainer, final):
    login(trainer)
    refused_with_file(client, u, final)
    [kept] = pending(app)

    class Yesterday(TimestampSigner):
        def get_timestamp(self) -> int:
            return int(time.time()) - MAX_AGE - 60

    old = URLSafeTimedSerializer(app.config["SECRET_KEY"], salt=ReportUpload.store.salt, signer=Yesterday).dumps(
        {"u": trainer.id, "k": kept.name, "n": "sheet.csv"})
    response = send(client, u, final, token=old, reason="Zoom report")
    assert response.status_code == 400 and EXPIRED in page(response) and imported() == []


def test_an_evidence_token_names_no_report(client, u, login, app, trainer, final):
    """Each kind of kept file has its own tokens: one from the external-training form does not open a report."""
    login(trainer)
    evidence = pending_evidence.keep(Upload("card.pdf", "application/pdf", PDF), trainer.id, app.config["SECRET_KEY"])
    response = send(client, u, final, token=evidence, reason="Zoom report")
    assert response.status_code == 400 and LOST in page(response) and imported() == []


def test_before_attendance_is_final_the_first_submit_imports_and_keeps_nothing(client, u, login, app, trainer, module,
                                                                       make_user):
    """Before finalising no reason is asked: the first submit imports (nothing kept, the form comes back empty)."""
    session = soon(module, trainer, -180, minutes=120)
    seat(session, make_user("ana@example.org", name="Ana Ruiz"))
    login(trainer)
    response = send(client, u, session, file=(sheet(session, "ana@example.org"), "sheet.csv"))
    assert response.status_code == 200 and "Imported 1 join and leave time." in page(response)
    assert "(kept)" not in page(response) and token_of(response) == "" and pending(app) == []
