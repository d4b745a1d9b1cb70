"""An idle check on the replica newsroom, with the DOJ and DHS list sources enabled: requests
made and CPU seconds when nothing is new (one conditional request per start page).
Run: .venv/bin/python bench/crawl_bench.py
"""

from __future__ import annotations

import datetime as dt
import resource
import tempfile
import time

from ddor_watch.db.session import open_database
from ddor_watch.monitor.config import load_config
from ddor_watch.monitor.cycle import run_check
from ddor_watch.monitor.samples import render_report
from ddor_watch.monitor.samples.list_pages import DHS_PATH, DOJ_AUGUST_2025, DOJ_PATH, dhs_page, doj_page
from ddor_watch.monitor.samples.newsroom import ReplicaServer, ReplicaSite
from ddor_watch.monitor.samples.series import series


def _cpu() -> float:
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def main() -> None:
    site = ReplicaSite()
    for i, (name, truth) in enumerate(series()[:3]):
        site.add_report(name, render_report(truth)[0], f"week {i + 1}", dt.date(2017, 3, 20) + dt.timedelta(days=7 * i))
    published = dt.datetime(2025, 8, 5, tzinfo=dt.UTC)
    site.pages[DOJ_PATH] = (doj_page(DOJ_AUGUST_2025), published)
    site.pages[DHS_PATH] = (dhs_page(DOJ_AUGUST_2025), published)
    with tempfile.TemporaryDirectory() as tmp, ReplicaServer(site) as server:
        config = load_config(environ={}, read_default_file=False).with_overrides(
            data_dir=tmp, start_urls=server.start_urls[0], landing_urls=server.landing_urls[0], download_delay=0.0,
            sources="ddor,doj-list,dhs-list",
            source_urls=f"doj-list={server.url}{DOJ_PATH},dhs-list={server.url}{DHS_PATH}")
        db = open_database(config.db_url)
        for label in ("first check (3 reports, 2 lists)", "idle check", "idle check"):
            site.log.clear()
            cpu, wall = _cpu(), time.perf_counter()
            summary = run_check(config, db, publish=False)
            cpu, wall = _cpu() - cpu, time.perf_counter() - wall
            statuses = [s.status for s in site.log]
            pdf_bytes = sum(1 for s in site.log if s.path.startswith("/doclib/") and s.status == 200)
            print(f"{label:<33} requests={len(site.log):>2} (200: {statuses.count(200)}, 304: {statuses.count(304)})"
                  f" PDFs downloaded={pdf_bytes} new={len(summary.new_reports)} CPU={cpu:.2f}s wall={wall:.2f}s")


if __name__ == "__main__":
    main()
