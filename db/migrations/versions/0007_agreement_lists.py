"""Agreement lists (ICE's 287(g) workbooks): entries and changes carry the support type,
signed date, MOA link, agency type and county as printed; a change may keep the entry as it
was before (role "before": renames, date and MOA changes); a snapshot records the documents
it was read from and what its reader could not place; a source's check remembers the
documents its page linked last (re-checked conditionally while the page answers 304); the
documents entries link (287(g) MOAs) are followed once each and archived.

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

_AGREEMENT_COLUMNS = ("support_type", "signed", "moa_url", "agency_type", "county")


def _agreement_columns() -> list[sa.Column]:  # type: ignore[type-arg]
    return [sa.Column("support_type", sa.String(60)), sa.Column("signed", sa.Date()),
            sa.Column("moa_url", sa.String(2000)), sa.Column("agency_type", sa.String(60)),
            sa.Column("county", sa.String(200))]


def upgrade() -> None:
    with op.batch_alter_table("list_entries") as batch:
        for column in _agreement_columns():
            batch.add_column(column)
    with op.batch_alter_table("list_changes") as batch:
        for column in _agreement_columns():
            batch.add_column(column)
        batch.add_column(sa.Column("role", sa.String(10), nullable=False, server_default=""))
    with op.batch_alter_table("list_snapshots") as batch:
        batch.add_column(sa.Column("warnings", sa.Text(), nullable=False, server_default=""))
    with op.batch_alter_table("source_checks") as batch:
        batch.add_column(sa.Column("documents", sa.Text(), nullable=False, server_default=""))
    op.create_table(
        "followed_links",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("source", sa.String(40), nullable=False),
        sa.Column("url", sa.String(2000), nullable=False, unique=True),
        sa.Column("status", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(64)),
        sa.Column("archive_path", sa.String(500)),
        sa.Column("fetched_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "list_documents",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("snapshot_id", sa.Integer(), sa.ForeignKey("list_snapshots.id", ondelete="CASCADE"),
                  nullable=False, index=True),
        sa.Column("part", sa.String(40), nullable=False),
        sa.Column("url", sa.String(2000), nullable=False),
        sa.Column("sha256", sa.String(64)),
        sa.Column("archive_path", sa.String(500)),
    )


def downgrade() -> None:
    op.drop_table("followed_links")
    op.drop_table("list_documents")
    with op.batch_alter_table("source_checks") as batch:
        batch.drop_column("documents")
    with op.batch_alter_table("list_snapshots") as batch:
        batch.drop_column("warnings")
    with op.batch_alter_table("list_changes") as batch:
        batch.drop_column("role")
        for name in _AGREEMENT_COLUMNS:
            batch.drop_column(name)
    with op.batch_alter_table("list_entries") as batch:
        for name in _AGREEMENT_COLUMNS:
            batch.drop_column(name)
