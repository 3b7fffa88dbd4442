"""A table too wide for the screen scrolls inside ``div.table-wrap``, which takes keyboard focus (``tabindex="0"``) so
it can be scrolled without a mouse. A focusable box must say what it is (WCAG 2.2 4.1.2): each is a region
(``role="region"``) named by its table's caption or heading (``aria-labelledby``), which must be on the page."""

from __future__ import annotations

import re
from datetime import date
from html import unescape
from pathlib import Path

from lms import db
from lms.accounts.models import SiteRole
from lms.hours.models import EntryStatus
from lms.orgs.models import MemberRole
from tests.hours_reports_helpers import add_entry

TEMPLATES = Path(__file__).resolve().parents[1] / "templates"
WRAP = re.compile(r'<div class="table-wrap"[^>]*>')


def test_every_scrolling_table_box_in_the_templates_is_a_named_region():
    found = {f"{path.relative_to(TEMPLATES)}: {tag}" for path in TEMPLATES.rglob("*.html")
             for tag in WRAP.findall(path.read_text(encoding="utf-8"))}
    assert found, "no table-wrap found: the test reads the wrong place"
    bad = sorted(tag for tag in found if not ('tabindex="0"' in tag and 'role="region"' in tag
                                              and ("aria-labelledby=" in tag or "aria-label=" in tag)))
    assert bad == []


def _named_regions(page: str) -> list[str]:
    """The name of each table box of ``page``, read from the elements its ``aria-labelledby`` names."""
    names = []
    for tag in WRAP.findall(page):
        assert 'role="region"' in tag and 'tabindex="0"' in tag, tag
        ids = re.search(r'aria-labelledby="([^"]+)"', tag).group(1).split()
        words = []
        for element_id in ids:
            found = re.search(rf'<([a-z0-9]+)[^>]*\bid="{re.escape(element_id)}"[^>]*>(.*?)</\1>', page, re.S)
            assert found, f"{tag} names a missing element {element_id}"
            words.append(" ".join(unescape(re.sub(r"<[^>]+>", " ", found.group(2))).split()))
        assert all(words), tag
        names.append(" ".join(words))
    return names


def test_the_regions_of_manager_and_admin_pages_are_named_by_what_is_on_them(
        client, u, make_user, make_org, add_member, login):
    boss = make_user("boss@example.org", name="Bea Boss")
    org = make_org("acme", manager=boss, name="Acme Clinic", training_pay_rate_cents=2000)
    ana = make_user("ana@example.org", name="Ana Ruiz")
    add_member(org, ana, MemberRole.MEMBER, employment_start=date(2024, 1, 1))
    add_entry(ana, org, date.today(), 60, status=EntryStatus.PENDING, title="Home visits")
    db.session.commit()
    login(boss)
    assert _named_regions(client.get(u("lms.orgs.show", org_slug="acme")).text) == ["Staff (2)"]
    assert _named_regions(client.get(u("lms.hours.queue", org_slug="acme")).text) == ["Training hours to review"]
    assert _named_regions(client.get(u("lms.hours.org_timesheet", org_slug="acme")).text) == [
        "People with hours in this period (1)"]
    assert _named_regions(client.get(u("lms.hours.person_timesheet", org_slug="acme", user_id=ana.id)).text) == [
        "Awaiting approval"]

    login(make_user("root@example.org", name="Ada Admin", role=SiteRole.ADMIN))
    assert _named_regions(client.get(u("lms.admin.users")).text) == ["People"]
    assert _named_regions(client.get(u("lms.orgs.index")).text) == ["Organisations"]
    assert _named_regions(client.get(u("lms.admin.audit_log")).text) == ["Audit log"]
