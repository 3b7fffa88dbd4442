"""The external-training form keeps the file its person chose when it is shown again (a mistake elsewhere, an
identical entry to confirm): the page says "Attached: <name> (kept)", and the next submit that saves the entry stores
that file as its evidence, unless it was replaced or removed. The file waits under ``evidence-pending`` in the
storage folder, named by a signed token that is bound to the person and holds for a day: an altered token, another
person's, an expired one or a file gone say so next to the file box and save nothing, never a server error."""

from __future__ import annotations

import html
import os
import re
import time
from datetime import date, timedelta
from io import BytesIO
from pathlib import Path

import pytest
from itsdangerous import TimestampSigner, URLSafeTimedSerializer
from sqlalchemy import func, select

from lms import db
from lms.hours import pending_evidence
from lms.hours.evidence import Upload, path_of
from lms.hours.models import EvidenceFile, HoursEntry
from tests.test_hours_ledger import entries_of, form_token, make_staff

PDF = b"%PDF-1.4\n1 0 obj << >> endobj\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64
DAY = (date.today() - timedelta(days=7)).isoformat()  # a past day in any time zone, after employment started
TOKEN = re.compile(r'name="evidence_token"[^>]*value="([^"]*)"|value="([^"]*)"[^>]*name="evidence_token"')
LOST = "The file you attached earlier can no longer be found. Choose the file again."
EXPIRED = "The file you attached earlier is kept for one day only, and that day has passed. Choose the file again."


@pytest.fixture
def staff(make_user, make_org, add_member):
    return make_staff(make_user, make_org, add_member)


@pytest.fixture
def url(u) -> str:
    return u("lms.hours.submit_external")


def _pending(app) -> list[Path]:
    folder = Path(app.config["LMS_STORAGE_PATH"]) / "evidence-pending"
    return sorted(folder.iterdir()) if folder.exists() else []


def _page(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def _token(response) -> str:
    match = TOKEN.search(response.get_data(as_text=True))
    assert match, "no evidence_token field on the page"
    return html.unescape(match.group(1) or match.group(2) or "")


def _send(client, url: str, key: str, csrf: str, *, title: str = "CPR and first aid", file=None, token: str = "",
          **extra):
    data = {"csrf_token": csrf, "idempotency_key": key, "title": title, "activity_date": DAY, "hours": "2",
            "minutes": "30", "evidence_token": token, **extra}
    if file is not None:
        data["evidence"] = (BytesIO(file[0]), file[1])
    return client.post(url, data=data)


def _evidence_of(entry: HoursEntry) -> EvidenceFile:
    return db.session.get(EvidenceFile, entry.evidence_id)


def _refused_with_file(client, url):
    """A submit with a good file and no title: refused, the file kept."""
    csrf, key = form_token(client, url)
    response = _send(client, url, key, csrf, title="", file=(PDF, "cpr-card.pdf"))
    assert response.status_code == 400
    return csrf, key, response


# ---------------------------------------------------------------- the file is kept


def test_a_file_chosen_on_a_refused_form_is_kept_and_used(client, url, login, staff, app):
    login(staff.trainee)
    csrf, key, response = _refused_with_file(client, url)
    page = _page(response)
    assert "Attached: cpr-card.pdf (kept)" in page and "Replace it with another file (optional)" in page
    assert entries_of(staff.trainee) == [] and db.session.scalar(select(func.count(EvidenceFile.id))) == 0
    [pending] = _pending(app)
    assert pending.read_bytes() == PDF and "cpr" not in pending.name
    token = _token(response)
    assert token and "cpr-card.pdf" not in page.split("Attached:")[0]  # shown once, where it says "kept"

    saved = _send(client, url, key, csrf, token=token)  # no file chosen again
    assert saved.status_code == 302
    [entry] = entries_of(staff.trainee)
    evidence = _evidence_of(entry)
    assert (evidence.filename, evidence.content_type, evidence.size_bytes) == ("cpr-card.pdf", "application/pdf",
                                                                              len(PDF))
    assert path_of(evidence).read_bytes() == PDF


def test_the_file_stays_kept_through_several_refusals(client, url, login, staff):
    login(staff.trainee)
    csrf, key, response = _refused_with_file(client, url)
    token = _token(response)
    again = _send(client, url, key, csrf, token=token, hours="0", minutes="0")  # another mistake
    assert again.status_code == 400 and "Attached: cpr-card.pdf (kept)" in _page(again)
    assert _token(again) == token
    assert _send(client, url, key, csrf, token=_token(again)).status_code == 302
    assert _evidence_of(entries_of(staff.trainee)[0]).filename == "cpr-card.pdf"


def test_a_new_file_replaces_the_kept_one(client, url, login, staff, app):
    login(staff.trainee)
    csrf, key, response = _refused_with_file(client, url)
    replaced = _send(client, url, key, csrf, title="", token=_token(response), file=(PNG, "scan.png"))
    assert replaced.status_code == 400 and "Attached: scan.png (kept)" in _page(replaced)
    assert [p.read_bytes() for p in _pending(app)] == [PNG]  # the replaced file is gone
    assert _send(client, url, key, csrf, token=_token(replaced)).status_code == 302
    evidence = _evidence_of(entries_of(staff.trainee)[0])
    assert (evidence.filename, path_of(evidence).read_bytes()) == ("scan.png", PNG)


def test_a_new_file_chosen_on_the_saving_submit_wins(client, url, login, staff):
    login(staff.trainee)
    csrf, key, response = _refused_with_file(client, url)
    assert _send(client, url, key, csrf, token=_token(response), file=(PNG, "scan.png")).status_code == 302
    assert _evidence_of(entries_of(staff.trainee)[0]).filename == "scan.png"


def test_the_kept_file_can_be_left_out(client, url, login, staff, app):
    login(staff.trainee)
    csrf, key, response = _refused_with_file(client, url)
    assert "Do not attach this file" in _page(response)
    assert _send(client, url, key, csrf, token=_token(response), remove_evidence="y").status_code == 302
    [entry] = entries_of(staff.trainee)
    assert entry.evidence_id is None and _pending(app) == []


def test_a_refused_replacement_leaves_the_kept_file_attached(client, url, login, staff):
    login(staff.trainee)
    csrf, key, response = _refused_with_file(client, url)
    token = _token(response)
    refused = _send(client, url, key, csrf, token=token, file=(EXE, "virus.pdf"))
    page = _page(refused)
    assert refused.status_code == 400 and "Upload a PDF, PNG or JPEG file." in page
    assert "Attached: cpr-card.pdf (kept)" in page and _token(refused) == token
    assert entries_of(staff.trainee) == []
    assert _send(client, url, key, csrf, token=token).status_code == 302
    assert _evidence_of(entries_of(staff.trainee)[0]).filename == "cpr-card.pdf"


def test_a_refused_file_is_not_kept(client, url, login, staff, app):
    login(staff.trainee)
    csrf, key = form_token(client, url)
    response = _send(client, url, key, csrf, title="", file=(EXE, "virus.pdf"))
    page = _page(response)
    assert response.status_code == 400 and "Upload a PDF, PNG or JPEG file." in page
    assert "(kept)" not in page and _token(response) == "" and _pending(app) == []
    app.config["LMS_EVIDENCE_MAX_BYTES"] = 1000
    too_large = _send(client, url, key, csrf, file=(PDF + b"0" * 1000, "big.pdf"))
    assert too_large.status_code == 413 and "(kept)" not in _page(too_large) and _pending(app) == []


def test_the_file_is_kept_while_the_page_asks_about_an_identical_entry(client, url, login, staff):
    login(staff.trainee)
    csrf, key = form_token(client, url)
    assert _send(client, url, key, csrf).status_code == 302  # the first one, without a file
    csrf, key = form_token(client, url)
    asked = _send(client, url, key, csrf, file=(PDF, "cpr-card.pdf"))
    assert asked.status_code == 409 and "Attached: cpr-card.pdf (kept)" in _page(asked)
    assert _send(client, url, key, csrf, token=_token(asked), confirm_repeat="y").status_code == 302
    first, second = entries_of(staff.trainee)
    assert first.evidence_id is None and _evidence_of(second).filename == "cpr-card.pdf"


def test_a_resend_after_saving_still_finds_the_file(client, url, login, staff):
    """A double click on the saving submit: the second request comes with the same token and key."""
    login(staff.trainee)
    csrf, key, response = _refused_with_file(client, url)
    token = _token(response)
    assert _send(client, url, key, csrf, token=token).status_code == 302
    resent = _send(client, url, key, csrf, token=token)
    assert resent.status_code == 302
    assert len(entries_of(staff.trainee)) == 1


# ---------------------------------------------------------------- tokens that do not hold


def _tampered(token: str) -> list[str]:
    payload, stamp, signature = token.rsplit(".", 2)
    return [token[:-2] + ("AA" if not token.endswith("AA") else "BB"), payload + "x." + stamp + "." + signature,
            "nonsense", "a.b.c", "é" * 50, "x" * 5000, token + "."]


def test_an_altered_token_is_refused_with_a_message(client, url, login, staff):
    login(staff.trainee)
    csrf, key, response = _refused_with_file(client, url)
    for bad in _tampered(_token(response)):
        refused = _send(client, url, key, csrf, token=bad)
        page = _page(refused)
        assert refused.status_code == 400, bad
        assert LOST in page and "(kept)" not in page and _token(refused) == ""
        assert re.search(r'<p class="error" id="evidence-error">', page)
    assert entries_of(staff.trainee) == []


def test_another_persons_token_is_refused(client, url, login, as_, staff, app):
    login(staff.colleague)
    _csrf, _key, response = _refused_with_file(client, url)
    theirs = _token(response)
    as_(staff.trainee)
    csrf, key = form_token(client, url)
    refused = _send(client, url, key, csrf, token=theirs)
    assert refused.status_code == 400 and LOST in _page(refused) and "cpr-card" not in _page(refused)
    assert entries_of(staff.trainee) == [] and len(_pending(app)) == 1  # the colleague's file is left alone
    removed = _send(client, url, key, csrf, token=theirs, remove_evidence="y", title="")
    assert removed.status_code == 400 and len(_pending(app)) == 1  # nor removed by someone else


def test_an_expired_token_says_so(client, url, login, staff, app):
    login(staff.trainee)
    csrf, key, _response = _refused_with_file(client, url)
    [pending] = _pending(app)

    class Yesterday(TimestampSigner):
        def get_timestamp(self) -> int:
            return int(time.time()) - pending_evidence.MAX_AGE - 60

    old = URLSafeTimedSerializer(app.config["SECRET_KEY"], salt=pending_evidence.SALT, signer=Yesterday).dumps(
        {"u": staff.trainee.id, "k": pending.name, "n": "cpr-card.pdf"})
    refused = _send(client, url, key, csrf, token=old)
    assert refused.status_code == 400 and EXPIRED in _page(refused) and _token(refused) == ""
    assert entries_of(staff.trainee) == []


def test_a_kept_file_that_is_gone_says_so(client, url, login, staff, app):
    login(staff.trainee)
    csrf, key, response = _refused_with_file(client, url)
    for path in _pending(app):
        path.unlink()
    refused = _send(client, url, key, csrf, token=_token(response))
    assert refused.status_code == 400 and LOST in _page(refused)
    assert entries_of(staff.trainee) == []
    assert _send(client, url, key, csrf, file=(PDF, "cpr-card.pdf")).status_code == 302  # chosen again


# ---------------------------------------------------------------- the service


def test_keep_and_take_bind_the_file_to_its_person(app, staff):
    secret = app.config["SECRET_KEY"]
    token = pending_evidence.keep(Upload("card.pdf", "application/pdf", PDF), staff.trainee.id, secret)
    assert pending_evidence.take(token, staff.trainee.id, secret) == Upload("card.pdf", "application/pdf", PDF)
    assert pending_evidence.kept_name(token, staff.trainee.id, secret) == "card.pdf"
    for user_id, key in ((staff.colleague.id, secret), (staff.trainee.id, "another secret")):
        with pytest.raises(pending_evidence.PendingEvidenceLost):
            pending_evidence.take(token, user_id, key)
    pending_evidence.release(token, staff.colleague.id, secret)
    assert len(_pending(app)) == 1
    pending_evidence.release(token, staff.trainee.id, secret)
    assert _pending(app) == []


def test_stale_pending_files_are_removed_when_another_is_kept(app, staff):
    secret = app.config["SECRET_KEY"]
    pending_evidence.keep(Upload("old.pdf", "application/pdf", PDF), staff.trainee.id, secret)
    [old] = _pending(app)
    half_written = old.with_name("0" * 40 + ".part")
    half_written.write_bytes(PDF[:5])
    long_ago = time.time() - pending_evidence.MAX_AGE - 2 * 60 * 60
    for path in (old, half_written):
        os.utime(path, (long_ago, long_ago))
    recent = pending_evidence.keep(Upload("new.pdf", "application/pdf", PDF), staff.trainee.id, secret)
    assert len(_pending(app)) == 1 and old not in _pending(app) and half_written not in _pending(app)
    assert pending_evidence.take(recent, staff.trainee.id, secret).filename == "new.pdf"


def test_a_person_has_at_most_ten_pending_files(app, staff):
    secret = app.config["SECRET_KEY"]
    tokens = []
    for n in range(pending_evidence.MAX_PER_PERSON + 2):
        tokens.append(pending_evidence.keep(Upload(f"f{n}.pdf", "application/pdf", PDF), staff.trainee.id, secret))
        for path in _pending(app):  # distinct times, whatever the file system's clock resolution
            os.utime(path, (path.stat().st_mtime - 1, path.stat().st_mtime - 1))
    theirs = pending_evidence.keep(Upload("carl.pdf", "application/pdf", PDF), staff.colleague.id, secret)
    assert len(_pending(app)) == pending_evidence.MAX_PER_PERSON + 1
    for token in tokens[:2]:
        with pytest.raises(pending_evidence.PendingEvidenceLost):
            pending_evidence.take(token, staff.trainee.id, secret)
    assert [pending_evidence.take(t, staff.trainee.id, secret).filename for t in tokens[2:]] == [
        f"f{n}.pdf" for n in range(2, pending_evidence.MAX_PER_PERSON + 2)]
    assert pending_evidence.take(theirs, staff.colleague.id, secret).filename == "carl.pdf"
