"""Certificate days at the edges of the trainee's day: issued at 23:30 Pacific (07:30 UTC the next day), the certificate
is issued on the Californian day, numbered with its year, and "valid until" a day means through the end of that day
on the trainee's calendar: the verification page, the API and the signed credential say "valid" until midnight there,
not until the minute of the day it was issued (a certificate once read "expired on December 7" at 23:45 on December 7
while it said "Valid until December 7"). Time is frozen with :mod:`tests.timezone_clock`."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from lms.certificates import dates
from tests.test_certificates_dates import _issue_at, world  # noqa: F401 (fixture)
from tests.timezone_clock import freeze, utc

LA = ZoneInfo("America/Los_Angeles")


@pytest.fixture
def clock(app, monkeypatch):
    return freeze(monkeypatch, utc(2026, 12, 8, 7, 30))  # 23:30 PST on Monday 7 December 2026


def _verdict(client, u, cert) -> tuple[str, str]:
    page = client.get(u("lms.certificates.verify_page", code=cert.code)).get_data(as_text=True)
    api = client.get(u("lms.api.certificate", code=cert.code)).json
    return page, api["status"]


def test_issued_at_23_30_pacific_is_issued_that_day_and_valid_through_its_last_day(client, u, world, clock):  # noqa: F811
    world["course"].certificate_validity_months = 12
    cert = _issue_at(world["rosa"], world["course"], datetime(2026, 11, 2, 9, 0, tzinfo=LA), clock.now.astimezone(LA))
    assert cert.number.startswith("CHW-2026-")
    assert (cert.snapshot["issued_on"], cert.snapshot["completed_on"], cert.snapshot["expires_on"]) == (
        "2026-12-07", "2026-12-07", "2027-12-07")
    assert cert.expires_at == utc(2027, 12, 8, 8, 0)  # midnight PST at the end of 7 December 2027

    clock.set(utc(2027, 12, 8, 7, 45))  # 23:45 on 7 December 2027 in California: still the day it is valid until
    page, status = _verdict(client, u, cert)
    assert status == "valid" and "Valid until December 7, 2027." in page
    clock.set(utc(2027, 12, 8, 8, 0))  # midnight
    page, status = _verdict(client, u, cert)
    assert status == "expired" and "expired on December 7, 2027" in page


def test_a_holder_far_ahead_of_california_keeps_their_last_day_too(client, u, world, clock):  # noqa: F811
    """Mai is in Manila (UTC+8): her certificate is valid through her 7 December, which ends at 08:00 PST."""
    world["course"].certificate_validity_months = 12
    manila = ZoneInfo("Asia/Manila")
    cert = _issue_at(world["mai"], world["course"], datetime(2026, 11, 2, 9, 0, tzinfo=manila),
                     datetime(2026, 12, 7, 9, 0, tzinfo=manila))
    assert cert.snapshot["expires_on"] == "2027-12-07"
    assert cert.expires_at == datetime(2027, 12, 8, 0, 0, tzinfo=manila)
    clock.set(datetime(2027, 12, 7, 18, 0, tzinfo=manila))  # her last afternoon: once "expired" since 09:00
    assert _verdict(client, u, cert)[1] == "valid"


@pytest.mark.parametrize(("issued", "expires_on", "expires_at"), [
    # the evening of the 23-hour day: UTC is already 9 March; it expires at the end of 8 March 2027 (PST)
    (datetime(2026, 3, 8, 23, 30, tzinfo=LA), "2027-03-08", utc(2027, 3, 9, 8, 0)),
    # the second 01:30 of the 25-hour day; a year later is a summer-time day ending at 07:00 UTC
    (datetime(2025, 11, 2, 1, 30, fold=1, tzinfo=LA), "2026-11-02", utc(2026, 11, 3, 8, 0)),
    # expiring on the day the clocks go forward: that day ends at 24:00 PDT
    (datetime(2026, 3, 14, 12, 0, tzinfo=LA), "2027-03-14", utc(2027, 3, 15, 7, 0)),
])
def test_expiry_on_the_daylight_saving_days(world, issued, expires_on, expires_at):  # noqa: F811
    world["course"].certificate_validity_months = 12
    cert = _issue_at(world["rosa"], world["course"], datetime(2025, 10, 1, 9, 0, tzinfo=LA), issued)
    assert (cert.snapshot["issued_on"], cert.snapshot["expires_on"]) == (issued.date().isoformat(), expires_on)
    assert cert.expires_at == expires_at


def test_a_stated_completion_day_is_checked_against_the_trainees_today(world, clock):  # noqa: F811
    assert dates.completed_day_problem(date(2026, 12, 8), world["rosa"]) == "The training cannot have been completed after today."
    assert dates.completed_day_problem(date(2026, 12, 7), world["rosa"]) is None
    assert dates.completed_day_problem(date(2026, 12, 8), world["mai"]) is None  # 15:30 on the 8th in Manila
