"""``lms certificates issue`` states the hours given for each kind of training (quarter hours, as on the web), the
LMS-credited minutes for a kind not given, and refuses a certificate of 0 hours, as the web form does."""

from __future__ import annotations

import pytest

from lms.accounts.models import SiteRole
from lms.certificates import codes
from tests.test_certificates_manual import _certificate, _complete_self_paced, _course, _issued_audit


@pytest.fixture
def world(app, make_user):
    """Rosa and Lia completed the course's self-paced module in the LMS (90 minutes); Nadia did nothing in it."""
    trainer = make_user("teacher@example.org", role=SiteRole.TRAINER)
    course = _course(trainer, "core", 90)
    people = {"trainer": trainer, "admin": make_user("root@example.org", role=SiteRole.ADMIN)}
    for name in ("rosa", "lia", "nadia"):
        people[name] = make_user(f"{name}@example.org", name=name.title())
    for name in ("rosa", "lia"):
        _complete_self_paced(people[name], course)
    return people


def _issue(runner, user, *options: str):
    args = ["lms", "certificates", "issue", "--email", user.email, "--course", "core", "--reason", "Completed on paper"]
    return runner.invoke(args=[*args, *options])


def test_nothing_credited_and_no_hours_given_is_refused(runner, world):
    result = _issue(runner, world["nadia"])
    assert result.exit_code == 1 and "cannot state 0 hours" in result.output and "--live-hours" in result.output
    zeros = _issue(runner, world["nadia"], "--live-hours", "0", "--self-paced-hours", "0", "--field-hours", "0")
    assert zeros.exit_code == 1 and "cannot state 0 hours" in zeros.output
    assert _certificate(world["nadia"]) is None


def test_the_hours_given_are_stated_and_the_audit_keeps_both(runner, world):
    result = _issue(runner, world["nadia"], "--live-hours", "2", "--field-hours", "1.25", "--by", "teacher@example.org")
    assert result.exit_code == 0, result.output
    cert = _certificate(world["nadia"])
    assert result.output.startswith(codes.display(cert.code))
    assert "States 3.25 h: live 2 h, self-paced 0 h, field experience 1.25 h" in result.output
    assert cert.snapshot["minutes"] == {"live": 120, "self_paced": 0, "field": 75, "total": 195}
    event = _issued_audit(cert)
    assert event.actor_id == world["trainer"].id and event.reason == "Completed on paper"
    assert event.data["lms_minutes"]["total"] == 0 and event.data["stated_minutes"]["total"] == 195


def test_a_kind_not_given_states_what_the_lms_credited(runner, world):
    assert _issue(runner, world["rosa"]).exit_code == 0
    assert _certificate(world["rosa"]).snapshot["minutes"] == {"live": 0, "self_paced": 90, "field": 0, "total": 90}
    assert _issue(runner, world["lia"], "--live-hours", "2").exit_code == 0
    assert _certificate(world["lia"]).snapshot["minutes"] == {"live": 120, "self_paced": 90, "field": 0, "total": 210}


@pytest.mark.parametrize(
    ("value", "message"),
    [("-1", "0 or more hours"), ("1.1", "quarter-hour"), ("abc", "not a number"), ("NaN", "0 or more"), ("500.25", "at most 500")],
)
def test_bad_hours_are_refused_with_a_reason(runner, world, value, message):
    result = _issue(runner, world["nadia"], "--self-paced-hours", value)
    assert result.exit_code == 2 and message in result.output and "--self-paced-hours" in result.output
    assert _certificate(world["nadia"]) is None


def test_issuing_again_reports_the_existing_certificate_whatever_the_hours(runner, world):
    assert _issue(runner, world["nadia"], "--self-paced-hours", "500").exit_code == 0
    cert = _certificate(world["nadia"])
    again = _issue(runner, world["nadia"])  # nothing credited, no hours: not refused, since nothing is issued
    assert again.exit_code == 0 and "already issued on " + cert.snapshot["issued_on"] in again.output
    assert _certificate(world["nadia"]).snapshot["minutes"]["total"] == 500 * 60


def test_help_names_the_hours_options(runner, app):
    shown = runner.invoke(args=["lms", "certificates", "issue", "--help"]).output
    assert all(option in shown for option in ("--live-hours", "--self-paced-hours", "--field-hours"))
