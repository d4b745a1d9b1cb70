"""`diff(previous, current) -> list[Change]`: what became news. Pure: no I/O, no clock.

Places match by county FIPS, else by state and folded name (db.store.jurisdiction_key), so
"CLARK COUNTY, NV" and "Clark County, Nevada" are one place and Franklin County IA, NY and PA
never merge. When `current` is a revision of `previous`'s period the result starts with a
`correction` and names every row and value that changed.
"""

from __future__ import annotations

from collections import Counter

from ddor_watch.db.records import Change, DeclinedDetainer, Policy, ReportSnapshot, TopJurisdiction
from ddor_watch.db.store import jurisdiction_key

KINDS = (
    "first_report", "correction", "nationwide_total_changed", "declined_total_changed",
    "entered_top_ten", "left_top_ten", "rank_moved", "top_ten_count_changed",
    "newly_listed", "listed_again", "no_longer_listed", "declined_count_changed",
    "policy_added", "policy_removed", "policy_type_changed", "policy_description_changed",
    "row_removed", "row_added",
)


def _top_key(t: TopJurisdiction) -> str:
    return jurisdiction_key(t.state, t.jurisdiction, t.county_fips)


def _policy_key(p: Policy) -> str:
    return jurisdiction_key(p.state, p.jurisdiction, p.county_fips)


def is_revision(previous: ReportSnapshot, current: ReportSnapshot) -> bool:
    return (previous.period_start, previous.period_end) == (current.period_start, current.period_end)


def diff(previous: ReportSnapshot | None, current: ReportSnapshot) -> list[Change]:
    if previous is None:
        return [Change("first_report", count=current.declined_total, after=len(current.jurisdictions),
                       detail="first report stored: a baseline, not a change")]
    revision = is_revision(previous, current)
    if revision and previous.sha256 == current.sha256:
        return []  # the very same document
    changes: list[Change] = []
    if revision:
        changes.append(Change("correction", before=previous.sha256, after=current.sha256,
                              detail=f"revision {current.revision} replaces revision {previous.revision}"))
    if previous.detainers_issued_total != current.detainers_issued_total:
        changes.append(Change("nationwide_total_changed", before=previous.detainers_issued_total,
                              after=current.detainers_issued_total))
    if previous.declined_total != current.declined_total:
        changes.append(Change("declined_total_changed", before=previous.declined_total,
                              after=current.declined_total))
    changes += _top_ten(previous.top_jurisdictions, current.top_jurisdictions)
    changes += _listings(previous, current, revision)
    changes += _policies(previous.policies, current.policies)
    if revision:
        changes += _rows(previous.declined_detainers, current.declined_detainers)
    return changes


def _top_ten(before: tuple[TopJurisdiction, ...], after: tuple[TopJurisdiction, ...]) -> list[Change]:
    old = {_top_key(t): t for t in before}
    new = {_top_key(t): t for t in after}
    changes = []
    for key, t in sorted(new.items(), key=lambda kv: kv[1].rank):
        where = dict(jurisdiction=t.jurisdiction, state=t.state, county_fips=t.county_fips, page=t.page)
        if key not in old:
            changes.append(Change("entered_top_ten", after=t.rank, count=t.detainers_issued, **where))
            continue
        was = old[key]
        if was.rank != t.rank:
            changes.append(Change("rank_moved", before=was.rank, after=t.rank, count=t.detainers_issued, **where))
        if was.detainers_issued != t.detainers_issued:
            changes.append(Change("top_ten_count_changed", before=was.detainers_issued,
                                  after=t.detainers_issued, count=t.detainers_issued, **where))
    for key, t in sorted(old.items(), key=lambda kv: kv[1].rank):
        if key not in new:
            changes.append(Change("left_top_ten", jurisdiction=t.jurisdiction, state=t.state,
                                  county_fips=t.county_fips, before=t.rank, count=t.detainers_issued))
    return changes


def _listings(previous: ReportSnapshot, current: ReportSnapshot, revision: bool) -> list[Change]:
    old = {j.key: j for j in previous.jurisdictions}
    new = {j.key: j for j in current.jurisdictions}
    changes = []
    for key, j in sorted(new.items(), key=lambda kv: (kv[1].state or "", kv[1].name)):
        where = dict(jurisdiction=j.name, state=j.state, county_fips=j.county_fips, page=j.first_page)
        if key not in old:
            kind = "listed_again" if key in current.listed_before else "newly_listed"
            changes.append(Change(kind, after=j.declined, count=j.declined, **where))
        elif revision and old[key].declined != j.declined:
            changes.append(Change("declined_count_changed", before=old[key].declined, after=j.declined,
                                  count=j.declined, **where))
    for key, j in sorted(old.items(), key=lambda kv: (kv[1].state or "", kv[1].name)):
        if key not in new:
            changes.append(Change("no_longer_listed", jurisdiction=j.name, state=j.state,
                                  county_fips=j.county_fips, before=j.declined))
    return changes


def _policies(before: tuple[Policy, ...], after: tuple[Policy, ...]) -> list[Change]:
    old = {_policy_key(p): p for p in before}
    new = {_policy_key(p): p for p in after}
    changes = []
    for key, p in new.items():
        where = dict(jurisdiction=p.jurisdiction, state=p.state, county_fips=p.county_fips, page=p.page)
        if key not in old:
            changes.append(Change("policy_added", after=p.policy_type, **where))
        elif old[key].policy_type != p.policy_type:
            changes.append(Change("policy_type_changed", before=old[key].policy_type, after=p.policy_type, **where))
        elif old[key].description != p.description:
            changes.append(Change("policy_description_changed", before=old[key].description[:500],
                                  after=p.description[:500], **where))
    for key, p in old.items():
        if key not in new:
            changes.append(Change("policy_removed", jurisdiction=p.jurisdiction, state=p.state,
                                  county_fips=p.county_fips, before=p.policy_type))
    return changes


def _row_summary(d: DeclinedDetainer) -> str:
    parts = [d.county or "?", d.state or "?", d.city or "", d.facility or "", d.citizenship or "",
             d.detainer_issued_date.isoformat() if d.detainer_issued_date else "",
             d.declined_date.isoformat() if d.declined_date else "", "; ".join(d.notable_criminal_activity)]
    return " | ".join(parts)


def _rows(before: tuple[DeclinedDetainer, ...], after: tuple[DeclinedDetainer, ...]) -> list[Change]:
    """Section II rows that a correction removed or added (rows compared without their page)."""
    old = Counter(_row_summary(d) for d in before)
    new = Counter(_row_summary(d) for d in after)
    changes = []
    seen: Counter[str] = Counter()
    for d in before:
        summary = _row_summary(d)
        seen[summary] += 1
        if seen[summary] <= old[summary] - new[summary]:
            changes.append(Change("row_removed", jurisdiction=d.county, state=d.state, county_fips=d.county_fips,
                                  before=summary, page=d.page))
    seen.clear()
    for d in after:
        summary = _row_summary(d)
        seen[summary] += 1
        if seen[summary] <= new[summary] - old[summary]:
            changes.append(Change("row_added", jurisdiction=d.county, state=d.state, county_fips=d.county_fips,
                                  after=summary, page=d.page))
    return changes


def apply_top_ten(before: tuple[TopJurisdiction, ...], changes: list[Change]) -> dict[str, tuple[int, int]]:
    """Replay top-ten changes on a previous top ten: {key: (rank, detainers issued)}."""
    table = {_top_key(t): (t.rank, t.detainers_issued) for t in before}
    for c in changes:
        key = jurisdiction_key(c.state, c.jurisdiction, c.county_fips)
        if c.kind == "left_top_ten":
            table.pop(key, None)
        elif c.kind == "entered_top_ten":
            table[key] = (int(c.after), int(c.count or 0))  # type: ignore[arg-type]
        elif c.kind == "rank_moved":
            table[key] = (int(c.after), table[key][1])  # type: ignore[arg-type]
        elif c.kind == "top_ten_count_changed":
            table[key] = (table[key][0], int(c.after))  # type: ignore[arg-type]
    return table
