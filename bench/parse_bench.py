"""Parse speed and memory: our full parse vs a bare pdfplumber extract_tables() pass.

Prints pages/second for 35-, 100- and 300-page generated reports, the ratio of our parse
time to the bare pass (target <= 1.5) and peak RSS (target < 300 MB at 300 pages).
Run: .venv/bin/python bench/parse_bench.py
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from common import measure, report_with_pages  # noqa: E402

OURS = """
from ddor_watch.scraper.pdf import parse_report
start = time.perf_counter()
report = parse_report(sys.argv[1])
result = {"seconds": time.perf_counter() - start, "rows": len(report.declined_detainers),
          "warnings": len(report.warnings)}
"""
BARE = """
import pdfplumber
start = time.perf_counter()
with pdfplumber.open(sys.argv[1]) as pdf:
    for page in pdf.pages:
        page.extract_tables()
        page.close()
result = {"seconds": time.perf_counter() - start}
"""


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        print(f"{'pages':>5} {'rows':>6} {'ours s':>7} {'pages/s':>8} {'bare s':>7} {'ratio':>6} {'RSS MB':>7} "
              f"{'bare RSS':>8}")
        for target in (35, 100, 300):
            path, pages = report_with_pages(target, Path(tmp))
            ours, bare = measure(OURS, str(path)), measure(BARE, str(path))
            print(f"{pages:>5} {ours['rows']:>6} {ours['seconds']:>7.2f} {pages / ours['seconds']:>8.1f} "
                  f"{bare['seconds']:>7.2f} {ours['seconds'] / bare['seconds']:>6.2f} {ours['peak_rss_mb']:>7.1f} "
                  f"{bare['peak_rss_mb']:>8.1f}")
            assert ours["warnings"] == 0


if __name__ == "__main__":
    main()
