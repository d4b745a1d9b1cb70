"""ICE's 287(g) workbooks: reading and diffing a list of 1,500 agreements (time and peak memory
in a fresh interpreter, for 500 to 6,000 rows to show memory stays flat), and the checks of the
replica page: a first check, an idle one (one conditional request per page and workbook, no
workbook bytes) and an update.
Run: .venv/bin/python bench/agreements_bench.py
"""

from __future__ import annotations

import datetime as dt
import sys
import tempfile
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from common import measure, timed_check  # noqa: E402

from ddor_watch.db.session import open_database  # noqa: E402
from ddor_watch.monitor.config import load_config  # noqa: E402
from ddor_watch.monitor.samples.agreements import (  # noqa: E402
    PAGE_PATH,
    STATE_NAMES,
    TFM,
    Agreement,
    Update,
    publish,
)
from ddor_watch.monitor.samples.newsroom import ReplicaServer, ReplicaSite  # noqa: E402

READ_AND_DIFF = """
from ddor_watch.monitor.samples.agreements import Agreement, STATE_NAMES, TFM, JEM, workbook
from ddor_watch.scraper.sources.workbook import read_agreements
from ddor_watch.monitor.agreement_diff import diff_agreements
import datetime as dt
rows = int(sys.argv[1])
states = sorted(STATE_NAMES)
names = ["Polk", "Lee", "Marion", "Clay", "Bay", "Union", "Lake", "Orange", "Baker", "Dixie"]
def agreement(i, suffix="County Sheriff's Office"):
    return Agreement(states[i % len(states)], f"{names[i % 10]} {i} {suffix}", "County", None, (TFM, JEM)[i % 2],
                     dt.date(2025, 1, 1) + dt.timedelta(days=i % 200), f"/doclib/moa/{i}.pdf")
listed = [agreement(i) for i in range(rows)]
# An update like ICE's busiest: 50 new, 10 ended, 2 % of the rows re-spelled by ICE.
update = [agreement(i, "County Sheriffs Office") if i % 50 == 0 else a for i, a in enumerate(listed[10:], 10)]
update += [agreement(rows + i) for i in range(50)]
# The worst case for the matcher: ICE re-spells every row at once.
respelled = [agreement(i, "Sheriff Office") for i in range(rows)]
books = [workbook(tuple(b)) for b in (listed, update, respelled)]
start = time.perf_counter()
old, new, worst = (read_agreements(b, "", "x.xlsx", "participating").entries for b in books)
read = (time.perf_counter() - start) / 3
start = time.perf_counter()
changes = diff_agreements(old, new)
diff = time.perf_counter() - start
start = time.perf_counter()
worst_changes = diff_agreements(old, worst)
result = {"rows": rows, "read_s": round(read, 3), "diff_s": round(diff, 3), "changes": len(changes),
          "worst_s": round(time.perf_counter() - start, 3), "worst_changes": len(worst_changes),
          "kinds": sorted({str(c.kind) for c in changes}), "bytes": len(books[0])}
"""


def _update(rows: int, shift: int, stamp: str, day: int) -> Update:
    states = sorted(STATE_NAMES)
    participating = tuple(Agreement(states[i % len(states)], f"Agency {i + shift} Sheriff's Office", "County", None,
                                    TFM, dt.date(2025, 1, 1) + dt.timedelta(days=i % 300)) for i in range(rows))
    return Update(stamp, participating, participating[:40], stamp,
                  dt.datetime(2025, 7, day, tzinfo=dt.UTC))


def main() -> None:
    print("read + diff (one workbook read, then the diff of two), fresh interpreter each:")
    for rows in (500, 1500, 6000):
        found = measure(READ_AND_DIFF, str(rows))
        print(f"  {found['rows']:>5} rows ({found['bytes'] // 1024} KB): read {found['read_s']:.2f} s, "
              f"diff of a busy update {found['diff_s']:.3f} s ({found['changes']} changes), every row re-spelled "
              f"{found['worst_s']:.2f} s ({found['worst_changes']} changes), peak RSS {found['peak_rss_mb']} MB")
    site = ReplicaSite()
    publish(site, _update(1500, 0, "07152025am", 15))
    with tempfile.TemporaryDirectory() as tmp, ReplicaServer(site) as server:
        config = load_config(environ={}, read_default_file=False).with_overrides(
            data_dir=tmp, download_delay=0.0, sources="ice-287g", source_urls=f"ice-287g={server.url}{PAGE_PATH}")
        db = open_database(config.db_url)
        steps = [("first check (1,500 + 40 rows)", None), ("idle check", None), ("idle check", None),
                 ("update (50 new)", replace(_update(1550, 0, "07182025pm", 18)))]
        for label, update in steps:
            if update is not None:
                publish(site, update)
            check = timed_check(config, db, site)
            workbooks = sum(1 for s in check.served if s.path.endswith(".xlsx") and s.status == 200)
            print(f"{label:<30} {check.requests()} workbooks downloaded={workbooks} {check.summary.lists[0]} "
                  f"CPU={check.cpu:.2f}s wall={check.wall:.2f}s")

if __name__ == "__main__":
    main()
