"""Role matrix: live-session scheduling, registration and calendars (lms/web/live/schedule.py, staff.py, manage.py,
calendars.py; lms/api/live.py).

Session lists, pages and single-session calendars are public for sessions of published courses; the personal feed is
public but needs its secret token; any trainer schedules, edits and cancels (but only a session's own trainers or an
admin change its trainer list, a rule of the service: tests/test_live_schedule_rules.py); managers register their
own staff.
"""

EXPECTED: dict[str, str] = {
    "lms.sessions.index": "public",
    "lms.sessions.detail": "public",
    "lms.sessions.ics": "public",
    "lms.sessions.feed": "public",
    "lms.sessions.register": "signed_in",
    "lms.sessions.unregister": "signed_in",
    "lms.sessions.mine": "signed_in",
    "lms.sessions.calendar_feed": "signed_in",
    "lms.sessions.staff": "org_manager",
    "lms.sessions.teach": "trainer",
    "lms.sessions.create": "trainer",
    "lms.sessions.edit": "trainer",
    "lms.sessions.cancel": "trainer",
    "lms.api.list_sessions": "public",
    "lms.api.get_session": "public",
    "lms.api.session_registration": "signed_in",
    # a seat holder's join (records the time, gives the meeting link); anyone else gets 404 or, outside the window, 409
    "lms.api.join_session": "signed_in",
}
