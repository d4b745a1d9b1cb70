"""Word accounting per report: where every word of the PDF went (issue: parse conservation).

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

BUCKETS = ("total", "placed", "prose", "header", "furniture", "unplaced")

V_REPORTS = """
    SELECT r.id AS report_id, r.period_start, r.period_end, r.revision, d.sha256, d.url,
           d.status, r.pages, r.detainers_issued_total, r.declined_total_stated,
           (SELECT COUNT(*) FROM declined_detainers x WHERE x.report_id = r.id) AS declined_detainers,
           (SELECT COUNT(*) FROM top_jurisdictions x WHERE x.report_id = r.id) AS top_jurisdictions,
           (SELECT COUNT(*) FROM policies x WHERE x.report_id = r.id) AS policies,
           r.backfill, r.parsed_at{extra}
    FROM reports r JOIN documents d ON d.id = r.document_id
"""


def upgrade() -> None:
    # Plain ADD COLUMN (no batch copy): views reference this table, and the new columns are
    # nullable (reports parsed before this revision have no accounting until re-parsed).
    for bucket in BUCKETS:
        op.add_column("reports", sa.Column(f"words_{bucket}", sa.Integer(), nullable=True))
    op.execute("DROP VIEW IF EXISTS v_reports")
    op.execute("CREATE VIEW v_reports AS " + V_REPORTS.format(
        extra=", r.words_total, r.words_unplaced, r.warnings"))


def downgrade() -> None:
    op.execute("DROP VIEW IF EXISTS v_reports")
    op.execute("CREATE VIEW v_reports AS " + V_REPORTS.format(extra=""))
    with op.batch_alter_table("reports") as batch:
        for bucket in BUCKETS:
            batch.drop_column(f"words_{bucket}")
