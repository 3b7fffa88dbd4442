"""One person's standing in their current continuing-education (CE) year, and the dashboard's order of standings.

The even pace that "behind" measures runs from the first day of the CE year, or from the first day of work for
someone who started during it. People whose employment starts after today owe nothing yet and are shown with their
start date, after everyone else. Someone with no start date recorded who joined the staff during the CE year
(``Membership.created_at``, on the organisation's calendar) counts from that day as if they started then, and is
shown "first year", never behind, until the year's deadline: nothing says how long they have worked there.

Nobody is "behind" in the first days of their pace (:data:`PACE_GRACE_DAYS`): at an even pace of 6 hours a year,
one day without training is already a minute short, and training comes in sessions of an hour or more, so the pace
rule would call a newcomer behind on their second day. The status reads "just started" then, with the same minutes
required and still needed; the rule's numbers do not change. The same grace runs from the day someone joined the staff
here when their recorded start is earlier (an invitation accepted weeks after the start date): on the day they join,
nothing could have been asked of them yet.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

#: The first days of a person's pace (their CE year, or their work when they started during it) in which they are
#: shown as "just started", never as behind: 30 days, but at most a quarter of the days of that pace (at least the
#: first day), so a short first year (someone hired in December) still warns in time.
PACE_GRACE_DAYS = 30

@dataclass(frozen=True)
class CEStatus:
    """Where one person stands in their current CE year."""

    user_id: int
    name: str
    job_title: str | None
    employee_id: str | None
    year_start: date
    year_end: date
    today: date
    done_minutes: int
    required_minutes: int
    employment_start: date | None = None
    #: Pending minutes of the organisation dated in the year: they count once approved (filled for the person's own
    #: view, :func:`lms.hours.compliance.list_own_ce_status`; the dashboard leaves it 0).
    pending_minutes: int = 0
    #: False when the person's account is disabled (the dashboard marks them, as the organisation's page does).
    is_active: bool = True
    #: The day they joined the staff (accepted their invitation, in the organisation's calendar): their first day
    #: when no start date is recorded (:attr:`joined_this_year`).
    joined_on: date | None = None

    @property
    def joined_this_year(self) -> bool:
        """No start date is recorded and they joined during this CE year, by today: it is their first, counted from
        the day they joined, and no pace is measured before its end, the first deadline (state ``first_year``). (On
        a day before they joined, nothing says when they started: the whole year counts, as without a date.)"""
        return self.employment_start is None and self.joined_on is not None and (
            self.year_start <= self.joined_on <= min(self.today, self.year_end))

    @property
    def first_day(self) -> date | None:
        """The day their CE years count from: the recorded start, else the day they joined this year, if so."""
        return self.employment_start or (self.joined_on if self.joined_this_year else None)

    @property
    def has_started(self) -> bool:
        """False for someone whose employment starts after today: they owe nothing yet."""
        return self.employment_start is None or self.employment_start <= self.today

    @property
    def is_prorated(self) -> bool:
        """They started during this CE year, so they owe a share of the minimum
        (:func:`lms.hours.ce_years.required_minutes`)."""
        return self.first_day is not None and self.year_start < self.first_day <= self.year_end

    @property
    def remaining_minutes(self) -> int:
        if not self.has_started:
            return 0
        return max(0, self.required_minutes - self.done_minutes)

    @property
    def days_left(self) -> int:
        """Whole days after today until the deadline (the year's last day): 0 on the last day itself, which is
        still a day to train, so pages word it "last day today" (:attr:`is_last_day`), never "0 days left"."""
        return max(0, (self.year_end - self.today).days)

    @property
    def is_last_day(self) -> bool:
        """Today, on the organisation's calendar, is the CE year's last day: hours done today still count."""
        return self.today == self.year_end

    @property
    def pace_start(self) -> date:
        """The first day of the even pace: the year's first day, or the first day of work for someone who started
        during the year."""
        return max(self.year_start, self.first_day or self.year_start)

    @property
    def is_first_year(self) -> bool:
        """This CE year began with their work (they started during it, or on its first day)."""
        return self.employment_start is not None and self.employment_start == self.pace_start

    @property
    def expected_minutes(self) -> int:
        """What an even pace would have reached by today (the minimum spread over the year's days, from the first
        day of work for someone who started during the year)."""
        first = self.pace_start
        total = (self.year_end - first).days + 1
        elapsed = min(total, max(0, (self.today - first).days + 1))
        return self.required_minutes * elapsed // total if total > 0 else 0

    @property
    def grace_days(self) -> int:
        """How many days no pace is measured (:data:`PACE_GRACE_DAYS`, at most a quarter of the pace, at least 1)."""
        total = (self.year_end - self.pace_start).days + 1
        return max(1, min(PACE_GRACE_DAYS, total // 4))

    @property
    def is_new_here(self) -> bool:
        """They joined the staff here (:attr:`joined_on`) after their pace began (a start date recorded earlier than
        that: an invitation accepted late, a start date entered afterwards), and fewer than :attr:`grace_days` ago:
        the organisation could not ask them for hours before, so no pace is measured yet (the grace of a new starter
        runs from that day too)."""
        if self.joined_on is None or self.joined_on <= self.pace_start:
            return False
        return 0 <= (self.today - self.joined_on).days < self.grace_days

    @property
    def is_just_started(self) -> bool:
        """Within the grace days at the start of the pace, or after joining the staff (:attr:`is_new_here`), not
        complete yet."""
        in_grace = (self.today - self.pace_start).days < self.grace_days or self.is_new_here
        return self.has_started and not self.is_complete and in_grace

    @property
    def is_complete(self) -> bool:
        return self.remaining_minutes == 0

    @property
    def is_behind(self) -> bool:
        return (not self.is_complete and not self.is_just_started and not self.joined_this_year
                and self.done_minutes < self.expected_minutes)

    @property
    def state(self) -> str:
        if not self.has_started:
            return "not_started"
        if self.is_complete:
            return "complete"
        if self.joined_this_year:
            return "first_year"
        return "just_started" if self.is_just_started else "behind" if self.is_behind else "on_track"

#: The dashboard's order of states, who needs attention first (:func:`dashboard_order`).
STATE_ORDER = ("behind", "on_track", "just_started", "first_year", "complete", "not_started")


def dashboard_order(status: CEStatus) -> tuple:
    """Sort key of the dashboard: by state (:data:`STATE_ORDER`), then by what the state means. Behind: furthest
    behind the even pace first, then fewest days left. On track: fewest days left, then most still needed. Just
    started (no pace measured yet): most still needed, then fewest days left. Complete: by name. Not started yet:
    by start date. Ties by name."""
    state = status.state
    within: tuple = ()
    if state == "behind":
        within = (status.done_minutes - status.expected_minutes, status.days_left)
    elif state == "on_track":
        within = (status.days_left, -status.remaining_minutes)
    elif state in ("just_started", "first_year"):
        within = (-status.remaining_minutes, status.days_left)
    elif state == "not_started" and status.employment_start is not None:
        within = (status.employment_start.toordinal(),)
    return STATE_ORDER.index(state), *within, status.name.casefold(), status.user_id
