"""History queries for maintainers, over the SQL views (see README "Inspecting the history")."""

from __future__ import annotations

from typing import Any

from sqlalchemy import text

from ddor_watch.db.session import Database

QUERIES = {
    "reports": """SELECT period_start, period_end, revision, sha256, status, pages, detainers_issued_total,
                         declined_detainers, top_jurisdictions, policies, words_total, words_unplaced,
                         backfill, url
                  FROM v_reports ORDER BY period_end, revision""",
    "quarantined": """SELECT sha256, url, fetched_at, error FROM documents WHERE status = 'quarantined'
                      ORDER BY fetched_at""",
    "top10": """SELECT period_start, period_end, revision, rank, jurisdiction, state, county_fips,
                       detainers_issued, page
                FROM v_top10_by_week ORDER BY period_end, rank""",
    "jurisdictions": """SELECT jurisdiction_key, name, state, county_fips, first_listed, last_listed,
                               weeks_listed, declined_total
                        FROM v_jurisdiction_timeline ORDER BY state, name""",
}


def history(db: Database, what: str) -> tuple[list[str], list[tuple[Any, ...]]]:
    with db.engine.connect() as connection:
        result = connection.execute(text(QUERIES[what]))
        columns = list(result.keys())
        rows = [tuple(row) for row in result]
    if what == "reports":
        # Quarantined documents have no report row; list them too so nothing hides.
        with db.engine.connect() as connection:
            for sha256, url, _fetched, _error in connection.execute(text(QUERIES["quarantined"])):
                rows.append((None, None, None, sha256, "quarantined", None, None, 0, 0, 0, None, None, False, url))
    return columns, rows
