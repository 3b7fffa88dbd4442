"""audit rows written about the request's user through its proxy name the record's type: 'LocalProxy' becomes 'User'

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-07 00:00:00.000000
"""

from alembic import op
import sqlalchemy as sa


revision = '0022'
down_revision = '0021'
branch_labels = None
depends_on = None

# The table as this migration reads it (a migration must not change when the models do later).
audit_events = sa.table('lms_audit_events', sa.column('object_type', sa.String), sa.column('object_id', sa.Integer))


def upgrade() -> None:
    # The profile page passed the signed-in user's proxy (lms.security.current_user, a werkzeug LocalProxy) to
    # lms.accounts.services.update_profile, and lms.audit.record stored type(obj).__name__: its name and language
    # changes ('user.name_changed', 'user.language_changed') were written about a "LocalProxy" with the person's own
    # id. The log showed "LocalProxy #1", its filter of rows about a person missed them, and a certificate's language
    # of delivery (lms.accounts.languages.time_per_language) ignored them. current_user is the only proxy the app
    # ever handed to the audit log, and on the pages that write rows (signed-in only) it always stands for a User, so
    # every such row is about the User of its object_id. Rows of any action are renamed alike. One UPDATE through
    # the (object_type, object_id) index.
    op.get_bind().execute(audit_events.update().where(audit_events.c.object_type == 'LocalProxy')
                          .values(object_type='User'))


def downgrade() -> None:
    # Nothing to undo: naming the proxy again would bring the wrong rows back, and rows written about a User since
    # cannot be told from these. The schema of 0021 reads the rows as the upgrade left them.
    pass
