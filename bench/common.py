"""Shared helpers for the benchmarks: generated reports of a given page count, RSS in a child."""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from ddor_watch.db.session import Database
from ddor_watch.monitor.config import Settings
from ddor_watch.monitor.cycle import CheckSummary, run_check
from ddor_watch.monitor.samples import Style, make_truth, render_report
from ddor_watch.monitor.samples.newsroom import ReplicaSite, Served

STYLE = Style(landscape=True, font_size=8.0, ruled=True)


def report_with_pages(pages: int, folder: Path, seed: int = 7) -> tuple[Path, int]:
    """A generated report with about `pages` pages (Section II rows scaled to fit)."""
    path = folder / f"report-{pages}p.pdf"
    rows = max(2, pages * 20)
    for _ in range(4):
        data, expected = render_report(make_truth(seed, rows=rows, policies=12), STYLE)
        if abs(expected.pages - pages) <= max(1, pages // 50):
            break
        rows = max(2, int(rows * pages / expected.pages))
    path.write_bytes(data)
    return path, expected.pages


def measure(code: str, *args: str) -> dict:
    """Run `code` in a fresh interpreter; it prints a JSON dict. Adds peak RSS (MB)."""
    # VmHWM is this process image's own high-water mark. ru_maxrss is not: Linux carries the
    # parent's peak across fork and exec, so a child started by a big test worker reported the
    # worker's memory (303 MB once in CI for a parse that needs about 100).
    wrapper = (
        "import json, resource, sys, time\n"
        f"{code}\n"
        "def _peak():\n"
        "    try:\n"
        "        for line in open('/proc/self/status'):\n"
        "            if line.startswith('VmHWM:'):\n"
        "                return int(line.split()[1]) / 1024\n"
        "    except OSError:\n"
        "        pass\n"
        "    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024\n"
        "result['peak_rss_mb'] = round(_peak(), 1)\n"
        "print(json.dumps(result))\n"
    )
    out = subprocess.run([sys.executable, "-c", wrapper, *args], capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


@dataclass(frozen=True)
class TimedCheck:
    summary: CheckSummary
    served: list[Served]        # what the replica answered during the check
    cpu: float                  # seconds, this process and its children (the crawl)
    wall: float

    def requests(self) -> str:
        statuses = [s.status for s in self.served]
        return f"requests={len(self.served)} (200: {statuses.count(200)}, 304: {statuses.count(304)})"


def timed_check(config: Settings, db: Database, site: ReplicaSite) -> TimedCheck:
    """One `ddor check` of the replica (no publishing), with what it cost."""
    def cpu() -> float:
        own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
        return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime

    site.log.clear()
    start_cpu, start = cpu(), time.perf_counter()
    summary = run_check(config, db, publish=False)
    return TimedCheck(summary, list(site.log), cpu() - start_cpu, time.perf_counter() - start)
