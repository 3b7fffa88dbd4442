"""Uploads (roster CSV, evidence files, attendance report CSV, bulk verification file): a request over
``MAX_CONTENT_LENGTH`` is 413 on every state-changing route, an evidence file over ``LMS_EVIDENCE_MAX_BYTES`` is 413
with a message, wrong file types are refused with a clear message, and evidence is only ever served as a download
(``Content-Disposition: attachment``, ``X-Content-Type-Options: nosniff``)."""

from __future__ import annotations

from io import BytesIO

import pytest

from tests.security.conftest import (
    PDF,
    STATE_CHANGING,
    rule_id,
    rules,
    snapshot,
    unexplained_changes,
)

MAX_REQUEST = 64 * 1024
MAX_EVIDENCE = 16 * 1024
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture(scope="module")
def module_app_config():
    return {"MAX_CONTENT_LENGTH": MAX_REQUEST, "LMS_EVIDENCE_MAX_BYTES": MAX_EVIDENCE}


def _file(data: bytes, name: str) -> tuple[BytesIO, str]:
    return BytesIO(data), name


def _post(scene, role: str, endpoint: str, data: dict, **values):
    client = scene.clients[role]
    return client.post(scene.url(endpoint, **values), data={**data, "csrf_token": client.csrf_token()},
                       content_type="multipart/form-data")


@pytest.mark.parametrize("rule", rules(*STATE_CHANGING), ids=rule_id)
def test_a_request_over_the_size_limit_is_413_everywhere(module_world, rule):
    endpoint, method = rule
    scene = module_world
    admin = scene.clients["admin"]
    url = scene.url(endpoint)
    before = snapshot(scene.app)
    body = {"file": _file(b"a,b\r\n" * (MAX_REQUEST // 4), "big.csv"), "evidence": _file(PNG, "x.png")}
    response = admin.open(url, method=method, data=body, headers={"X-CSRFToken": admin.csrf_token()})
    assert response.status_code == 413, response.status_code
    if "/api/" in url:
        assert response.json["error"]["message"]
    else:
        assert "File too large" in response.get_data(as_text=True)
    response = admin.open(url, method=method, json={"codes": ["x" * MAX_REQUEST]},
                          headers={"X-CSRFToken": admin.csrf_token()})
    assert response.status_code == 413, "JSON body"
    assert unexplained_changes(before, snapshot(scene.app)) == []


# ---------------------------------------------------------------- each upload form: too large, wrong type

UPLOADS = {
    # endpoint: (role, file field, accepted example name, wrong-type message)
    "lms.orgs.roster_import": ("manager", "file", "roster.csv", "Upload a .csv file."),
    "lms.sessions.import_report": ("trainer", "file", "report.csv", "Upload a .csv, .tsv or .txt file."),
    "lms.certificates.verify_bulk": ("anonymous", "file", "codes.csv", "Upload a .csv or .txt file."),
    "lms.hours.submit_external": ("trainee", "evidence", "certificate.pdf",
                                  "Upload a PDF, PNG or JPEG file. This file is not one of those."),
}


def _external(**extra):
    return {"title": "Upload sweep", "activity_date": "2026-01-05", "hours": "1", "minutes": "0", **extra}


@pytest.mark.parametrize("endpoint", sorted(UPLOADS))
def test_an_upload_over_the_request_limit_is_413(module_world, endpoint):
    role, field, name, _message = UPLOADS[endpoint]
    before = snapshot(module_world.app)
    data = {field: _file(b"%PDF-" + b"a" * MAX_REQUEST, name)}
    response = _post(module_world, role, endpoint, _external(**data) if field == "evidence" else data)
    assert response.status_code == 413
    assert "File too large" in response.get_data(as_text=True)
    assert unexplained_changes(before, snapshot(module_world.app)) == []


@pytest.mark.parametrize("name", ["roster.xlsx", "roster.exe", "roster", "roster.csv.html"])
@pytest.mark.parametrize("endpoint", sorted(set(UPLOADS) - {"lms.hours.submit_external"}))
def test_a_wrong_file_type_is_refused_with_a_message(module_world, endpoint, name):
    role, field, _name, message = UPLOADS[endpoint]
    before = snapshot(module_world.app)
    response = _post(module_world, role, endpoint, {field: _file(b"PK\x03\x04 not a csv", name)})
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert unexplained_changes(before, snapshot(module_world.app)) == []


BINARY_MESSAGES = {
    "lms.orgs.roster_import": "missing column(s): email, name",
    "lms.sessions.import_report": "This does not look like a Zoom or Teams participant report",
    "lms.certificates.verify_bulk": "This file is not a text or CSV file.",
}


@pytest.mark.parametrize("endpoint", sorted(BINARY_MESSAGES))
def test_binary_content_named_csv_is_refused_with_a_message(module_world, endpoint):
    role, field, name, _message = UPLOADS[endpoint]
    before = snapshot(module_world.app)
    response = _post(module_world, role, endpoint, {field: _file(PNG + b"\xff\xfe\x00binary", name)})
    assert response.status_code == 400, response.status_code
    assert BINARY_MESSAGES[endpoint] in response.get_data(as_text=True)
    assert unexplained_changes(before, snapshot(module_world.app)) == []


@pytest.mark.parametrize(("data", "name"), [
    (b"<html><script>alert(1)</script></html>", "certificate.pdf"),  # the name lies: the bytes decide
    (b"MZ\x90\x00 a program", "certificate.exe"),
    (b"GIF89a", "sheet.gif"),
    (b"<svg xmlns='http://www.w3.org/2000/svg'/>", "sheet.svg"),
])
def test_evidence_of_a_wrong_type_is_refused_with_a_message(module_world, data, name):
    before = snapshot(module_world.app)
    response = _post(module_world, "trainee", "lms.hours.submit_external", _external(evidence=_file(data, name)))
    assert response.status_code == 400
    assert UPLOADS["lms.hours.submit_external"][3] in response.get_data(as_text=True)
    assert unexplained_changes(before, snapshot(module_world.app)) == []


def test_evidence_over_its_own_limit_is_413_with_a_message(module_world):
    before = snapshot(module_world.app)
    big = _file(PDF + b"0" * MAX_EVIDENCE, "scan.pdf")
    response = _post(module_world, "trainee", "lms.hours.submit_external", _external(evidence=big))
    assert response.status_code == 413
    assert "The file is larger than 0.016 MB" in response.get_data(as_text=True)
    assert unexplained_changes(before, snapshot(module_world.app)) == []


@pytest.mark.parametrize(("data", "name", "served_as", "content_type"), [
    (PDF, "certificate.pdf", "certificate.pdf", "application/pdf"),
    (PNG, "photo.png", "photo.png", "image/png"),
    (b"\xff\xd8\xff\xe0" + b"\x00" * 32, "photo.JPG", "photo.jpg", "image/jpeg"),
    (PDF, "page.html", "page.pdf", "application/pdf"),  # the stored name takes the real type's extension
    (PDF, '../../etc/pass"wd\r\nX-Evil: 1.pdf', "etc_pass", "application/pdf"),  # no path, no extra header
])
def test_evidence_is_served_as_a_download_never_inline(module_world, data, name, served_as, content_type):
    scene = module_world
    olivia = scene.clients["trainee"]
    response = _post(scene, "trainee", "lms.hours.submit_external", _external(evidence=_file(data, name),
                                                                               title=f"Evidence {name}"))
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    entry_id = int(response.headers["Location"].rstrip("/").rsplit("/", 1)[1])
    for viewer in (olivia, scene.clients["manager"], scene.clients["admin"]):
        download = viewer.get(scene.url("lms.hours.evidence", entry_id=entry_id))
        assert download.status_code == 200
        assert download.data == data
        assert download.mimetype == content_type
        disposition = download.headers["Content-Disposition"]
        assert disposition.startswith("attachment;") and served_as in disposition
        assert not any(bad in disposition for bad in ("/", "..", "\r", "\n", '"wd'))
        assert download.headers["X-Content-Type-Options"] == "nosniff"
        assert "no-store" in download.headers["Cache-Control"]
        assert "X-Evil" not in download.headers


#: Files that a browser should show, not save: the site's own style sheet and the JSON documents of the API.
SHOWN_INLINE = {"text/html", "application/json", "text/css"}


def test_every_file_the_site_serves_is_a_download(module_world):
    """Whatever a GET returns that is not a page, JSON or the style sheet (PDFs, CSVs, calendars, evidence, signed
    credentials) comes as an attachment that the browser may not sniff into something else."""
    scene = module_world
    problems, seen = [], set()
    for endpoint, _method in rules("GET"):
        for role in ("trainee", "admin"):
            response = scene.clients[role].get(scene.url(endpoint))
            if response.status_code != 200 or response.mimetype in SHOWN_INLINE:
                continue
            seen.add(response.mimetype)
            if not response.headers.get("Content-Disposition", "").startswith("attachment"):
                problems.append(f"{endpoint} ({response.mimetype}): not an attachment")
            if response.headers.get("X-Content-Type-Options") != "nosniff":
                problems.append(f"{endpoint} ({response.mimetype}): no nosniff")
    assert problems == []
    assert {"application/pdf", "text/csv", "text/calendar"} <= seen, seen
