"""Start dates a roster import would move later, for the confirmation the import asks before applying them
(:mod:`lms.web.org_roster`), as the staff page asks before saving one (:mod:`lms.hours.start_moves`, whose rule and
consequences these are: pending entries that become unapprovable, approved ones dated before the new start, the CE
year and what it owes).

Only current staff whose row gives a start date are concerned (an empty cell keeps theirs; an invitation has no
entries yet). The manager confirms exactly the moves listed: :attr:`RosterStartMoves.token` names them, and a file
whose moves differ from those confirmed is shown for confirmation again."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from lms.hours.start_moves import StartMove, start_move
from lms.orgs.models import Membership, Organisation
from lms.orgs.queries import memberships_by_email
from lms.orgs.roster_file import RosterPlan


@dataclass(frozen=True)
class RosterStartMove:
    """The roster line that moves ``membership``'s start date later, and what that changes."""

    line: int
    membership: Membership
    move: StartMove


@dataclass(frozen=True)
class RosterStartMoves:
    moves: list[RosterStartMove]

    def __bool__(self) -> bool:
        return bool(self.moves)

    @property
    def token(self) -> str:
        """Names the moves (who, from which date, to which): the value the confirmation carries."""
        text = ";".join(f"{m.membership.id}:{m.move.old_start}:{m.move.new_start}"
                        for m in sorted(self.moves, key=lambda m: m.membership.id))
        return hashlib.sha256(text.encode()).hexdigest()[:32]

    def is_confirmed(self, token: str | None) -> bool:
        return not self.moves or token == self.token


def list_start_moves(org: Organisation, plan: RosterPlan) -> RosterStartMoves:
    """The lines of ``plan`` that move a current staff member's start date later in a way the staff page asks to
    confirm (:func:`lms.hours.start_moves.start_move`), in file order. One query, and at most four per such line."""
    rows = [row for row in plan.rows if "employment_start" in row.given]
    members = memberships_by_email(org, [row.email for row in rows])
    moves = []
    for row in rows:
        member = members.get(row.email)
        if member is None or not member.is_current:
            continue
        move = start_move(member, row.employment.employment_start)
        if move is not None:
            moves.append(RosterStartMove(row.line, member, move))
    return RosterStartMoves(moves)
