"""Test fixture factories: the product's sample generators (`ddor_watch.monitor.samples`) plus
test-only producers (HTML for browsers and word processors, broken PDFs)."""

from ddor_watch.monitor.samples import ReportTruth, Style, make_truth, render_report, style_for_seed, truth_week

__all__ = ["ReportTruth", "Style", "make_truth", "render_report", "style_for_seed", "truth_week"]
