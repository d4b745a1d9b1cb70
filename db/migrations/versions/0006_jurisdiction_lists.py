"""Jurisdiction lists (DOJ, DHS): snapshots stored when the normalised list changes, their
entries and changes, each source's last check; messages may be about a list snapshot instead
of a report; subscribers may follow only some sources or states.

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "list_snapshots",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("source", sa.String(40), nullable=False, index=True),
        sa.Column("url", sa.String(2000), nullable=False),
        sa.Column("fetched_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),          # listed | gone
        sa.Column("sha256", sa.String(64)),
        sa.Column("archive_path", sa.String(500)),
        sa.Column("entries_hash", sa.String(64), nullable=False),
        sa.Column("entry_count", sa.Integer(), nullable=False),
        sa.Column("publish_pending", sa.Boolean(), nullable=False, server_default=sa.false()),
    )
    op.create_table(
        "list_entries",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("snapshot_id", sa.Integer(), sa.ForeignKey("list_snapshots.id", ondelete="CASCADE"),
                  nullable=False, index=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("list_name", sa.String(200), nullable=False),
        sa.Column("level", sa.String(10), nullable=False),
        sa.Column("name", sa.String(300), nullable=False),
        sa.Column("state", sa.String(2)),
        sa.Column("fips", sa.String(5)),
        sa.Column("place_id", sa.String(20)),
        sa.Column("latitude", sa.Float()),
        sa.Column("longitude", sa.Float()),
        sa.Column("entry_key", sa.String(400), nullable=False, index=True),
    )
    op.create_table(
        "list_changes",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("snapshot_id", sa.Integer(), sa.ForeignKey("list_snapshots.id", ondelete="CASCADE"),
                  nullable=False, index=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("list_name", sa.String(200)),
        sa.Column("level", sa.String(10)),
        sa.Column("name", sa.String(300)),
        sa.Column("state", sa.String(2)),
        sa.Column("fips", sa.String(5)),
        sa.Column("place_id", sa.String(20)),
        sa.Column("latitude", sa.Float()),
        sa.Column("longitude", sa.Float()),
    )
    op.create_table(
        "source_checks",
        sa.Column("source", sa.String(40), primary_key=True),
        sa.Column("last_checked_at", sa.DateTime(timezone=True)),
        sa.Column("last_status", sa.String(200)),
        sa.Column("last_change_at", sa.DateTime(timezone=True)),
    )
    with op.batch_alter_table("messages") as batch:
        batch.alter_column("report_id", existing_type=sa.Integer(), nullable=True)
        batch.add_column(sa.Column("list_snapshot_id", sa.Integer(), nullable=True))
        batch.create_foreign_key("fk_messages_list_snapshot_id_list_snapshots", "list_snapshots",
                                 ["list_snapshot_id"], ["id"], ondelete="CASCADE")
        batch.create_unique_constraint("uq_messages_list_snapshot_id", ["list_snapshot_id", "channel", "kind"])
    with op.batch_alter_table("subscribers") as batch:
        batch.add_column(sa.Column("sources", sa.String(500), nullable=False, server_default=""))
        batch.add_column(sa.Column("states", sa.String(500), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("subscribers") as batch:
        batch.drop_column("states")
        batch.drop_column("sources")
    op.execute("DELETE FROM messages WHERE report_id IS NULL")
    with op.batch_alter_table("messages") as batch:
        batch.drop_constraint("uq_messages_list_snapshot_id", type_="unique")
        batch.drop_constraint("fk_messages_list_snapshot_id_list_snapshots", type_="foreignkey")
        batch.drop_column("list_snapshot_id")
        batch.alter_column("report_id", existing_type=sa.Integer(), nullable=False)
    op.drop_table("source_checks")
    op.drop_table("list_changes")
    op.drop_table("list_entries")
    op.drop_table("list_snapshots")
