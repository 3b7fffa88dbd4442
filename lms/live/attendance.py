"""Attendance of live sessions: a trainer's changes, finalisation and audited corrections (the roster itself and
who may see it are in :mod:`lms.live.roster`). This module holds the rules and the names callers use; the work is
done in :mod:`lms.live.attendance_changes` (a trainer's changes and corrections), :mod:`lms.live.finalizing`
(finalising, ending early) and :mod:`lms.live.attendance_credit` (minutes, status and module of a row, the audit of a
correction).

Rules:
- Minutes are the union of a person's (not voided) intervals clipped to the session window
  (:mod:`lms.live.intervals`); intervals are never deleted, a change voids one (``is_void``) and adds another.
- Only for people linked to the session, never its own trainers nor oneself (:mod:`lms.live.attendees`).
- Finalising closes open intervals at the end (or now, if earlier), stores minutes and a status per person (absent
  when there is no time and no status, present when there is time and no status), completes the live module for
  those present or late for at least ``min_share`` percent of the session, marks the session completed and sends
  ``attendance-finalized`` once per person (``correction=False``). The status change goes through
  :func:`lms.live.scheduling.complete_session` (the one guarded transition). The session's own trainers are left
  out (hosting is not attending).
- A session that ended early is finalised with the time it really ended (``ended_early_at``, audited): minutes and
  shares are then measured against the time it ran, not the scheduled length (:attr:`LiveSession.counted_end`). One
  that ran less than ``MIN_RUN_PERCENT`` of its scheduled length completes nobody's module (the module credits its
  full minutes on certificates; a class stopped after minutes, or a mistyped end time, did not deliver it); the
  minutes attended still count as paid hours.
- After that every change is a correction: a reason is required, an audit row keeps who, when, why and the old and
  new minutes and status, ``attendance-finalized`` is sent again with ``correction=True`` (and the ``actor``) when
  minutes or status changed, and the module is completed if the share is now reached.
"""

from __future__ import annotations

from lms.live.attendance_changes import CLOCK_SKEW, SANITY, Change, change_attendance, set_statuses
from lms.live.attendance_credit import (
    ATTENDED,
    MIN_RUN_PERCENT,
    Shortfall,
    final_minutes_changed,
    ran_long_enough,
    shortfall,
)
from lms.live.finalizing import close_open_intervals, early_end, finalize

__all__ = [
    "ATTENDED",
    "CLOCK_SKEW",
    "MIN_RUN_PERCENT",
    "SANITY",
    "Change",
    "Shortfall",
    "change_attendance",
    "close_open_intervals",
    "early_end",
    "final_minutes_changed",
    "finalize",
    "ran_long_enough",
    "set_statuses",
    "shortfall",
]
