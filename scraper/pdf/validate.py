"""Checks that a parsed report agrees with itself. Findings are warnings, never dropped rows."""

from __future__ import annotations

from collections import Counter

from ddor_watch.db.inert import looks_active
from ddor_watch.db.records import ParsedReport


def validate(report: ParsedReport, stated_pages: int | None = None) -> list[str]:
    found: list[str] = []
    rows = report.declined_detainers
    if report.declined_total_stated is not None and report.declined_total_stated != len(rows):
        found.append(f"the report states {report.declined_total_stated} declined detainers "
                     f"but Section II has {len(rows)} rows")
    if stated_pages is not None and stated_pages != report.pages:
        found.append(f"footers say {stated_pages} pages but the PDF has {report.pages}")
    if report.period_start and report.period_end:
        if report.period_start > report.period_end:
            found.append("reporting period ends before it starts")
        outside = [r.page for r in rows if r.declined_date
                   and not report.period_start <= r.declined_date <= report.period_end]
        if outside:
            found.append(f"{len(outside)} declined dates fall outside the reporting period "
                         f"(first on p. {outside[0]})")
    backwards = [r.page for r in rows if r.declined_date and r.detainer_issued_date
                 and r.detainer_issued_date > r.declined_date]
    if backwards:
        found.append(f"{len(backwards)} detainers declined before they were issued (first on p. {backwards[0]})")
    missing = [r.page for r in rows if r.declined_date is None]
    if missing:
        found.append(f"{len(missing)} Section II rows have no declined date (first on p. {missing[0]})")
    unresolved = Counter(f"{r.county}, {r.state}" for r in rows if r.county and r.state and not r.county_fips)
    unresolved.update(f"{t.jurisdiction}, {t.state}" for t in report.top_jurisdictions
                      if t.jurisdiction and t.state and not t.county_fips)
    if unresolved:
        names = "; ".join(sorted(unresolved))
        found.append(f"{len(unresolved)} places do not resolve to a county FIPS code: {names}")
    top = report.top_jurisdictions
    if top:
        counts = [t.detainers_issued for t in top]
        if counts != sorted(counts, reverse=True):
            found.append("Section I counts are not in descending order")
        if [t.rank for t in top] != list(range(1, len(top) + 1)):
            found.append("Section I ranks are not 1..N in order")
        if report.detainers_issued_total is not None and sum(counts) > report.detainers_issued_total:
            found.append(f"Section I counts add up to {sum(counts)}, more than the "
                         f"{report.detainers_issued_total} detainers issued nationwide")
    found.extend(_active_text(report))
    return found


def _active_text(report: ParsedReport) -> list[str]:
    """Cells that read as a mention, a hashtag or a link: kept as printed, made inert in every
    publication, and held for a maintainer (a report has no business containing them)."""
    cells: list[tuple[int | None, str]] = []
    cells += [(t.page, t.jurisdiction) for t in report.top_jurisdictions]
    for d in report.declined_detainers:
        cells += [(d.page, v) for v in (d.county, d.city, d.facility, d.citizenship, *d.notable_criminal_activity)
                  if v]
    for p in report.policies:
        cells += [(p.page, v) for v in (p.jurisdiction, p.policy_type, p.description) if v]
    if report.data_fidelity:
        cells.append((None, report.data_fidelity))
    active = [(page, text) for page, text in cells if looks_active(text)]
    if not active:
        return []
    page, text = active[0]
    where = f"p. {page}" if page else "Section IV"
    return [f"{len(active)} cell{'s' if len(active) != 1 else ''} read as a mention, hashtag or link (kept as "
            f"printed, made inert in publications; first on {where}: {text[:80]!r})"]
