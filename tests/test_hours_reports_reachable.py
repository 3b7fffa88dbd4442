"""A trainee reaches every report of their own hours from "My training hours": the summary, the pay-period view and
the transcript PDF (these pages linked only to each other before)."""

from __future__ import annotations

import re


def test_my_hours_links_to_the_summary_the_periods_and_the_transcript(client, u, login, make_user):
    login(make_user(locale="es"))
    page = client.get(u("lms.hours.mine")).get_data(as_text=True)
    for endpoint in ("lms.hours.my_summary", "lms.hours.my_timesheet", "lms.hours.my_transcript"):
        href = u(endpoint)
        assert re.search(rf'<a href="{re.escape(href)}">[^<]+</a>', page), endpoint
        assert client.get(href).status_code == 200
    assert "Descargar mi historial de capacitación (PDF)" in page  # in the trainee's language
