"""`ddor status`: last runs, next run, the outbox, quarantine, and a health verdict."""

from __future__ import annotations

import json

from ddor_watch.db.runs import recent_runs
from ddor_watch.db.session import Database
from ddor_watch.monitor.config import Settings
from ddor_watch.monitor.health import health
from ddor_watch.monitor.scheduler import next_run


def status_report(config: Settings, db: Database, fmt: str = "text") -> tuple[str, bool]:
    verdict = health(config, db)
    runs = recent_runs(db, 5)
    upcoming = next_run(config)
    if fmt == "json":
        return json.dumps({
            "healthy": verdict.healthy, "problems": list(verdict.problems), "notes": list(verdict.notes),
            "last_success": verdict.last_success.isoformat() if verdict.last_success else None,
            "next_run": upcoming.isoformat() if upcoming else None,
            "deliveries": {"pending": verdict.pending, "waiting_on_held": verdict.waiting, "failed": verdict.failed},
            "held_messages": verdict.held, "quarantined_documents": verdict.quarantined,
            "runs": [{"id": r.id, "kind": r.kind, "status": r.status, "started_at": r.started_at.isoformat(),
                      "new_documents": r.new_documents, "errors": r.errors, "error": r.error} for r in runs],
        }, indent=2), verdict.healthy
    lines = [f"health: {'ok' if verdict.healthy else 'UNHEALTHY'}"]
    lines += [f"  problem: {p}" for p in verdict.problems] + [f"  note: {n}" for n in verdict.notes]
    lines.append(f"last successful check: {verdict.last_success or 'never'}")
    lines.append(f"next scheduled check: {upcoming}")
    lines.append(f"deliveries pending: {verdict.pending} (and {verdict.waiting} waiting on held messages), "
                 f"failed: {verdict.failed}; held messages: {verdict.held}; "
                 f"quarantined documents: {verdict.quarantined}")
    lines.append("recent runs:")
    for r in runs:
        lines.append(f"  #{r.id} {r.kind:<7} {r.status:<8} {r.started_at:%Y-%m-%d %H:%M} "
                     f"new={r.new_documents} errors={r.errors}" + (f"  {r.error[:100]}" if r.error else ""))
    return "\n".join(lines), verdict.healthy
