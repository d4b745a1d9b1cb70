"""Sample reports for the offline demo (and the tests): DDOR-like PDFs drawn from a ground
truth with reportlab, a weekly series with a correction, and a replica newsroom on loopback.

Product code, not a test fixture: `ddor demo` runs on these after a plain `pip install`.
"""

from ddor_watch.monitor.samples.pdf import Style, render_report, style_for_seed
from ddor_watch.monitor.samples.truth import ReportTruth, make_truth, truth_week

__all__ = ["ReportTruth", "Style", "make_truth", "render_report", "style_for_seed", "truth_week"]
