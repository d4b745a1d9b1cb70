"""More tool chains government reports come from, generated from the same truth:

- a workbook exported by LibreOffice Calc (no gridlines, print titles repeating each table's
  header, wrapped cells, right-aligned numbers, fit-to-width scaling);
- a LaTeX report (longtable breaking across pages with a repeated header, booktabs rules above
  and below the rows only, pdfTeX ligatures, accents drawn as separate glyphs).

Regressions they found: a count cell reading "115 103 84" (ten rows under one pair of
booktabs rules) parsed as the number 11510384; "Coˆte d’Ivoire" and "St. Mary’s" as printed by
TeX; a Section I table read as one row because rules ran only above and below it.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from test_parse_browser import SOFFICE, assert_matches_truth

from factories import Style, make_truth
from factories.latex import render_latex
from factories.sheet import write_workbook

PDFLATEX = shutil.which("pdflatex")
CALC = SOFFICE if Path("/usr/lib/libreoffice/program/libsclo.so").exists() else None

CASES = {
    "codes, short dates, offences by semicolon": (Style(), "semicolons"),
    "names, word dates, one offence per line": (Style(state_names=True, date_format="words"), "lines"),
}


def calc_to_pdf(workbook: Path) -> Path:
    folder = workbook.parent
    subprocess.run([SOFFICE, f"-env:UserInstallation={(folder / 'lo-profile').as_uri()}", "--headless",
                    "--convert-to", "pdf:calc_pdf_Export", "--outdir", str(folder), str(workbook)],
                   check=True, capture_output=True, timeout=180)
    return workbook.with_suffix(".pdf")


def latex_to_pdf(source: str, folder: Path) -> Path:
    (folder / "report.tex").write_text(source)
    for _ in range(2):  # longtable settles its column widths on the second run
        subprocess.run([PDFLATEX, "-interaction=nonstopmode", "-halt-on-error", "report.tex"], cwd=folder,
                       check=True, capture_output=True, timeout=120)
    return folder / "report.pdf"


@pytest.mark.skipif(CALC is None, reason="no LibreOffice Calc on this machine")
@pytest.mark.parametrize("case", sorted(CASES))
def test_a_spreadsheet_exported_by_calc_parses_to_its_ground_truth(case: str, tmp_path: Path) -> None:
    style, offences = CASES[case]
    truth = make_truth(11 + len(case), rows=60, policies=12)
    pdf = calc_to_pdf(write_workbook(truth, tmp_path / "report.xlsx", style, offences=offences))
    assert_matches_truth(pdf, truth, style)


@pytest.mark.skipif(PDFLATEX is None, reason="no pdflatex on this machine")
@pytest.mark.parametrize("case", sorted(CASES))
def test_a_latex_longtable_report_parses_to_its_ground_truth(case: str, tmp_path: Path) -> None:
    style, offences = CASES[case]
    truth = make_truth(13 + len(case), rows=60, policies=12)
    assert_matches_truth(latex_to_pdf(render_latex(truth, style, offences=offences), tmp_path), truth, style)
