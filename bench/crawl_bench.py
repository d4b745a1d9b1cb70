"""An idle check on the replica newsroom, with the DOJ and DHS list sources enabled: requests
made and CPU seconds when nothing is new (one conditional request per start page).
Run: .venv/bin/python bench/crawl_bench.py
"""

from __future__ import annotations

import datetime as dt
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from common import timed_check  # noqa: E402

from ddor_watch.db.session import open_database  # noqa: E402
from ddor_watch.monitor.config import load_config  # noqa: E402
from ddor_watch.monitor.samples import render_report  # noqa: E402
from ddor_watch.monitor.samples.list_pages import (  # noqa: E402
    DHS_PATH,
    DOJ_AUGUST_2025,
    DOJ_PATH,
    dhs_page,
    doj_page,
)
from ddor_watch.monitor.samples.newsroom import ReplicaServer, ReplicaSite  # noqa: E402
from ddor_watch.monitor.samples.series import series  # noqa: E402


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
            check = timed_check(config, db, site)
            pdfs = sum(1 for s in check.served if s.path.startswith("/doclib/") and s.status == 200)
            print(f"{label:<33} {check.requests()} PDFs downloaded={pdfs} new={len(check.summary.new_reports)} "
                  f"CPU={check.cpu:.2f}s wall={check.wall:.2f}s")

if __name__ == "__main__":
    main()
