"""One plain sentence per change, for maintainers reading `ddor diff` and alerts."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ddor_watch.db.changes import load_changes
from ddor_watch.db.records import Change
from ddor_watch.db.session import Database

if TYPE_CHECKING:  # cycle.py imports the whole pipeline; describing a summary needs only its type
    from ddor_watch.monitor.cycle import CheckSummary


def _place(c: Change) -> str:
    name = c.jurisdiction or "?"
    return f"{name}, {c.state}" if c.state else name


def _n(count: object, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def describe_change(c: Change) -> str:
    page = f" (p. {c.page})" if c.page else ""
    place = _place(c)
    return {
        "first_report": (f"first report stored: {_n(c.count, 'declined detainer')} in "
                         f"{_n(c.after, 'jurisdiction')} (baseline)"),
        "correction": f"correction: {c.detail}; sha256 {str(c.before)[:12]} -> {str(c.after)[:12]}",
        "nationwide_total_changed": f"nationwide detainers issued: {c.before} -> {c.after}",
        "declined_total_changed": f"declined detainers listed: {c.before} -> {c.after}",
        "entered_top_ten": f"{place} entered the top ten at rank {c.after} ({_n(c.count, 'detainer')} issued){page}",
        "left_top_ten": f"{place} left the top ten (was rank {c.before})",
        "rank_moved": f"{place} moved from rank {c.before} to {c.after}{page}",
        "top_ten_count_changed": f"{place} detainers issued: {c.before} -> {c.after}{page}",
        "newly_listed": f"{place} newly listed: {_n(c.count, 'declined detainer')}, first time in any report{page}",
        "listed_again": f"{place} listed again after a gap: {_n(c.count, 'declined detainer')}{page}",
        "no_longer_listed": f"{place} no longer listed in Section II (had {_n(c.before, 'declined detainer')})",
        "declined_count_changed": f"{place} declined detainers: {c.before} -> {c.after}{page}",
        "policy_added": f"{place} policy added ({c.after}){page}",
        "policy_removed": f"{place} policy removed (was {c.before})",
        "policy_type_changed": f"{place} policy type: {c.before} -> {c.after}{page}",
        "policy_description_changed": f"{place} policy description changed{page}",
        "row_removed": f"row removed{page}: {c.before}",
        "row_added": f"row added{page}: {c.after}",
    }.get(c.kind, f"{c.kind}: {place} {c.before} -> {c.after}")


def describe_summary(db: Database, summary: CheckSummary) -> list[str]:
    """What `ddor check` prints: the crawl in one line, each stored document with its changes."""
    crawl = summary.crawl
    lines = [f"check {summary.status}: {crawl.requests} requests, {crawl.pages_fetched} responses "
             f"({crawl.not_modified} not modified), {crawl.pdfs_found} report links, "
             f"{len(summary.new_reports)} new documents"]
    for stored in summary.stored:
        lines.append(f"  {stored.sha256[:12]} {stored.status}: {stored.message}")
        if stored.report_id and stored.status.new_report:
            lines += [f"    - {describe_change(change)}" for change in load_changes(db, stored.report_id)[:25]]
    lines += [f"  {line}" for line in summary.published]
    return lines
