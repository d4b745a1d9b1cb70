"""False alarms and silent misreads, per producer family.

Parses every producer variant the tests generate (tests/factories/producers.py: reportlab,
Ghostscript, Chromium, LibreOffice Writer and Calc, pdfLaTeX), each from its ground truth,
plus the planted misreads (tests/factories/misreads.py), and prints one row per variant:
rows read right, warnings, held or not, seconds. The target: every variant read right has
no warning and is not held; every misread carries a warning (so it is held).

Run: .venv/bin/python bench/producers_bench.py [--seeds N]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from ddor_watch.db.records import ParsedReport  # noqa: E402
from ddor_watch.scraper.pdf import parse_report  # noqa: E402
from factories import Style, make_truth, render_report  # noqa: E402
from factories.misreads import MISREADS  # noqa: E402
from factories.producers import PRODUCERS  # noqa: E402

SECTIONS = ("top_jurisdictions", "declined_detainers", "policies")


def rows_right(parsed: ParsedReport, expected: ParsedReport, exact_pages: bool) -> tuple[int, int]:
    right = total = 0
    for section in SECTIONS:
        want = list(getattr(expected, section))
        got = [replace(g, bbox=None) if exact_pages else replace(g, page=0, bbox=None)
               for g in getattr(parsed, section)]
        if not exact_pages:
            want = [replace(w, page=0) for w in want]
        total += max(len(want), len(got))
        right += sum(1 for g, w in zip(got, want, strict=False) if g == w)
    return right, total


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    options.add_argument("--seeds", type=int, default=2, help="reports per producer (default 2)")
    seeds = [101 + 7 * i for i in range(options.parse_args().seeds)]
    print("| producer | reports | rows read right | warnings | held | seconds/report |")
    print("|---|---:|---:|---:|---|---:|")
    failures = 0
    with tempfile.TemporaryDirectory() as tmp:
        for producer in PRODUCERS:
            if not producer.available:
                print(f"| {producer.name} | (no {producer.tool} here) | | | | |")
                continue
            right = total = warnings = held = 0
            seconds = 0.0
            for seed in seeds:
                folder = Path(tmp) / f"{PRODUCERS.index(producer)}-{seed}"
                folder.mkdir()
                truth = make_truth(seed, rows=60, policies=12)
                path = producer.make(truth, producer.style, folder)
                start = time.perf_counter()
                parsed = parse_report(path)
                seconds += time.perf_counter() - start
                r, t = rows_right(parsed, render_report(truth, producer.style)[1], producer.exact_pages)
                right, total = right + r, total + t
                warnings += len(parsed.warnings)
                held += bool(parsed.warnings)
                failures += (r == t) == bool(parsed.warnings)   # a false alarm, or a silent misread
            print(f"| {producer.name} | {len(seeds)} | {100 * right / total:.1f} % | {warnings} | "
                  f"{f'{held} of {len(seeds)}' if held else 'no'} | {seconds / len(seeds):.2f} |")
        for misread, plant in MISREADS.items():
            for style_name, style in (("ruled", Style()), ("unruled", Style(ruled=False))):
                truth = make_truth(5, rows=80, policies=12)
                data, expected = render_report(truth, style)
                path = Path(tmp) / f"misread-{style_name}.pdf"
                path.write_bytes(data)
                start = time.perf_counter()
                with plant():
                    parsed = parse_report(path)
                seconds = time.perf_counter() - start
                r, t = rows_right(parsed, expected, True)
                failures += (r == t) == bool(parsed.warnings)
                print(f"| planted: {misread} (reportlab, {style_name}) | 1 | {100 * r / t:.1f} % | "
                      f"{len(parsed.warnings)} | {'yes' if parsed.warnings else 'NO'} | {seconds:.2f} |")
    print(f"\nfalse alarms + silent misreads: {failures}")


if __name__ == "__main__":
    main()
