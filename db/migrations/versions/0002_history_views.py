"""SQL views for maintainers: reports with counts, top ten by week, jurisdiction timeline.

Revision ID: 0002
Revises: 0001
"""

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

VIEWS = {
    # The newest revision of each reporting period: what the history "currently" says.
    "v_current_reports": """
        SELECT r.* FROM reports r
        WHERE r.revision = (SELECT MAX(r2.revision) FROM reports r2
                            WHERE r2.period_start = r.period_start AND r2.period_end = r.period_end)
    """,
    "v_reports": """
        SELECT r.id AS report_id, r.period_start, r.period_end, r.revision, d.sha256, d.url,
               d.status, r.pages, r.detainers_issued_total, r.declined_total_stated,
               (SELECT COUNT(*) FROM declined_detainers x WHERE x.report_id = r.id) AS declined_detainers,
               (SELECT COUNT(*) FROM top_jurisdictions x WHERE x.report_id = r.id) AS top_jurisdictions,
               (SELECT COUNT(*) FROM policies x WHERE x.report_id = r.id) AS policies,
               r.backfill, r.parsed_at
        FROM reports r JOIN documents d ON d.id = r.document_id
    """,
    "v_top10_by_week": """
        SELECT r.period_start, r.period_end, r.revision, t.rank, t.jurisdiction, t.state,
               t.county_fips, t.detainers_issued, t.page
        FROM top_jurisdictions t JOIN v_current_reports r ON r.id = t.report_id
    """,
    "v_declined_by_week": """
        SELECT x.jurisdiction_key, MAX(x.county) AS county, MAX(x.state) AS state,
               MAX(x.county_fips) AS county_fips, r.period_start, r.period_end,
               COUNT(*) AS declined, MIN(x.page) AS first_page
        FROM declined_detainers x JOIN v_current_reports r ON r.id = x.report_id
        GROUP BY x.jurisdiction_key, r.period_start, r.period_end
    """,
    "v_jurisdiction_timeline": """
        SELECT j.key AS jurisdiction_key, j.name, j.state, j.county_fips,
               fr.period_end AS first_listed, lr.period_end AS last_listed,
               (SELECT COUNT(*) FROM v_declined_by_week w WHERE w.jurisdiction_key = j.key) AS weeks_listed,
               (SELECT SUM(w.declined) FROM v_declined_by_week w WHERE w.jurisdiction_key = j.key)
                   AS declined_total
        FROM jurisdictions j
        LEFT JOIN reports fr ON fr.id = j.first_report_id
        LEFT JOIN reports lr ON lr.id = j.last_report_id
    """,
}


def upgrade() -> None:
    for name, sql in VIEWS.items():
        op.execute(f"CREATE VIEW {name} AS {sql}")


def downgrade() -> None:
    for name in reversed(list(VIEWS)):
        op.execute(f"DROP VIEW IF EXISTS {name}")
