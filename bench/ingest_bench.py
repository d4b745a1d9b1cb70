"""Ingest of a generated 35-page report end to end (archive, parse, store, diff), next to its
parse time alone, on SQLite. Run: .venv/bin/python bench/ingest_bench.py
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from common import report_with_pages  # noqa: E402

from ddor_watch.db.paths import DataDir  # noqa: E402
from ddor_watch.db.session import open_database  # noqa: E402
from ddor_watch.monitor.ingest import ingest_path  # noqa: E402
from ddor_watch.scraper.pdf import parse_report  # noqa: E402


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        path, pages = report_with_pages(35, folder)
        start = time.perf_counter()
        report = parse_report(path)
        parse_seconds = time.perf_counter() - start
        db = open_database(f"sqlite:///{folder / 'bench.sqlite3'}")
        start = time.perf_counter()
        result = ingest_path(db, DataDir(folder / "data"), path)
        ingest_seconds = time.perf_counter() - start
        start = time.perf_counter()
        again = ingest_path(db, DataDir(folder / "data"), path)
        noop_seconds = time.perf_counter() - start
        print(f"{pages} pages, {len(report.declined_detainers)} rows")
        print(f"parse only:            {parse_seconds:6.2f} s")
        print(f"ingest end to end:     {ingest_seconds:6.2f} s  ({result.status})")
        print(f"  of which storage:    {ingest_seconds - parse_seconds:6.2f} s")
        print(f"same file again:       {noop_seconds:6.3f} s  ({again.status})")


if __name__ == "__main__":
    main()
