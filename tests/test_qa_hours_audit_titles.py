"""The audit log's Action filter names the training-hours actions as about hours ("Hours approved"), not with the
bare words of an entry's history ("Approved"), which say nothing among some 90 actions."""

from __future__ import annotations

import re

from lms.accounts.models import SiteRole
from lms.web.audit_display import action_title
from tests.conftest import html_text


def _options(page: str) -> dict[str, str]:
    select = re.search(r'<select[^>]*name="action".*?</select>', page, re.S)
    assert select, "no Action filter"
    return {value: html_text(label).strip()
            for value, label in re.findall(r'<option[^>]*value="([^"]*)"[^>]*>(.*?)</option>', select.group(0), re.S)}


def test_the_action_filter_names_hours_actions_as_about_hours(client, u, login, make_user):
    login(make_user("ada@example.org", name="Ada Admin", role=SiteRole.ADMIN))
    options = _options(client.get(u("lms.admin.audit_log")).get_data(as_text=True))
    assert options["hours.approved"] == "Hours approved"
    assert options["hours.rejected"] == "Hours entry rejected"
    assert options["hours.entry_created"] == "Hours recorded"
    assert options["hours.withdrawn"] == "Hours entry withdrawn"
    bare = {"Approved", "Rejected", "Recorded", "Withdrawn"}
    assert not bare & set(options.values()), sorted(bare & set(options.values()))


def test_an_entry_history_keeps_its_short_words(app):
    from lms.web.hours.entry_history import event_title

    assert event_title("hours.approved") == "approved"
    assert action_title("hours.approved") == "Hours approved"
