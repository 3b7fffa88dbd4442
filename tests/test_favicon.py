"""Every page names the site's icon, so browsers fetch it once (and cache it) instead of asking for /favicon.ico, a
not-found page, on every page: one request less per page on a phone's slow connection."""

from __future__ import annotations

import re


def test_pages_name_the_icon_and_it_is_served(client, u):
    page = client.get(u("lms.certificates.verify_form")).get_data(as_text=True)
    href = re.search(r'<link rel="icon" href="([^"]+)" type="image/svg\+xml">', page).group(1)
    icon = client.get(href)
    assert icon.status_code == 200 and icon.mimetype == "image/svg+xml" and b"<svg" in icon.data
    assert "max-age=" in icon.headers["Cache-Control"]
