"""`ddor sources`: each source, whether it is enabled, and how its last checks went."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ddor_watch.db.lists import source_checks
from ddor_watch.db.runs import last_successful_run
from ddor_watch.db.session import Database
from ddor_watch.db.snapshots import report_for_period
from ddor_watch.monitor.config import Settings
from ddor_watch.scraper.sources import SOURCES, SourceKind


@dataclass(frozen=True)
class SourceRow:
    name: str
    agency: str
    title: str
    kind: str
    enabled: bool
    start_urls: tuple[str, ...]
    last_checked: str | None
    last_status: str | None
    last_change: str | None
    health: str

    def as_json(self) -> dict[str, object]:
        return {"name": self.name, "agency": self.agency, "title": self.title, "kind": self.kind,
                "enabled": self.enabled, "start_urls": list(self.start_urls), "last_checked": self.last_checked,
                "last_status": self.last_status, "last_change": self.last_change, "health": self.health}


def _iso(value: dt.datetime | None) -> str | None:
    return value.isoformat(timespec="seconds") if value else None


def sources_overview(settings: Settings, db: Database | None) -> list[SourceRow]:
    """Every registered source; with no database yet (a fresh install) each is "never checked"."""
    checks = source_checks(db) if db is not None else {}
    rows = []
    for name, source in SOURCES.items():
        enabled = name in settings.sources
        if source.kind is SourceKind.DDOR_REPORT:
            last = last_successful_run(db) if db is not None else None
            has_report = db is not None and report_for_period(db) is not None
            rows.append(SourceRow(name, source.agency, source.title, str(source.kind), enabled,
                                  settings.start_urls + settings.landing_urls, _iso(last),
                                  "crawl ok" if last else None,
                                  "see `ddor history reports`" if has_report else None,
                                  "ok" if last or not enabled else "never checked"))
            continue
        check = checks.get(name)
        status = check.last_status if check else None
        health = ("never checked" if check is None else "attention: " + status
                  if status and status.startswith(("layout drift", "gone", "incomplete")) else "ok")
        rows.append(SourceRow(name, source.agency, source.title, str(source.kind), enabled,
                              settings.start_pages(name), _iso(check.last_checked_at) if check else None, status,
                              _iso(check.last_change_at) if check else None, health if enabled else "disabled"))
    return rows
