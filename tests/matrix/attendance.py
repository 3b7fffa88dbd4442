"""Role matrix: attendance of live sessions (lms/web/live/attendance.py, attendance_export.py, reports.py, checkins.py;
lms/api/attendance.py).

Trainer pages are ``trainer`` here; inside, a trainer who does not run the session gets 404 (tested in
tests/test_live_attendance.py).
"""

EXPECTED: dict[str, str] = {
    "lms.sessions.attendance": "trainer",
    "lms.sessions.finalize_attendance": "trainer",
    "lms.sessions.attendance_person": "trainer",
    "lms.sessions.attendance_csv": "trainer",
    "lms.sessions.find_attendee": "trainer",
    "lms.sessions.import_report": "trainer",
    "lms.sessions.checkin_code": "trainer",
    "lms.sessions.checkin": "signed_in",
    "lms.sessions.checked_in": "signed_in",
    "lms.sessions.checkout": "signed_in",
    "lms.sessions.join": "signed_in",
    # the page that opens the meeting after Join: only for a seat holder who joined; anyone else goes to the session
    # page or gets the join refusal
    "lms.sessions.joined": "signed_in",
    "lms.api.session_attendance": "trainer",
    "lms.api.update_attendance": "trainer",
}
