"""Meeting links that hide where they lead, or that cannot go in the ``Refresh`` header of the "Open the meeting"
page (lms/web/live/checkins.py: joined): scheduling refuses them (lms/live/plans.py), and a link stored before it did
is still shown on the page but never sent in the header."""

from __future__ import annotations

import pytest

from lms import db
from lms.errors import DomainError
from tests.live_support import ONLINE, page_text, seat_and_join, soon

REFUSED = [
    "https://meet.example.org/room\x01",  # control characters are no whitespace, and were let through
    "https://meet\x01example.org/room",  # ... into the host, which iri_to_uri leaves as it is: raw in the header
    "https://meet.example.org/\x1b[2Jroom",
    "https://meet.example.org/\u202egnp.exe",  # a right-to-left override: the link reads otherwise than it leads
    "https://meet.example.org\u200b.evil.example/",  # a zero-width space
    "https://meet.example.org:99999/room",  # no port
    "https://meet.example.org:+80/room",
    "https://[::1/room",  # no IPv6 address: urlsplit raised, a 500 before
]
ALLOWED = [
    "https://meet.example.org/j/4455?pwd=a;b,c'd",
    "https://réunion.example.org/salle?nom=José",
    "https://meet.example.org/%0d%0aSet-Cookie:a=b",  # percent-encoded: stays so
]


def _online(module, trainer, link: str):
    return soon(module, trainer, -5, **{**ONLINE, "join_url": link})


@pytest.mark.parametrize("link", REFUSED)
def test_scheduling_refuses_a_link_that_hides_where_it_leads_or_is_no_address(module, trainer, link):
    with pytest.raises(DomainError) as refused:
        _online(module, trainer, link)
    assert refused.value.details["field"] == "join_url"


@pytest.mark.parametrize("link", ALLOWED)
def test_scheduling_keeps_links_with_punctuation_and_other_letters(module, trainer, link):
    assert _online(module, trainer, link).join_url == link


@pytest.mark.parametrize("stored", ["https://meet\x01example.org/room", "https://meet\x7fexample.org/room"])
def test_a_stored_link_with_control_characters_is_never_sent_in_the_header(client, u, login, module, trainer,
                                                                           make_user, stored):
    session = _online(module, trainer, "https://meet.example.org/room")
    session.join_url = stored  # stored before scheduling refused such links
    db.session.commit()
    page = seat_and_join(client, u, login, session, make_user("ana@example.org"))
    assert page.status_code == 200 and "Refresh" not in page.headers
    assert 'class="button" href="https://meet' in page_text(page)  # the page's own link is still there
