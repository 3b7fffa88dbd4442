"""The payroll file to open in Excel: the stored bytes after a UTF-8 byte-order mark, offered beside the file payroll
imports (which stays byte for byte as exported, with no mark)."""

from __future__ import annotations

import hashlib
from codecs import BOM_UTF8
from datetime import date

import pytest

from lms import db
from lms.hours import export
from lms.orgs.models import PayPeriod
from tests.hours_reports_helpers import add_entry

NOV1, TODAY = date(2026, 11, 1), date(2026, 11, 23)


@pytest.fixture
def acme(make_org, make_user):
    manager = make_user("boss@example.org", name="Boss Person")
    return make_org("acme", manager=manager, pay_period=PayPeriod.SEMIMONTHLY, training_pay_rate_cents=1950), manager


def test_the_excel_copy_is_the_stored_file_after_a_byte_order_mark(app, client, u, login, acme, make_user, add_member):
    org, manager = acme
    maria = make_user(name="María Núñez")
    add_member(org, maria)
    add_entry(maria, org, date(2026, 11, 2), 60, paid=NOV1)
    done = export.export_period(org, NOV1, manager, today=TODAY)
    db.session.commit()
    login(manager)
    plain = client.get(u("lms.hours.download_payroll", org_slug="acme", start="2026-11-01"))
    excel = client.get(u("lms.hours.download_payroll", org_slug="acme", start="2026-11-01", **{"for": "excel"}))
    assert plain.data == done.content and not plain.data.startswith(BOM_UTF8)
    assert excel.status_code == 200 and excel.mimetype == "text/csv" and excel.data == BOM_UTF8 + done.content
    assert "María Núñez" in excel.data.decode("utf-8-sig")
    assert excel.headers["ETag"] == f'"{hashlib.sha256(excel.data).hexdigest()}"' != plain.headers["ETag"]
    assert 'filename="payroll-acme-2026-11-01-2026-11-15-excel.csv"' in excel.headers["Content-Disposition"]
    assert excel.headers["X-Content-Type-Options"] == "nosniff"
    for page in (u("lms.hours.payroll_files", org_slug="acme"),
                 u("lms.hours.org_timesheet", org_slug="acme", start="2026-11-01")):
        assert "/payroll/2026-11-01.csv?for=excel" in client.get(page).get_data(as_text=True)


def test_no_excel_copy_of_a_period_never_exported(app, client, u, login, acme):
    login(acme[1])
    path = u("lms.hours.download_payroll", org_slug="acme", start="2026-11-01", **{"for": "excel"})
    assert client.get(path).status_code == 404
