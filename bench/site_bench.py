"""`ddor site build` on a generated 300-report history (weekly reports, every one with its
archived PDF and map), and a phone- and desktop-width screenshot of a report page for the
README. Run: .venv/bin/python bench/site_bench.py [--reports N]
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import shutil
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from ddor_watch.db.paths import DataDir
from ddor_watch.db.records import FetchedDocument
from ddor_watch.db.session import open_database
from ddor_watch.db.snapshots import load_snapshot
from ddor_watch.db.store import store_report
from ddor_watch.monitor.config import load_config
from ddor_watch.monitor.ingest import record_changes
from ddor_watch.monitor.samples import render_report
from ddor_watch.monitor.samples.truth import truth_week
from ddor_watch.monitor.site_data import build
from ddor_watch.publish.map import map_data, render_map

FETCHED = dt.datetime(2017, 1, 1, tzinfo=dt.UTC)
SCREENSHOT = Path(__file__).parent / "screenshots" / "report-page.png"


def generate(data: DataDir, reports: int) -> None:
    db = open_database(data.sqlite_url)
    map_file: Path | None = None
    for week in range(reports):
        pdf, parsed = render_report(truth_week(week, rows=30))
        sha = hashlib.sha256(pdf).hexdigest()
        archived = data.archived(sha)
        archived.parent.mkdir(parents=True, exist_ok=True)
        archived.write_bytes(pdf)
        document = FetchedDocument(f"https://www.ice.gov/doclib/ddor/week-{week}.pdf", sha, str(archived), None, None,
                                   FETCHED, len(pdf), None)
        stored = store_report(db, document, replace(parsed, sha256=sha))
        assert stored.report_id is not None
        record_changes(db, stored.report_id)
        # The site copies maps, it does not draw them: one real map is copied for every report
        # but the last, which gets its own (it is the one in the screenshot).
        target = data.maps / f"{parsed.period_end}-r1.png"
        target.parent.mkdir(parents=True, exist_ok=True)
        if map_file is None or week == reports - 1:
            drawn = render_map(map_data(load_snapshot(db, stored.report_id)), target, data.cache).path
            map_file = map_file or drawn
        else:
            shutil.copyfile(map_file, target)
    db.engine.dispose()


def screenshot(site: Path) -> None:
    sys.path.insert(0, str(Path(__file__).parents[1] / "tests"))
    from playwright.sync_api import sync_playwright
    from site_support import CHROMIUM, static_server

    latest = sorted((site / "reports").iterdir())[-1].name
    SCREENSHOT.parent.mkdir(exist_ok=True)
    with static_server(site) as url, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM)
        page = browser.new_page(viewport={"width": 1000, "height": 1300})
        page.goto(f"{url}/reports/{latest}/index.html")
        page.screenshot(path=str(SCREENSHOT))
        browser.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--reports", type=int, default=300)
    parser.add_argument("--no-screenshot", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        data = DataDir(Path(folder) / "data")
        data.root.mkdir()
        started = time.perf_counter()
        generate(data, args.reports)
        generated = time.perf_counter() - started
        settings = load_config(environ={"DDOR_DATA_DIR": str(data.root)}, read_default_file=False)
        db = open_database(settings.db_url)
        timings = []
        for _ in range(2):
            started = time.perf_counter()
            summary = build(settings, db, Path(folder) / "site")
            timings.append(time.perf_counter() - started)
        size = sum(p.stat().st_size for p in summary.folder.rglob("*") if p.is_file())
        print(f"site build: {args.reports} reports, {summary.jurisdictions} jurisdiction pages, {summary.files} files, "
              f"{size / 2**20:.1f} MB; first {timings[0]:.1f} s, second {timings[1]:.1f} s "
              f"(history generated in {generated:.0f} s)")
        if not args.no_screenshot:
            screenshot(summary.folder)
            print(f"screenshot: {SCREENSHOT}")
        db.engine.dispose()


if __name__ == "__main__":
    main()
