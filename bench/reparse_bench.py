"""`ddor ingest --reparse-all` on one worker process and on one per core: the speed-up of
parsing in parallel (storage stays one writer). Run: .venv/bin/python bench/reparse_bench.py
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from common import report_with_pages  # noqa: E402

from ddor_watch.db.paths import DataDir  # noqa: E402
from ddor_watch.db.session import open_database  # noqa: E402
from ddor_watch.monitor.ingest import ingest_path, reparse_all  # noqa: E402
from ddor_watch.scraper.pdf.sandbox import ParseLimits  # noqa: E402

DOCUMENTS, PAGES = 8, 20


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        db = open_database(f"sqlite:///{folder / 'bench.sqlite3'}")
        for seed in range(DOCUMENTS):
            path, _ = report_with_pages(PAGES, folder, seed=seed)
            ingest_path(db, DataDir(folder / "data"), path)
        cores = os.cpu_count() or 1
        times = {}
        for workers in (1, cores):
            start = time.perf_counter()
            outcomes = reparse_all(db, ParseLimits(), workers=workers)
            times[workers] = time.perf_counter() - start
            assert [o for _, o in outcomes] == ["reparsed"] * DOCUMENTS
        print(f"re-parse of {DOCUMENTS} documents of ~{PAGES} pages: 1 worker {times[1]:.1f} s, "
              f"{cores} workers {times[cores]:.1f} s, speed-up {times[1] / times[cores]:.2f}x")


if __name__ == "__main__":
    main()
