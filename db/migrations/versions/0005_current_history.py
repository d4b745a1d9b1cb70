"""History that stays right after corrections; subscriber addresses unique regardless of case.

A place's first and last listed weeks now come from the current revision of each report
(a correction that drops a place also drops it from the timeline), not from ids updated as
reports arrived.

Revision ID: 0005
Revises: 0004
"""

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

TIMELINE = """
    SELECT j.key AS jurisdiction_key, j.name, j.state, j.county_fips,
           (SELECT MIN(w.period_end) FROM v_declined_by_week w WHERE w.jurisdiction_key = j.key) AS first_listed,
           (SELECT MAX(w.period_end) FROM v_declined_by_week w WHERE w.jurisdiction_key = j.key) AS last_listed,
           (SELECT COUNT(*) FROM v_declined_by_week w WHERE w.jurisdiction_key = j.key) AS weeks_listed,
           (SELECT SUM(w.declined) FROM v_declined_by_week w WHERE w.jurisdiction_key = j.key) AS declined_total
    FROM jurisdictions j
"""

OLD_TIMELINE = """
    SELECT j.key AS jurisdiction_key, j.name, j.state, j.county_fips,
           fr.period_end AS first_listed, lr.period_end AS last_listed,
           (SELECT COUNT(*) FROM v_declined_by_week w WHERE w.jurisdiction_key = j.key) AS weeks_listed,
           (SELECT SUM(w.declined) FROM v_declined_by_week w WHERE w.jurisdiction_key = j.key) AS declined_total
    FROM jurisdictions j
    LEFT JOIN reports fr ON fr.id = j.first_report_id
    LEFT JOIN reports lr ON lr.id = j.last_report_id
"""


def upgrade() -> None:
    op.execute("DROP VIEW IF EXISTS v_jurisdiction_timeline")
    op.execute("CREATE VIEW v_jurisdiction_timeline AS " + TIMELINE)
    # Keep the oldest of addresses that differ only by case, then forbid such twins.
    op.execute("DELETE FROM subscribers WHERE id NOT IN "
               "(SELECT MIN(id) FROM subscribers GROUP BY lower(email))")
    op.execute("CREATE UNIQUE INDEX uq_subscribers_email_lower ON subscribers (lower(email))")


def downgrade() -> None:
    op.execute("DROP INDEX IF EXISTS uq_subscribers_email_lower")
    op.execute("DROP VIEW IF EXISTS v_jurisdiction_timeline")
    op.execute("CREATE VIEW v_jurisdiction_timeline AS " + OLD_TIMELINE)
