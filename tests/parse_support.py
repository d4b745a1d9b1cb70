"""Shared assertions for parser tests: a report read against the ground truth it was made from."""

from __future__ import annotations

from dataclasses import replace

from ddor_watch.db.records import ParsedReport


def assert_reads_truth(parsed: ParsedReport, expected: ParsedReport, exact_pages: bool) -> None:
    assert parsed.warnings == ()
    assert parsed.accounting is not None and parsed.accounting.balanced and parsed.accounting.unplaced == 0
    for name in ("title", "period_start", "period_end", "detainers_issued_total", "declined_total_stated",
                 "data_fidelity"):
        assert getattr(parsed, name) == getattr(expected, name), name
    for section in ("top_jurisdictions", "declined_detainers", "policies"):
        got, want = getattr(parsed, section), getattr(expected, section)
        assert len(got) == len(want), section
        if exact_pages:
            assert [replace(g, bbox=None) for g in got] == list(want), section
        else:   # the tool paginated on its own: each row's page must still be real and in order
            assert [replace(g, page=0, bbox=None) for g in got] == [replace(w, page=0) for w in want], section
            pages = [g.page for g in got]
            assert pages == sorted(pages) and 1 <= pages[0] and pages[-1] <= parsed.pages
