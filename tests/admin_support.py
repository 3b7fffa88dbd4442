"""Helpers for the site administrator's tests (tests/test_admin_*.py)."""

from __future__ import annotations

import pytest

from lms.accounts.models import SiteRole


@pytest.fixture(name="people")  # named apart from the fixture, so a test's ``people`` argument shadows no import
def admin_and_lupe(make_user, login):
    """``(admin, lupe)``: Ada Admin, a site administrator, signed in; Lupe Sola, a trainee, the account she acts on."""
    admin = make_user("ada@example.org", name="Ada Admin", role=SiteRole.ADMIN)
    lupe = make_user("lupe@example.org", name="Lupe Sola")
    login(admin)
    return admin, lupe
