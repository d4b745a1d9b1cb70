"""Ground truth -> generated PDF -> parser -> equal to the truth, field by field, pages included."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from ddor_watch.scraper.pdf import parse_report
from ddor_watch.scraper.pdf.export import report_to_json
from factories import Style, make_truth, render_report, style_for_seed

SCHEMA = json.loads((Path(__file__).parent / "schema" / "ddor-report.schema.json").read_text())
FIELDS = ("title", "pages", "period_start", "period_end", "detainers_issued_total", "declined_total_stated",
          "data_fidelity", "sha256")


def assert_same_report(parsed, expected) -> None:  # type: ignore[no-untyped-def]
    assert parsed.warnings == ()
    assert parsed.accounting.balanced and parsed.accounting.unplaced == 0
    for name in FIELDS:
        assert getattr(parsed, name) == getattr(expected, name), name
    for section in ("top_jurisdictions", "declined_detainers", "policies"):
        got, want = getattr(parsed, section), getattr(expected, section)
        assert len(got) == len(want), section
        for index, (g, w) in enumerate(zip(got, want, strict=True)):
            assert g == w, f"{section}[{index}]"


@pytest.mark.parametrize("seed", range(50))
def test_generated_report_parses_back_to_its_ground_truth(seed: int, tmp_path: Path) -> None:
    data, expected = render_report(make_truth(seed), style_for_seed(seed))
    path = tmp_path / "report.pdf"
    path.write_bytes(data)
    assert_same_report(parse_report(path), expected)


def test_every_row_carries_a_bbox_on_its_page(report_pdf) -> None:  # type: ignore[no-untyped-def]
    path, _ = report_pdf(3)
    report = parse_report(path)
    for row in (*report.top_jurisdictions, *report.declined_detainers, *report.policies):
        x0, top, x1, bottom = row.bbox
        assert 0 <= x0 < x1 and 0 <= top < bottom


def test_json_output_is_valid_against_the_shared_schema(report_pdf) -> None:  # type: ignore[no-untyped-def]
    path, _ = report_pdf(4)
    document = report_to_json(parse_report(path))
    jsonschema.validate(document, SCHEMA)
    assert document["schema"] == "ddor.report/v1"


def test_vendored_schema_matches_shared_contract() -> None:
    shared = Path(__file__).resolve().parents[2] / "shared" / "ddor-report.schema.json"
    if not shared.exists():
        pytest.skip("../shared not present")
    assert json.loads(shared.read_text()) == SCHEMA


def test_non_ascii_names_survive(tmp_path: Path) -> None:
    truth = make_truth(11, counties=(("Doña Ana County", "NM", "35013"), ("Travis County", "TX", "48453"),
                                     ("Clark County", "NV", "32003"), ("Cook County", "IL", "17031"),
                                     ("King County", "WA", "53033"), ("Dane County", "WI", "55025"),
                                     ("Kings County", "NY", "36047"), ("Harris County", "TX", "48201"),
                                     ("Marion County", "OR", "41047"), ("Washoe County", "NV", "32031"),
                                     ("Alameda County", "CA", "06001")))
    data, expected = render_report(truth, Style(state_names=True, date_format="words"))
    path = tmp_path / "r.pdf"
    path.write_bytes(data)
    parsed = parse_report(path)
    assert_same_report(parsed, expected)
    assert any(d.county == "Doña Ana County" for d in expected.declined_detainers), "the truth has the place"
    assert any(d.county == "Doña Ana County" and d.county_fips == "35013" for d in parsed.declined_detainers)


def test_a_one_page_report_parses(tmp_path: Path) -> None:
    truth = make_truth(5, rows=2, policies=1)
    data, expected = render_report(truth, Style(font_size=7.0, running_header=False))
    path = tmp_path / "one.pdf"
    path.write_bytes(data)
    parsed = parse_report(path)
    assert_same_report(parsed, expected)


def test_wrapped_dates_in_unruled_tables_stay_in_their_row(tmp_path: Path) -> None:
    """Regression: 'Sept. 15,' / '2016' in a narrow unruled column became two rows."""
    style = Style(landscape=False, font_size=7.5, ruled=False, date_format="words")
    data, expected = render_report(make_truth(26), style)
    path = tmp_path / "r.pdf"
    path.write_bytes(data)
    assert_same_report(parse_report(path), expected)


def test_bare_year_line_is_not_taken_for_a_page_number(tmp_path: Path) -> None:
    """Regression: a wrapped '2016' matched the page-number pattern and vanished."""
    style = Style(landscape=False, font_size=7.0, ruled=False, date_format="words")
    data, expected = render_report(make_truth(25), style)
    path = tmp_path / "r.pdf"
    path.write_bytes(data)
    assert_same_report(parse_report(path), expected)


def test_prose_that_wraps_onto_a_heading_phrase_is_not_a_heading() -> None:
    """Regression: a summary line starting 'jurisdictions that have enacted policies ...' was
    taken for Section III, so Sections I and II were never found (100-page bench report)."""
    from ddor_watch.scraper.pdf.layout import Line, Word
    from ddor_watch.scraper.pdf.sections import split_sections

    def line(text: str, top: float) -> Line:
        return Line(1, top, top + 8, [Word(40, 400, top, top + 8, text)])

    lines = [line("This report lists 2,000 declined detainers, the ten jurisdictions and the", 10),
             line("jurisdictions that have enacted policies which limit cooperation with ICE.", 20),
             line("Section I: Highest Volume of Detainers Issued", 30),
             line("Section II: Jurisdictions with Recorded Declined Detainers", 40),
             line("Section III: Table of Jurisdictions that have Enacted Policies", 50),
             line("Section IV: Report Scope and Data Fidelity", 60)]
    assert split_sections(lines) == {1: (3, 3), 2: (4, 4), 3: (5, 5), 4: (6, 6)}


@pytest.mark.slow
def test_a_300_page_report_parses_in_flat_memory(tmp_path: Path) -> None:
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
    from common import measure, report_with_pages

    path, pages = report_with_pages(300, tmp_path)
    result = measure("from ddor_watch.scraper.pdf import parse_report\nr = parse_report(sys.argv[1])\n"
                     "result = {'rows': len(r.declined_detainers), 'warnings': list(r.warnings)}", str(path))
    assert pages >= 290 and result["warnings"] == [] and result["peak_rss_mb"] < 300


@pytest.mark.parametrize(("header", "key"), [
    ("Date of Declination", "declined"), ("Date the Detainer Was Declined", "declined"),
    ("Date the Detainer Was Issued", "issued"), ("Nationality", "citizenship"), ("Citizenship Country", "citizenship"),
    ("Offense Categories Noted", "offences"), ("Jail/Facility", "facility"), ("COUNTY", "county"),
    ("City / County", None),  # ambiguous: maps to nothing rather than to a guess
])
def test_header_wordings_map_by_synonym_then_keyword(header: str, key: str | None) -> None:
    from ddor_watch.scraper.pdf.specs import DECLINED

    assert DECLINED.match(header) == key
