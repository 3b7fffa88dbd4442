"""Signals through which domains react to each other (blinker, via Flask's namespace).

- ``user-registered``: sender is the user; sent after sign-up.
- ``membership-created``: sender is the membership; sent when someone joins an organisation.
- ``employment-began``: sender is the membership, ``actor`` the person acting; sent when its employment comes to
  cover days it did not before (someone joins or joins again, a start date is changed or cleared, an end of
  employment is undone). Hours listen, and return how many of the person's own records they sent to the organisation
  (``lms.hours.adoption``).
- ``module-completed``: sender is the :class:`ModuleCompletion`; sent once when a module is completed (hours listen).
- ``attendance-finalized``: sender is the :class:`Attendance` row; sent once per person when a trainer finalises a
  session's attendance (hours listen), and again with ``correction=True`` and the correcting ``actor`` when minutes
  or status are corrected afterwards.
- ``enrollment-completed``: sender is the enrolment; sent once when every required module is complete
  (certificates listen).
- ``password-reset``: sender is the user; sent when they set a new password through an emailed reset link (proof that
  they own the mailbox), after their sessions and API tokens are ended. Receivers end whatever else signs in as the
  account without its password, and return True when they did (live replaces the personal calendar-feed link).
- ``pay-schedule-changed``: sender is the organisation, ``actor`` the person; sent when its pay period or anchor
  changes (hours listen, and return how many approved entries not yet exported they moved to the new periods).
"""

from blinker import Namespace

_signals = Namespace()

user_registered = _signals.signal("user-registered")
membership_created = _signals.signal("membership-created")
employment_began = _signals.signal("employment-began")
module_completed = _signals.signal("module-completed")
enrollment_completed = _signals.signal("enrollment-completed")
attendance_finalized = _signals.signal("attendance-finalized")
pay_schedule_changed = _signals.signal("pay-schedule-changed")
password_reset = _signals.signal("password-reset")
