"""Fixture factories: DDOR-like PDFs and a replica newsroom, generated from a ground truth.

Shipped inside the wheel as `ddor_factories` so that `ddor demo` works after a plain
`pip install .`; tests import it under that name too.
"""

from ddor_factories.pdf import Style, render_report, style_for_seed
from ddor_factories.truth import ReportTruth, make_truth, truth_week

__all__ = ["ReportTruth", "Style", "make_truth", "render_report", "style_for_seed", "truth_week"]
