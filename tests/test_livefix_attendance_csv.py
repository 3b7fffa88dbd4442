"""A session's attendance as a CSV file for its trainers (lms/web/live/attendance_export.py): UTF-8 with a BOM, one row
per person, times in the session's zone, formulas neutralised; 404 for a trainer who does not run the session."""

from __future__ import annotations

import csv
import io

from lms.accounts.models import SiteRole
from tests.live_support import seat, soon, stayed


def _rows(response) -> list[list[str]]:
    data = response.get_data()
    assert data.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def test_the_trainer_downloads_the_attendance(client, u, login, module, trainer, make_user):
    session = soon(module, trainer, -180, minutes=120)  # UTC
    maria, evil = make_user(name="María Sánchez"), make_user("evil@example.org", name="=HYPERLINK(\"x\")")
    seat(session, maria, evil)
    stayed(session, maria, 60)
    login(trainer)
    roster = client.get(u("lms.sessions.attendance", session_id=session.id)).get_data(as_text=True)
    path = u("lms.sessions.attendance_csv", session_id=session.id)
    assert f'href="{path}"' in roster
    response = client.get(path)
    assert response.status_code == 200 and response.mimetype == "text/csv"
    day = session.starts_at.strftime("%Y-%m-%d")  # in the session's zone, UTC here
    assert response.headers["Content-Disposition"] == f'attachment; filename="attendance-session-{session.id}-{day}.csv"'
    header, *rows = _rows(response)
    assert header == ["Name", "Email", "Status", "Joined (Africa/Abidjan)", "Left (Africa/Abidjan)",
                      "Credited minutes", "Notes"]
    by_name = {row[0]: row for row in rows}
    row = by_name["María Sánchez"]
    assert row[1] == maria.email and row[5] == "60" and row[6] == "Registered"
    assert row[3] == session.starts_at.strftime("%Y-%m-%d %H:%M")
    assert "'=HYPERLINK(\"x\")" in by_name  # neutralised: a spreadsheet shows it as text
    assert by_name["'=HYPERLINK(\"x\")"][5] == "0"


def test_a_trainer_who_does_not_run_it_gets_404(client, u, login, module, trainer, make_user):
    session = soon(module, trainer, -180, minutes=120)
    other = make_user("other.trainer@example.org", name="Otto Other", role=SiteRole.TRAINER)
    login(other)
    assert client.get(u("lms.sessions.attendance_csv", session_id=session.id)).status_code == 404
