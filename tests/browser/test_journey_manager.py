"""Erin, the demo organisation's CHW program manager: approves training hours, exports the payroll file, and checks
certificates before hiring, one by code and several from a spreadsheet."""

from __future__ import annotations

import csv
import io

import pytest

from lms.catalog.services import get_course
from lms.certificates.codes import ALPHABET, LENGTH, display
from lms.certificates.issuance import get_certificate, get_revoked
from lms.hours import external_training
from lms.hours.periods import org_today
from lms.orgs.services import get_org
from tests.browser.conftest import check_accessibility, follow, sign_in
from tests.browser.helpers import new_person, user

pytestmark = pytest.mark.browser

TRAININGS = [("CPR and first aid", 240), ("Motivational interviewing basics", 90)]


@pytest.fixture
def carla(live_server):
    """A new CHW on the demo staff who reported two trainings done today elsewhere (waiting for approval)."""
    with live_server.data():
        person = new_person("carla.mendez@example.org", "Carla Méndez", employee_id="E-2001")
        org = get_org("demo")
        for number, (title, minutes) in enumerate(TRAININGS):
            data = external_training.ExternalTraining(title=title, activity_date=org_today(org), minutes=minutes,
                                                      provider="Fresno County Public Health", org_id=org.id)
            external_training.submit_external(person, data, f"browser-carla-{number}")
        return {"id": person.id, "today": org_today(org)}


@pytest.fixture
def certificate_codes(live_server):
    """The demo certificates of the continuing-education course: María's is valid, Tom's was revoked."""
    with live_server.data():
        course = get_course("ce-documentation")
        return {"valid": get_certificate(user("promotora@example.org"), course).code,
                "revoked": get_revoked(user("trainee@example.org"), course).code}


def test_manager_approves_exports_and_verifies(open_page, live_server, carla, certificate_codes, tmp_path):
    page = open_page()
    sign_in(page, "employer@example.org")
    follow(page.get_by_role("link", name="Manage"))
    check_accessibility(page, "organisation")

    # Approve Carla's two trainings together.
    follow(page.get_by_role("link", name="Hours to review"))
    check_accessibility(page, "approval queue")
    page.get_by_label("Person").select_option(label="Carla Méndez")
    follow(page.get_by_role("button", name="Show"))
    assert page.locator("tbody tr").count() == 2
    for title, _minutes in TRAININGS:
        page.get_by_label(f"Select {title} of Carla Méndez").check()
    follow(page.get_by_role("button", name="Approve selected"))
    page.get_by_text("2 entries approved.").wait_for()
    page.get_by_text("Nothing matches these filters.").wait_for()
    page.get_by_label("Status").select_option(label="Approved")
    follow(page.get_by_role("button", name="Show"))
    assert page.locator("tbody tr").count() == 2
    check_accessibility(page, "approved entries")

    # This pay period's timesheet, exported for payroll.
    follow(page.get_by_role("link", name="Valley Community Health (demo)"))
    follow(page.get_by_role("link", name="Timesheets"))
    row = page.get_by_role("row", name="Carla Méndez")
    assert "E-2001" in row.inner_text() and "5 hours 30 minutes" in row.inner_text()
    assert "$134.75" in row.inner_text()  # 5.5 hours at $24.50
    check_accessibility(page, "timesheets")
    page.get_by_label("I have checked this timesheet").check()  # locking is for good: confirmed first
    page.get_by_label("Yes, export it before it ends").check()  # today's period has not ended
    # The demo's hours approved weeks ago sit in an earlier period nobody exported: the page names it, and this
    # export goes ahead without it only once the manager says so.
    assert page.locator("#earlier-note").get_by_role("link").count() >= 1
    page.get_by_label("Yes, export this period without them").check()
    follow(page.get_by_role("button", name="Export and lock this period"))
    page.get_by_text("Exported and locked.").wait_for()  # the page shows the period locked, then the file
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the payroll file (CSV)").click()
    assert download.value.suggested_filename.startswith("payroll-demo-")
    rows = list(csv.DictReader(io.StringIO(download.value.path().read_text(encoding="utf-8"), newline="")))
    hers = sorted((r["title"], r["minutes"], r["hours"], r["rate"], r["amount"], r["date"], r["source"])
                  for r in rows if r["employee_id"] == "E-2001")
    day = carla["today"].isoformat()
    assert hers == [("CPR and first aid", "240", "4.00", "24.50", "98.00", day, "external"),
                    ("Motivational interviewing basics", "90", "1.50", "24.50", "36.75", day, "external")]
    assert all(r["name"] == "Carla Méndez" for r in rows if r["employee_id"] == "E-2001")
    page.reload()
    assert page.get_by_role("link", name="Download the payroll file (CSV)").is_visible()
    assert not page.get_by_role("button", name="Export and lock this period").count()

    # One certificate, by the code a candidate read out on the phone.
    follow(page.get_by_role("contentinfo").get_by_role("link", name="Verify a certificate"))
    check_accessibility(page, "verify form")
    page.get_by_label("Verification code").fill(display(certificate_codes["valid"]).lower().replace("-", " "))
    follow(page.get_by_role("button", name="Verify"))
    assert page.get_by_role("heading", level=2, name="Valid certificate").is_visible()
    assert page.locator(".cert-holder").inner_text() == "María Promotora"
    check_accessibility(page, "verification page")

    # Several, from the spreadsheet HR keeps.
    sheet = tmp_path / "candidates.csv"
    unknown = (ALPHABET[2:6] * LENGTH)[:LENGTH]
    sheet.write_text("code,candidate\n"
                     f"{display(certificate_codes['valid'])},María Promotora\n"
                     f"{certificate_codes['revoked'].lower()},Tom Trainee\n"
                     f"{display(unknown)},Someone Else\n"
                     "CHW-2026-12345,Written by hand\n", encoding="utf-8")
    follow(page.get_by_role("link", name="Verify many at once"))
    check_accessibility(page, "bulk verification form")
    page.get_by_label("Or upload a file").set_input_files(str(sheet))
    follow(page.locator("main form").get_by_role("button", name="Verify", exact=True))
    table = page.get_by_role("table", name="Verification results, in the order the codes were given")
    results = [[cell.strip() for cell in row.locator("th, td").all_inner_texts()[1:4]]
               for row in table.locator("tbody tr").all()]
    assert results == [
        [display(certificate_codes["valid"]), "✓ Valid", "María Promotora"],
        [certificate_codes["revoked"].lower(), "✗ Revoked", "Tom Trainee"],
        [display(unknown), "? Not found", ""],
        ["CHW-2026-12345", "! Not a certificate code", ""],
    ]
    assert page.get_by_role("listitem").filter(has_text="Valid: 1").is_visible()
    check_accessibility(page, "bulk verification results")
