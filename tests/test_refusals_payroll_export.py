"""The payroll export refused by the service (a period not over without "Yes, export it before it ends", earlier
periods never exported without "Yes, export this period without them", a period that has not started): the timesheet
again with the refusal at the tick it asks for (or above the form), the ticks as sent, and nothing exported or
audited. It used to be a flash after a redirect, with every tick lost."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from lms import db
from lms.accounts.models import User
from lms.audit import AuditEvent
from lms.hours import export, unexported
from lms.hours.models import PayrollExport
from lms.hours.periods import org_today
from tests.hours_reports_helpers import add_entry
from tests.payroll_support import MAR1, fingerprint_now, semimonthly_clinic, shown_on_page

SKIP_MESSAGE = "Nothing was exported: earlier pay periods with approved hours were never exported"
EARLY_MESSAGE = "Nothing was exported: this pay period runs until"


@pytest.fixture
def clinic(make_org, make_user, add_member):
    """A semimonthly clinic: Ana has approved hours in two past periods (none exported)."""
    return semimonthly_clinic(make_org, make_user, add_member)


def _send(client, u, start: date, lang: str | None = None, **fields: str):
    """The export form of ``start``'s page, sent with ``fields`` (``confirm`` ticked unless overridden)."""
    data = {"start": start.isoformat(), "shown": shown_on_page(client, u, "clinica", start.isoformat()),
            "confirm": "yes", **fields}
    args = {"lang": lang} if lang else {}
    return client.submit(u("lms.hours.export_payroll", org_slug="clinica", **args), data)


def _exports() -> int:
    return db.session.scalar(select(func.count(PayrollExport.id)))


def _exported_rows() -> int:
    return db.session.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.action == "payroll.exported"))


def _box(page: str, name: str) -> str:
    return re.search(rf'<input type="checkbox"[^>]*name="{name}"[^>]*>', page).group(0)


def _summary(page: str) -> str:
    return page.split('class="error-summary"', 1)[1].split("</div>", 1)[0]


def _running_period(org) -> date:
    """Approved hours today, in the running period (whose earlier periods are exported, so only "early" is asked)."""
    today = org_today(org)
    start, _end = export.period_of(org, today)
    add_entry(_ana(), org, today, 45, paid=start)
    for earlier in unexported.list_unexported_periods(org, today, before=start):
        export.export_period(org, earlier.start, None)
    db.session.commit()
    return start


def _ana() -> User:
    return db.session.scalar(select(User).where(User.email == "ana@example.org"))


def test_earlier_periods_not_exported_show_the_refusal_at_its_tick(client, u, login, clinic):
    login(clinic[1])
    refused = _send(client, u, MAR1)
    page = refused.get_data(as_text=True)
    assert refused.status_code == 400 and "<title>Error:" in page
    summary = _summary(page)
    assert "autofocus" in summary and re.search(rf'<a href="#skip_earlier">{re.escape(SKIP_MESSAGE)}', summary)
    box = _box(page, "skip_earlier")
    assert 'id="skip_earlier"' in box and 'aria-invalid="true"' in box and "skip_earlier-error" in box
    assert "checked" not in box
    assert re.search(rf'<p class="error" id="skip_earlier-error">{re.escape(SKIP_MESSAGE)}', page)
    # the period and the tick sent are kept; nothing exported, nothing in the audit log
    assert f'name="start" value="{MAR1.isoformat()}"' in page and "checked" in _box(page, "confirm")
    assert _exports() == 0 and _exported_rows() == 0
    assert export.get_export(clinic[0], MAR1) is None


def test_a_period_not_over_shows_the_refusal_at_the_early_tick(client, u, login, clinic):
    org, manager = clinic
    start = _running_period(org)
    before = _exports()
    login(manager)
    refused = _send(client, u, start)
    page = refused.get_data(as_text=True)
    assert refused.status_code == 400 and "<title>Error:" in page
    assert re.search(rf'<a href="#early">{re.escape(EARLY_MESSAGE)}', _summary(page))
    box = _box(page, "early")
    assert 'aria-invalid="true"' in box and "early-note early-error" in box and "checked" not in box
    assert re.search(rf'<p class="error" id="early-error">{re.escape(EARLY_MESSAGE)}', page)
    assert f'name="start" value="{start.isoformat()}"' in page and "checked" in _box(page, "confirm")
    assert _exports() == before and export.get_export(org, start) is None
    # sent again as the page now stands, with the tick it asked for, it exports
    done = _send(client, u, start, early="yes")
    assert done.status_code == 302 and export.get_export(org, start) is not None


def test_a_tick_sent_is_kept_when_another_one_is_missing(client, u, login, clinic):
    """Skipping the earlier periods ticked, the running period's own tick not: only the missing one is marked."""
    org, manager = clinic
    today = org_today(org)
    start, _end = export.period_of(org, today)
    add_entry(_ana(), org, today, 45, paid=start)
    db.session.commit()
    login(manager)
    refused = _send(client, u, start, skip_earlier="yes")
    page = refused.get_data(as_text=True)
    assert refused.status_code == 400 and EARLY_MESSAGE in page
    assert "checked" in _box(page, "skip_earlier") and 'aria-invalid' not in _box(page, "skip_earlier")
    assert 'aria-invalid="true"' in _box(page, "early")
    assert _exports() == 0


def test_a_period_not_started_is_refused_above_the_form(client, u, login, clinic):
    org, manager = clinic
    _start, end = export.period_of(org, org_today(org))
    later = end + timedelta(days=1)
    login(manager)
    data = {"start": later.isoformat(), "shown": fingerprint_now(org, later), "confirm": "yes"}
    refused = client.submit(u("lms.hours.export_payroll", org_slug="clinica"), data)
    page = refused.get_data(as_text=True)
    assert refused.status_code == 400 and "<title>Error:" in page
    assert "<li>This pay period has not started yet, so it cannot be exported.</li>" in _summary(page)
    assert "Please correct the highlighted fields." not in _summary(page)
    assert _exports() == 0


def test_the_refusal_is_shown_in_spanish(client, u, login, clinic):
    login(clinic[1])
    refused = _send(client, u, MAR1, lang="es")
    page = refused.get_data(as_text=True)
    assert refused.status_code == 400 and '<html lang="es' in page
    assert "No se exportó nada: hay períodos de pago anteriores" in _summary(page)
    assert SKIP_MESSAGE not in page and "Please correct" not in page
    assert _exports() == 0
