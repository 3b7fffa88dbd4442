"""translations keep the source text they were made from, so the editor can show what changed since

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06 00:00:00.000000
"""

import hashlib

from alembic import op
import sqlalchemy as sa


revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None

BATCH = 500
# The translations with the source text of the same field in their course's source language ('' when it has none).
TRANSLATIONS = sa.text(
    "SELECT t.id, t.source_hash, COALESCE(s.value, '') FROM lms_texts t"
    " JOIN lms_courses c ON c.id = t.course_id"
    " LEFT JOIN lms_texts s ON s.owner_type = t.owner_type AND s.owner_id = t.owner_id AND s.field = t.field"
    " AND s.locale = c.source_locale"
    " WHERE t.locale <> c.source_locale AND t.source_hash IS NOT NULL AND t.id > :after ORDER BY t.id LIMIT :batch"
)


def _hash(value: str) -> str:
    # lms.catalog.texts.text_hash as it was when this migration was written (a migration must not change later).
    return hashlib.sha256(value.encode('utf-8')).hexdigest()[:16]


def upgrade() -> None:
    # A nullable column: SQLite adds it in place, without copying the table.
    op.add_column('lms_texts', sa.Column('source_value', sa.Text(), nullable=True))
    # A translation that is up to date was made from today's source text, so that text can be kept now. A stale one
    # was made from an older text that nobody kept: it stays NULL and the editor says the change cannot be shown.
    bind = op.get_bind()
    update = sa.text("UPDATE lms_texts SET source_value = :value WHERE id = :id")
    after = 0
    while rows := bind.execute(TRANSLATIONS, {"after": after, "batch": BATCH}).all():
        current = [{"id": id_, "value": value} for id_, source_hash, value in rows if _hash(value) == source_hash]
        if current:
            bind.execute(update, current)
        after = rows[-1][0]


def downgrade() -> None:
    with op.batch_alter_table('lms_texts', schema=None) as batch_op:
        batch_op.drop_column('source_value')
