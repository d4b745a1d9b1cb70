"""History queries for maintainers, over the SQL views (see README "Inspecting the history")."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select, text

from ddor_watch.db.lists import Membership, bare_name, memberships
from ddor_watch.db.models import DeclinedRow, PolicyRow, Report
from ddor_watch.db.session import Database
from ddor_watch.db.text import fold

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
    if what == "jurisdictions":
        return _with_other_sources(db, columns, rows)
    if what == "reports":
        # Quarantined documents have no report row; list them too so nothing hides.
        with db.engine.connect() as connection:
            for sha256, url, _fetched, _error in connection.execute(text(QUERIES["quarantined"])):
                rows.append((None, None, None, sha256, "quarantined", None, None, 0, 0, 0, None, None, False, url))
    return columns, rows


def _with_other_sources(db: Database, columns: list[str], rows: list[tuple[Any, ...]]
                        ) -> tuple[list[str], list[tuple[Any, ...]]]:
    """Each place's history across sources: its DDOR Section II listings (the view), the first
    report that put it in Section III, and what holds today on each jurisdiction list that ever
    named it ("doj-list: listed since 2025-08-05", "doj-list: removed 2025-08-12 (listed since
    2025-08-05)"). Places only a list names get rows too."""
    with db.session() as session:
        section_iii: dict[tuple[str | None, str], Any] = {}
        for fips, state, name, period in session.execute(
                select(PolicyRow.county_fips, PolicyRow.state, PolicyRow.jurisdiction, func.min(Report.period_end))
                .join(Report, Report.id == PolicyRow.report_id)
                .group_by(PolicyRow.county_fips, PolicyRow.state, PolicyRow.jurisdiction)):
            key = (state, fips or fold(name))
            section_iii[key] = min(period, section_iii.get(key, period)) if period else section_iii.get(key)
    found = memberships(db)
    by_key: dict[tuple[str | None, str], list[Membership]] = {}
    for member in found:
        by_key.setdefault(member.key, []).append(member)

    def lists_text(key: tuple[str | None, str]) -> str:
        return "; ".join(membership_text(m) for m in by_key.get(key, []))

    index = {name: i for i, name in enumerate(columns)}
    out, seen = [], set()
    for row in rows:
        fips, state, name = row[index["county_fips"]], row[index["state"]], row[index["name"]]
        key = (state, fips or fold(name))
        seen.add(key)
        period = section_iii.get(key)
        out.append((*row, period.isoformat() if period else None, lists_text(key) or None))
    names = {key: bare_name(members[-1].entry.name) for key, members in by_key.items()}
    for key in sorted(set(by_key) - seen, key=lambda k: (k[0] or "", names[k])):
        period = section_iii.get(key)
        blank: list[Any] = [None] * len(columns)
        blank[index["name"]], blank[index["state"]] = names[key], key[0]
        blank[index["county_fips"]] = key[1] if key[1].isdigit() else None
        out.append((*blank, period.isoformat() if period else None, lists_text(key)))
    return [*columns, "section_iii_since", "lists"], out


def membership_text(member: Membership) -> str:
    """What holds today: "doj-list: listed since 2025-08-05", "doj-list: removed 2025-08-12
    (listed since 2025-08-05)", "dhs-list: page gone 2025-06-02 (listed since 2025-05-29)"."""
    since = f"{member.since:%Y-%m-%d}"
    if member.listed_now:
        return f"{member.source}: listed since {since}"
    ended = f"{member.ended_on:%Y-%m-%d}" if member.ended_on else "?"
    what = "page gone" if member.ended_how == "gone" else "removed"
    return f"{member.source}: {what} {ended} (listed since {since})"


def offences(db: Database) -> tuple[list[str], list[tuple[Any, ...]]]:
    """Every offence category ever printed in Section II: the first report (period end) that
    printed it, in how many rows and how many reports (every revision counts)."""
    first: dict[str, Any] = {}
    rows: dict[str, int] = {}
    reports: dict[str, set[int]] = {}
    with db.session() as session:
        for report_id, period_end, categories in session.execute(
                select(Report.id, Report.period_end, DeclinedRow.notable_criminal_activity)
                .join(DeclinedRow, DeclinedRow.report_id == Report.id).order_by(Report.period_end, Report.id)):
            for category in categories or []:
                first.setdefault(category, period_end)
                rows[category] = rows.get(category, 0) + 1
                reports.setdefault(category, set()).add(report_id)
    return (["category", "first_report", "rows", "reports"],
            [(name, first[name], rows[name], len(reports[name])) for name in sorted(first, key=str.casefold)])
