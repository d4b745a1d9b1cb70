"""ParsedReport -> the `ddor.report/v1` JSON document (../shared/ddor-report.schema.json)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ddor_watch.db.records import ParsedReport


def _iso(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def report_to_json(report: ParsedReport) -> dict[str, Any]:
    return {
        "schema": "ddor.report/v1",
        "document": {"sha256": report.sha256, "pages": report.pages, "title": report.title},
        "period": {"start": _iso(report.period_start), "end": _iso(report.period_end)},
        "detainers_issued_total": report.detainers_issued_total,
        "declined_total_stated": report.declined_total_stated,
        "top_jurisdictions": [
            {"rank": t.rank, "jurisdiction": t.jurisdiction, "state": t.state, "county_fips": t.county_fips,
             "detainers_issued": t.detainers_issued, "page": t.page, "bbox": t.bbox}
            for t in report.top_jurisdictions
        ],
        "declined_detainers": [
            {"state": d.state, "county": d.county, "county_fips": d.county_fips, "city": d.city,
             "facility": d.facility, "citizenship": d.citizenship,
             "detainer_issued_date": _iso(d.detainer_issued_date), "declined_date": _iso(d.declined_date),
             "notable_criminal_activity": list(d.notable_criminal_activity), "page": d.page, "bbox": d.bbox}
            for d in report.declined_detainers
        ],
        "policies": [
            {"state": p.state, "jurisdiction": p.jurisdiction, "county_fips": p.county_fips,
             "policy_type": p.policy_type, "description": p.description, "page": p.page, "bbox": p.bbox}
            for p in report.policies
        ],
        "data_fidelity": report.data_fidelity,
        "accounting": None if report.accounting is None else {
            "words_total": report.accounting.total, "placed": report.accounting.placed,
            "prose": report.accounting.prose, "header": report.accounting.header,
            "furniture": report.accounting.furniture, "unplaced": report.accounting.unplaced,
        },
        "warnings": list(report.warnings),
    }


def report_to_table(report: ParsedReport) -> str:
    """A readable summary for a person at a terminal."""
    period = f"{_iso(report.period_start)} to {_iso(report.period_end)}"
    lines = [
        f"{report.title or 'Declined Detainer Outcome Report'}",
        f"period           {period}",
        f"pages            {report.pages}",
        f"sha256           {report.sha256}",
        f"issued (nation)  {report.detainers_issued_total if report.detainers_issued_total is not None else '?'}",
        f"declined rows    {len(report.declined_detainers)}",
        f"policies         {len(report.policies)}",
        f"words            {_accounting_line(report)}",
        "",
        "Top ten by detainers issued",
    ]
    for t in report.top_jurisdictions:
        lines.append(f"  {t.rank:>2}. {t.jurisdiction + ', ' + (t.state or '?'):<34} {t.detainers_issued:>6}"
                     f"   p. {t.page}")
    counts: dict[tuple[str | None, str | None], int] = {}
    for d in report.declined_detainers:
        counts[(d.county, d.state)] = counts.get((d.county, d.state), 0) + 1
    lines += ["", "Declined detainers by jurisdiction"]
    for (county, state), n in sorted(counts.items(), key=lambda kv: (-kv[1], str(kv[0]))):
        lines.append(f"  {(county or '?') + ', ' + (state or '?'):<38} {n:>6}")
    lines += ["", f"Warnings ({len(report.warnings)})"] + [f"  - {w}" for w in report.warnings]
    return "\n".join(lines)


def _accounting_line(report: ParsedReport) -> str:
    a = report.accounting
    if a is None:
        return "not accounted"
    return (f"{a.total:,} total: {a.placed:,} in rows, {a.prose:,} prose, {a.header:,} table headers, "
            f"{a.furniture:,} page furniture, {a.unplaced:,} unplaced")
