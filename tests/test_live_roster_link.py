"""The roster is for a session's own trainers (and admins): a trainer who scheduled a session led by someone else is not
offered a "Roster" link that ends on "No such session"."""

from __future__ import annotations

from datetime import time

from lms.accounts.models import SiteRole
from tests.live_support import schedule


def test_the_roster_link_shows_only_to_the_sessions_trainers(client, u, login, module, trainer, make_user):
    other = make_user("lead@example.org", name="Lee Lead", role=SiteRole.TRAINER)
    mine, = schedule(module, trainer)
    theirs, = schedule(module, trainer, trainer_ids=(other.id,), at=time(9, 0))
    login(trainer)
    roster = u("lms.sessions.attendance", session_id=theirs.id)
    assert client.get(roster).status_code == 404  # the rule the links follow
    for page in (u("lms.sessions.teach", all="1"), u("lms.sessions.detail", session_id=theirs.id)):
        assert f'href="{roster}"' not in client.get(page).get_data(as_text=True)
    assert f'href="{u("lms.sessions.attendance", session_id=mine.id)}"' in client.get(
        u("lms.sessions.detail", session_id=mine.id)).get_data(as_text=True)
