"""people made trainers of a session before the rule keep no seat or waitlist place in its sessions not yet started

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-06 00:00:00.000000
"""

import logging
from datetime import UTC, datetime

from alembic import op
import sqlalchemy as sa

import lms.db


revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None

log = logging.getLogger('alembic.runtime.migration')

# The tables as this migration reads them (a migration must not change when the models do later).
sessions = sa.table('lms_live_sessions', sa.column('id', sa.Integer), sa.column('status', sa.String),
                    sa.column('starts_at', lms.db.UTCDateTime()), sa.column('capacity', sa.Integer))
trainers = sa.table('lms_session_trainers', sa.column('session_id', sa.Integer), sa.column('user_id', sa.Integer))
registrations = sa.table('lms_registrations', sa.column('id', sa.Integer), sa.column('session_id', sa.Integer),
                         sa.column('user_id', sa.Integer), sa.column('status', sa.String),
                         sa.column('cancelled_at', lms.db.UTCDateTime()))
audit_events = sa.table('lms_audit_events', sa.column('at', lms.db.UTCDateTime()), sa.column('actor_id', sa.Integer),
                        sa.column('action', sa.String), sa.column('object_type', sa.String),
                        sa.column('object_id', sa.Integer), sa.column('org_id', sa.Integer),
                        sa.column('reason', sa.Text), sa.column('data', sa.JSON))
ACTIVE = ('registered', 'waitlisted')


def upgrade() -> None:
    # lms.live.registration.end_for_trainers as it was when this was written, for the places it did not exist to end:
    # each becomes 'cancelled' (kept as history) with its own 'registration.ended_as_trainer' audit row, by nobody
    # (as the waitlist's own promotions are). Only sessions still scheduled and not started: registrations of one that
    # started, took place or was cancelled are its attendance record and stay as they are.
    bind, now = op.get_bind(), datetime.now(UTC)
    upcoming = sa.select(sessions.c.id).where(sessions.c.status == 'scheduled', sessions.c.starts_at > now)
    if bind.dialect.name == 'postgresql':  # a registration racing the upgrade waits for it (the app's session lock)
        bind.execute(upcoming.with_for_update())
    held = bind.execute(
        sa.select(registrations.c.id, registrations.c.session_id, registrations.c.user_id, registrations.c.status)
        .join(trainers, sa.and_(trainers.c.session_id == registrations.c.session_id,
                                trainers.c.user_id == registrations.c.user_id))
        .where(registrations.c.status.in_(ACTIVE), registrations.c.session_id.in_(upcoming))
        .order_by(registrations.c.id)
    ).all()
    if not held:
        return
    bind.execute(registrations.update().where(registrations.c.id.in_([row.id for row in held]))
                 .values(status='cancelled', cancelled_at=now))
    bind.execute(audit_events.insert(), [
        {'at': now, 'actor_id': None, 'action': 'registration.ended_as_trainer', 'object_type': 'Registration',
         'object_id': row.id, 'org_id': None, 'reason': None,
         'data': {'session_id': row.session_id, 'user_id': row.user_id, 'held': row.status}}
        for row in held])
    # A freed seat is NOT given to the waitlist here: a promotion is told by email, and a migration sends none. The
    # app gives it at the next change of the session's seats (someone cancelling, or the session's edit form saved),
    # which emails the person promoted. Say which sessions wait for that, for whoever runs the upgrade.
    freed = sorted({row.session_id for row in held if row.status == 'registered'})
    for session_id in _with_waitlist(bind, freed):
        log.warning('live session %s: a seat freed from one of its trainers goes to its waitlist at the next '
                    'cancellation or saved edit of the session (a trainer may save its edit form unchanged)',
                    session_id)


def _with_waitlist(bind, session_ids: list[int]) -> list[int]:
    """Those of the sessions with someone (not one of their trainers) on the waitlist."""
    if not session_ids:
        return []
    leads = sa.exists().where(trainers.c.session_id == registrations.c.session_id,
                              trainers.c.user_id == registrations.c.user_id)
    return list(bind.execute(
        sa.select(registrations.c.session_id).distinct()
        .where(registrations.c.session_id.in_(session_ids), registrations.c.status == 'waitlisted', ~leads)
        .order_by(registrations.c.session_id)
    ).scalars())


def downgrade() -> None:
    # Nothing to undo: giving the trainers their places back would break the rule again (trainers do not register
    # for their own sessions), and a freed seat may have gone to someone else since. The rows and their audit rows
    # stay as the upgrade left them, which the schema of 0015 reads the same.
    pass
