"""Every producer family the parser is measured on, in one registry: each makes a report PDF
from a ground truth with a real tool chain (reportlab, headless Chromium, LibreOffice Writer
and Calc, pdfLaTeX, Ghostscript) and says whether its pages are known exactly.

The tests (tests/test_parse_producers.py) and the false-alarm bench (bench/producers_bench.py)
both read this registry, so the bench's table is over exactly the variants the tests prove.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ddor_watch.monitor.samples import ReportTruth, Style, render_report

from .html import render_html
from .latex import render_latex
from .sheet import write_workbook

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
CALC = SOFFICE if SOFFICE and Path("/usr/lib/libreoffice/program/libsclo.so").exists() else None
PDFLATEX = shutil.which("pdflatex")
GHOSTSCRIPT = shutil.which("gs")
TOOLS = {"chromium": CHROMIUM, "soffice": SOFFICE, "calc": CALC, "pdflatex": PDFLATEX, "gs": GHOSTSCRIPT}


@dataclass(frozen=True)
class Producer:
    name: str
    tool: str | None                  # the program it needs (None: Python only)
    make: Callable[[ReportTruth, Style, Path], Path]
    exact_pages: bool                 # the factory laid the pages out itself (reportlab)
    style: Style = Style()

    @property
    def available(self) -> bool:
        return self.tool is None or TOOLS[self.tool] is not None


def _reportlab(truth: ReportTruth, style: Style, folder: Path) -> Path:
    path = folder / "report.pdf"
    path.write_bytes(render_report(truth, style)[0])
    return path


def writer_to_pdf(html: str, folder: Path) -> Path:
    source = folder / "report.html"
    source.write_text(html)
    _office(source, "writer_pdf_Export")
    return folder / "report.pdf"


def calc_to_pdf(workbook: Path) -> Path:
    _office(workbook, "calc_pdf_Export")
    return workbook.with_suffix(".pdf")


def _office(source: Path, export: str) -> None:
    assert SOFFICE is not None
    folder = source.parent
    subprocess.run([SOFFICE, f"-env:UserInstallation={(folder / 'lo-profile').as_uri()}", "--headless",
                    "--convert-to", f"pdf:{export}", "--outdir", str(folder), str(source)],
                   check=True, capture_output=True, timeout=180)


def print_to_pdf(html: str, folder: Path) -> Path:
    assert CHROMIUM is not None
    source, output = folder / "report.html", folder / "report.pdf"
    source.write_text(html)
    subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                    "--disable-background-networking", "--disable-component-update", "--disable-sync",
                    f"--user-data-dir={folder / 'profile'}", "--no-pdf-header-footer",
                    f"--print-to-pdf={output}", source.as_uri()], check=True, capture_output=True, timeout=120)
    return output


def latex_to_pdf(source: str, folder: Path) -> Path:
    assert PDFLATEX is not None
    (folder / "report.tex").write_text(source)
    for _ in range(2):  # longtable settles its column widths on the second run
        subprocess.run([PDFLATEX, "-interaction=nonstopmode", "-halt-on-error", "report.tex"], cwd=folder,
                       check=True, capture_output=True, timeout=120)
    return folder / "report.pdf"


def redistil(path: Path) -> Path:
    """Ghostscript's pdfwrite: the same page re-encoded (new fonts, content streams, spacing)."""
    assert GHOSTSCRIPT is not None
    output = path.with_name("redistilled.pdf")
    subprocess.run([GHOSTSCRIPT, "-q", "-dNOPAUSE", "-dBATCH", "-dSAFER", "-sDEVICE=pdfwrite", "-dSubsetFonts=true",
                    "-dCompressFonts=true", f"-sOutputFile={output}", str(path)], check=True, capture_output=True,
                   timeout=120)
    return output


def _calc(align: str, borders: bool) -> Callable[[ReportTruth, Style, Path], Path]:
    def make(truth: ReportTruth, style: Style, folder: Path) -> Path:
        return calc_to_pdf(write_workbook(truth, folder / "report.xlsx", style, offences="lines", align=align,
                                          borders=borders))
    return make


def _latex(continued: bool) -> Callable[[ReportTruth, Style, Path], Path]:
    def make(truth: ReportTruth, style: Style, folder: Path) -> Path:
        return latex_to_pdf(render_latex(truth, style, offences="semicolons", continued=continued), folder)
    return make


def _browser(borders: bool) -> Callable[[ReportTruth, Style, Path], Path]:
    def make(truth: ReportTruth, style: Style, folder: Path) -> Path:
        return print_to_pdf(render_html(truth, style, borders, split_rows=("declined", "policies")), folder)
    return make


def _writer(truth: ReportTruth, style: Style, folder: Path) -> Path:
    return writer_to_pdf(render_html(truth, style, False, split_rows=("policies",), offences="lines"), folder)


def _ghostscript(truth: ReportTruth, style: Style, folder: Path) -> Path:
    return redistil(_reportlab(truth, style, folder))


NAMES = Style(state_names=True, date_format="words")
PRODUCERS = (
    Producer("reportlab, ruled", None, _reportlab, True),
    Producer("reportlab, unruled", None, _reportlab, True, Style(ruled=False)),
    Producer("reportlab, sections named in the summary", None, _reportlab, True, Style(section_mentions=True)),
    Producer("reportlab, Section II grouped by state", None, _reportlab, True,
             Style(state_groups=True, ruled=False, section_mentions=True)),
    Producer("Ghostscript re-distilled", "gs", _ghostscript, True, Style(ruled=False)),
    Producer("Chromium, grid", "chromium", _browser(True), False),
    Producer("Chromium, no grid", "chromium", _browser(False), False, NAMES),
    Producer("LibreOffice Writer", "soffice", _writer, False, NAMES),
    Producer("LibreOffice Calc, top-aligned, no rules", "calc", _calc("top", False), False),
    Producer("LibreOffice Calc, bottom-aligned, no rules", "calc", _calc("bottom", False), False, NAMES),
    Producer("LibreOffice Calc, bottom-aligned, cell borders", "calc", _calc("bottom", True), False),
    Producer("pdfLaTeX longtable, booktabs", "pdflatex", _latex(False), False, NAMES),
    Producer("pdfLaTeX longtable, booktabs, 'Continued on next page'", "pdflatex", _latex(True), False),
)
BY_NAME = {p.name: p for p in PRODUCERS}
