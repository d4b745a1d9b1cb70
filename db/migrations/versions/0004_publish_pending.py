"""Durable queueing: a fetched report is marked for publication in the transaction that
stores it, and unmarked only once its messages are in the outbox.

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Reports stored before this revision were queued by the cycle that stored them.
    op.add_column("reports", sa.Column("publish_pending", sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table("reports") as batch:
        batch.drop_column("publish_pending")
