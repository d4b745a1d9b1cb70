"""Every word is accounted for: rows cut by page breaks keep their text, offence lists split by
line structure and vocabulary, and text no row claims is reported, never lost or misattributed."""

from __future__ import annotations

from pathlib import Path

import pytest

from ddor_watch.scraper.pdf import parse_report
from ddor_watch.scraper.pdf.offences import split_offences
from factories import Style, make_truth, render_report
from factories.producers import GHOSTSCRIPT, redistil

VARIANTS = {
    "browser-like fragment without a closing rule": Style(fragment_bottom_rule=False),
    "fragment continued without a header, ruled": Style(fragment_bottom_rule=False, fragment_header=False),
    "fragment continued without a header, unruled": Style(ruled=False, fragment_header=False),
    "one offence per line, ruled": Style(offence_lines=True),
    "one offence per line, unruled, word dates": Style(offence_lines=True, ruled=False, date_format="words"),
    "landscape stored as portrait with /Rotate 90": Style(rotated=True),
    "rotated and unruled": Style(rotated=True, ruled=False, state_names=True),
}


def _render(tmp_path: Path, style: Style, seed: int = 12) -> tuple[Path, object]:
    data, expected = render_report(make_truth(seed, rows=50, policies=14), style)
    path = tmp_path / "report.pdf"
    path.write_bytes(data)
    return path, expected


def assert_reads_whole(parsed, expected, pages: bool = True) -> None:  # type: ignore[no-untyped-def]
    assert parsed.warnings == ()
    assert parsed.accounting.balanced and parsed.accounting.unplaced == 0
    for section in ("top_jurisdictions", "declined_detainers", "policies"):
        got, want = getattr(parsed, section), getattr(expected, section)
        assert len(got) == len(want), section
        for index, (g, w) in enumerate(zip(got, want, strict=True)):
            assert g == w or (not pages and g.__class__(**{**g.__dict__, "page": w.page}) == w), \
                f"{section}[{index}]"


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_report_variant_parses_whole_with_no_unplaced_words(variant: str, tmp_path: Path) -> None:
    path, expected = _render(tmp_path, VARIANTS[variant])
    assert_reads_whole(parse_report(path), expected)


@pytest.mark.parametrize("ruled", [True, False])
def test_a_stray_fragment_is_reported_with_its_page_and_leaves_its_neighbours_unchanged(
        ruled: bool, tmp_path: Path) -> None:
    stray = "San Diego County CA Ordinance limits detainers"
    path, expected = _render(tmp_path, Style(ruled=ruled, stray_text=stray))
    parsed = parse_report(path)
    assert parsed.accounting.unplaced == len(stray.split()) and parsed.accounting.balanced
    assert len(parsed.warnings) == 1
    assert parsed.warnings[0].startswith("p. ") and f'not placed in any row: "{stray}"' in parsed.warnings[0]
    assert parsed.policies == expected.policies
    assert parsed.declined_detainers == expected.declined_detainers


def test_accounting_buckets_add_up_to_every_word_on_every_page(report_pdf) -> None:  # type: ignore[no-untyped-def]
    import pdfplumber

    path, _ = report_pdf(7)
    parsed = parse_report(path)
    with pdfplumber.open(path) as pdf:
        words = sum(len(page.extract_words(x_tolerance=1.5, y_tolerance=2)) for page in pdf.pages)
    a = parsed.accounting
    assert a.total == words == a.placed + a.prose + a.header + a.furniture + a.unplaced
    assert a.placed > 0 and a.prose > 0 and a.header > 0 and a.furniture > 0


@pytest.mark.skipif(GHOSTSCRIPT is None, reason="no Ghostscript on this machine")
@pytest.mark.parametrize("ruled", [True, False])
def test_a_report_redistilled_by_ghostscript_parses_whole(ruled: bool, tmp_path: Path) -> None:
    """pdfwrite subsets the fonts and re-encodes the text runs."""
    source, expected = _render(tmp_path, Style(ruled=ruled, offence_lines=not ruled))
    parsed = parse_report(redistil(source))
    assert parsed.sha256 != expected.sha256
    assert_reads_whole(parsed, expected)


@pytest.mark.parametrize(("lines", "expected"), [
    (["Traffic Offense", "Driving Under the Influence"], ("Traffic Offense", "Driving Under the Influence")),
    (["Obstructing the Police and", "Judiciary Proceedings"], ("Obstructing the Police and Judiciary Proceedings",)),
    (["Dangerous", "Drugs"], ("Dangerous Drugs",)),
    (["Assault; Dangerous", "Drugs; Burglary"], ("Assault", "Dangerous Drugs", "Burglary")),
    (["Assault, Burglary"], ("Assault", "Burglary")),
    (["Obstructing Judiciary, Congress,", "Legislature, Etc.", "Larceny"],
     ("Obstructing Judiciary, Congress, Legislature, Etc.", "Larceny")),
    (["Immigration"], ("Immigration",)),
    ([], ()),
])
def test_offence_cells_split_by_line_structure_and_vocabulary(lines: list[str], expected: tuple[str, ...]) -> None:
    split = split_offences(lines)
    assert split.categories == expected and split.unknown_lines == ()


def test_an_offence_line_that_fits_no_category_is_kept_as_printed_and_never_merged() -> None:
    split = split_offences(["Assault", "Possession of Marijuana", "Burglary"])
    assert split.categories == ("Assault", "Possession of Marijuana", "Burglary")
    # Between two whole known categories, neither opening nor continuing a wrap: no doubt.
    assert split.unknown_lines == () and split.unlisted == ("Possession of Marijuana",)


def test_an_unknown_offence_line_warns_only_where_it_could_be_a_wrap(tmp_path: Path) -> None:
    from dataclasses import replace

    truth = make_truth(3, rows=6)
    clean = replace(truth.declined[0], offences=("Assault", "Possession of Marijuana"))
    doubtful = replace(truth.declined[1], offences=("Loitering", "Unlawful Assembly"))
    truth = replace(truth, declined=(clean, doubtful, *truth.declined[2:]))
    data, _ = render_report(truth, Style(offence_lines=True))
    path = tmp_path / "r.pdf"
    path.write_bytes(data)
    parsed = parse_report(path)
    assert parsed.declined_detainers[0].notable_criminal_activity == ("Assault", "Possession of Marijuana")
    warned = [w for w in parsed.warnings if "match no known category" in w]
    assert len(warned) == 1 and "Possession of Marijuana" not in warned[0], \
        "two unknown lines may be one wrapped category; a line between known ones may not"
    assert "'Loitering'" in warned[0]


def test_the_debug_picture_shows_unplaced_words_in_red(tmp_path: Path) -> None:
    from PIL import Image

    from conftest import run_ddor

    stray = "San Diego County CA Ordinance limits detainers"
    path, _ = _render(tmp_path, Style(stray_text=stray))
    page = int(parse_report(path).warnings[0].split()[1].rstrip(":"))
    output = tmp_path / "page.png"
    result = run_ddor("parse", str(path), "--debug-page", str(page), "-o", str(output))
    assert result.returncode == 0, result.stderr
    image = Image.open(output).convert("RGB")
    reds = sum(1 for r, g, b in image.getdata() if r > 200 and g < 80 and b < 80)
    assert image.width > 500 and reds > 50
    refused = run_ddor("parse", str(path), "--debug-page", "99", "-o", str(output))
    assert refused.returncode == 2 and "has pages 1 to" in refused.stderr
