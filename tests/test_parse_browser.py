"""PDFs made by other producers: the ground truth as HTML, printed by headless Chromium (a
browser) and converted by LibreOffice Writer (a word processor).

Browsers draw table grids cell by cell, centre header text and centre cells vertically;
Writer also lets rows break across pages. The parser must read them by structure and
header text all the same. Each producer's tests skip where it is not installed
(`.ci/run` installs Debian's packages when it can).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from parse_support import assert_reads_truth

from ddor_watch.scraper.pdf import parse_report
from factories import Style, make_truth, render_report
from factories.html import render_html
from factories.producers import CHROMIUM, SOFFICE, print_to_pdf, writer_to_pdf

CASES = {
    "grid, codes, short dates": (Style(), True),
    "no grid, names, word dates": (Style(state_names=True, date_format="words"), False),
    "grid, other column order, padded dates": (Style(declined_order=("county", "state", "facility", "city", "issued",
                                                                      "declined", "citizenship", "offences"),
                                                      date_format="padded"), True),
    "no grid, offences before dates": (Style(declined_order=("state", "county", "city", "facility", "citizenship",
                                                              "offences", "issued", "declined")), False),
}


@pytest.mark.skipif(CHROMIUM is None, reason="no Chromium on this machine")
@pytest.mark.parametrize("case", sorted(CASES))
def test_a_browser_printed_report_parses_to_its_ground_truth(case: str, tmp_path: Path) -> None:
    style, borders = CASES[case]
    truth = make_truth(3 + len(case))
    assert_matches_truth(print_to_pdf(render_html(truth, style, borders), tmp_path), truth, style)


@pytest.mark.skipif(SOFFICE is None, reason="no LibreOffice on this machine")
@pytest.mark.parametrize("case", ["grid, codes, short dates", "no grid, names, word dates"])
def test_a_word_processor_report_parses_to_its_ground_truth(case: str, tmp_path: Path) -> None:
    style, borders = CASES[case]
    truth = make_truth(5 + len(case), rows=90)
    assert_matches_truth(writer_to_pdf(render_html(truth, style, borders), tmp_path), truth, style)


@pytest.mark.skipif(CHROMIUM is None, reason="no Chromium on this machine")
@pytest.mark.parametrize(("case", "offences"), [
    ("grid, codes, short dates", "lines"), ("no grid, names, word dates", "paragraphs"),
    pytest.param("grid, codes, short dates", "paragraphs", marks=pytest.mark.slow),
    pytest.param("no grid, names, word dates", "lines", marks=pytest.mark.slow),
])
def test_a_browser_report_with_rows_cut_by_page_breaks_and_one_offence_per_line_parses_whole(
        case: str, offences: str, tmp_path: Path) -> None:
    """Regression: a Section III row cut by a page break has no rule under its first part; the
    parser dropped its jurisdiction and glued its text onto the row above."""
    style, borders = CASES[case]
    truth = make_truth(7 + len(case), rows=60, policies=12)
    html = render_html(truth, style, borders, split_rows=("declined", "policies"), offences=offences)
    assert_matches_truth(print_to_pdf(html, tmp_path), truth, style)


@pytest.mark.skipif(SOFFICE is None, reason="no LibreOffice on this machine")
@pytest.mark.parametrize("case", ["grid, other column order, padded dates", "no grid, names, word dates"])
def test_a_word_processor_report_with_one_offence_per_line_and_split_policies_parses_whole(
        case: str, tmp_path: Path) -> None:
    style, borders = CASES[case]
    truth = make_truth(7 + len(case), rows=60, policies=12)
    html = render_html(truth, style, borders, split_rows=("policies",), offences="lines")
    assert_matches_truth(writer_to_pdf(html, tmp_path), truth, style)


def assert_matches_truth(path: Path, truth, style: Style) -> None:  # type: ignore[no-untyped-def]
    """The browser and the word processor paginate on their own: every field but the page."""
    assert_reads_truth(parse_report(path), render_report(truth, style)[1], exact_pages=False)


@pytest.mark.skipif(SOFFICE is None, reason="no LibreOffice on this machine")
@pytest.mark.parametrize(("case", "seed"), [("no grid, names, word dates", 33),
                                            ("no grid, offences before dates", 44)])
def test_a_word_processor_report_with_centred_cells_and_one_offence_per_paragraph_parses_whole(
        case: str, seed: int, tmp_path: Path) -> None:
    """Writer centres cells vertically; with one offence per paragraph a row's first lines come
    before its anchor. Regression: those lines were read as the row above's (72–97 % of fields,
    flagged). Rows are now chosen so that every cell is centred on its row's anchor, and rows
    cut by a page break keep their halves together."""
    style, borders = CASES[case]
    truth = make_truth(seed, rows=60, policies=12)
    html = render_html(truth, style, borders, split_rows=("policies",), offences="paragraphs")
    assert_matches_truth(writer_to_pdf(html, tmp_path), truth, style)


@pytest.mark.skipif(SOFFICE is None, reason="no LibreOffice on this machine")
def test_centred_rows_that_geometry_cannot_tell_apart_are_flagged_not_guessed(tmp_path: Path) -> None:
    """Where paragraph spacing makes two readings equally centred, the parser must say so (a
    warning naming the page holds the report), never publish its guess."""
    style, borders = CASES["no grid, offences before dates"]
    truth = make_truth(41, rows=60, policies=12)
    html = render_html(truth, style, borders, split_rows=("policies",), offences="paragraphs")
    parsed = parse_report(writer_to_pdf(html, tmp_path))
    flagged = [w for w in parsed.warnings if "closer to the next row than to their own" in w]
    assert flagged and flagged[0].startswith("p. ")
