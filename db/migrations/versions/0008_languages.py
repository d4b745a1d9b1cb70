"""Languages: a message is rendered in one language (a digest per language its subscribers
read; a channel's posts in its account's language), and a subscriber chooses theirs. A message
is now unique per (report or list snapshot, channel, kind, language).

Revision ID: 0008
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("messages") as batch:
        batch.add_column(sa.Column("language", sa.String(8), nullable=False, server_default="en"))
        batch.drop_constraint("uq_messages_report_channel_kind", type_="unique")
        batch.drop_constraint("uq_messages_list_snapshot_id", type_="unique")
        batch.create_unique_constraint("uq_messages_report_channel_kind",
                                       ["report_id", "channel", "kind", "language"])
        batch.create_unique_constraint("uq_messages_list_snapshot_id",
                                       ["list_snapshot_id", "channel", "kind", "language"])
    with op.batch_alter_table("subscribers") as batch:
        batch.add_column(sa.Column("language", sa.String(8), nullable=False, server_default="en"))


def downgrade() -> None:
    with op.batch_alter_table("subscribers") as batch:
        batch.drop_column("language")
    op.execute("DELETE FROM messages WHERE language <> 'en'")
    with op.batch_alter_table("messages") as batch:
        batch.drop_constraint("uq_messages_list_snapshot_id", type_="unique")
        batch.drop_constraint("uq_messages_report_channel_kind", type_="unique")
        batch.create_unique_constraint("uq_messages_report_channel_kind", ["report_id", "channel", "kind"])
        batch.create_unique_constraint("uq_messages_list_snapshot_id", ["list_snapshot_id", "channel", "kind"])
        batch.drop_column("language")
