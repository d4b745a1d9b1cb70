"""Every producer family in tests/factories/producers.py, read against its ground truth:

- reportlab (ruled, unruled, sections named in the summary's prose, Section II grouped under
  state headings), Ghostscript's re-distilled copy;
- headless Chromium printing HTML (grid and none), LibreOffice Writer converting it;
- LibreOffice Calc exporting a workbook: cells top-aligned, bottom-aligned (Excel's default: a
  row's single-line cells print on its last line, its wrapped text above), with cell borders;
- pdfLaTeX longtables with booktabs rules (no space glyphs, ligatures, TeX accents), also with
  the manual's "Continued on next page" footers.

A correctly read report carries no warning at all (a warning holds the post), and is published
unattended by a real `ddor check` of the replica newsroom. A planted misread still warns.

Regressions they found: "Continued on next page" read as the last offence of the row above a
page break, silently; Calc's bottom-aligned rows read top-down (38-46 % of rows, with warnings);
a summary sentence "Section III lists jurisdictions that ..." taken for Section III's heading
(report refused); a Section II grouped under "TEXAS" headings with no State column refused.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from parse_support import assert_reads_truth
from sqlalchemy import select

from ddor_watch.db.models import MessageRow
from ddor_watch.db.records import ParsedReport
from ddor_watch.monitor.cycle import run_check
from ddor_watch.monitor.samples.newsroom import ReplicaServer, ReplicaSite
from ddor_watch.monitor.samples.series import series
from ddor_watch.scraper.pdf import parse_report
from ddor_watch.scraper.pdf.layout import Line, Word, _is_continued_note
from ddor_watch.scraper.pdf.sections import section_readings
from factories import Style, make_truth, render_report
from factories.misreads import MISREADS
from factories.producers import BY_NAME, PRODUCERS, Producer

EXTERNAL = [p.name for p in PRODUCERS if p.tool is not None]
PYTHON_ONLY = [p.name for p in PRODUCERS if p.tool is None]


def _needs(producer: Producer) -> None:
    if not producer.available:
        pytest.skip(f"no {producer.tool} on this machine")


def _read(producer: Producer, seed: int, folder: Path) -> tuple[ParsedReport, ParsedReport]:
    truth = make_truth(seed, rows=60, policies=12)
    path = producer.make(truth, producer.style, folder)
    return parse_report(path), render_report(truth, producer.style)[1]


@pytest.mark.parametrize("name", PYTHON_ONLY)
@pytest.mark.parametrize("seed", [3, 17, 29])
def test_python_producers_read_whole_with_no_warning(name: str, seed: int, tmp_path: Path) -> None:
    producer = BY_NAME[name]
    parsed, expected = _read(producer, seed, tmp_path)
    assert_reads_truth(parsed, expected, producer.exact_pages)


@pytest.mark.slow   # run by .ci/run after `make test`; the browser and office basics stay in test_parse_browser
@pytest.mark.parametrize("name", EXTERNAL)
def test_tool_chain_producers_read_whole_with_no_warning(name: str, tmp_path: Path) -> None:
    producer = BY_NAME[name]
    _needs(producer)
    parsed, expected = _read(producer, 11 + len(name), tmp_path)
    assert_reads_truth(parsed, expected, producer.exact_pages)


def test_a_state_group_running_on_to_the_next_page_keeps_its_state_and_its_rows_their_pages(tmp_path: Path) -> None:
    style = Style(state_groups=True)
    truth = make_truth(8, rows=120, policies=4, counties=(("Travis County", "TX", "48453"),
                                                         ("Cook County", "IL", "17031")))
    data, expected = render_report(truth, style)
    path = tmp_path / "grouped.pdf"
    path.write_bytes(data)
    rows = expected.declined_detainers
    # The factory draws a heading only above a group's first row: some page must open with rows
    # whose heading is on a page before.
    assert any(a.page != b.page and a.state == b.state for a, b in zip(rows, rows[1:], strict=False))
    assert_reads_truth(parse_report(path), expected, exact_pages=True)


def test_a_section_named_in_body_type_is_prose_and_the_heading_set_apart_is_the_section() -> None:
    """Without a full stop or a lower-case verb to tell it, type decides: a line in the body's
    type that reads exactly like a heading is prose when the real headings are set apart."""
    def line(text: str, top: float, size: float = 10, bold: bool = False) -> Line:
        return Line(1, top, top + size, [Word(40, 400, top, top + size, text, size, bold)])

    lines = [line("Summary", 0, 11, True),
             line("The sections follow in this order, each on a line of its own:", 12),
             line("Section II: Jurisdictions with Recorded Declined Detainers", 24),
             line("Section III: Table of Jurisdictions that have Enacted Policies", 36),
             line("Section I: Highest Volume of Detainers Issued", 60, 11, True),
             line("ICE issued 3,000 detainers.", 72),
             line("Section II: Jurisdictions with Recorded Declined Detainers", 90, 11, True),
             line("State County Declined Date", 102, 8, True),
             line("Section III: Table of Jurisdictions that have Enacted Policies", 130, 11, True),
             line("State Jurisdiction Description", 142, 8, True)]
    assert section_readings(lines)[0] == {1: (5, 6), 2: (7, 8), 3: (9, 10)}


@pytest.mark.parametrize(("text", "note"), [
    ("Continued on next page", True), ("(continued from previous page)", True), ("(Continued)", True),
    ("Table 2 (cont.)", True), ("Continued on the next page …", True),
    ("Continued", False), ("Cont.", False), ("Continued detention", False)])
def test_a_tables_own_continuation_note_is_furniture_but_a_lone_word_is_text(text: str, note: bool) -> None:
    assert _is_continued_note(text) is note


@pytest.mark.parametrize("misread", sorted(MISREADS))
@pytest.mark.parametrize("style", [Style(), Style(ruled=False), Style(state_groups=True, section_mentions=True)],
                         ids=["ruled", "unruled", "grouped"])
def test_a_planted_misread_still_warns(misread: str, style: Style, tmp_path: Path) -> None:
    data, expected = render_report(make_truth(5, rows=80, policies=12), style)
    path = tmp_path / "report.pdf"
    path.write_bytes(data)
    with MISREADS[misread]():
        parsed = parse_report(path)
    assert parsed.declined_detainers != expected.declined_detainers
    assert parsed.warnings


def _check_publishes(producer: Producer, tmp_path: Path, config, db) -> None:  # type: ignore[no-untyped-def]
    """A real check of the replica: last week's report (the baseline), then this producer's
    report of the week after, which must be posted without being held."""
    (first, first_truth), (second, second_truth) = series()[:2]
    site = ReplicaSite()
    site.add_report(first, render_report(first_truth)[0], "week 1", dt.date(2017, 3, 20))
    pdf = producer.make(second_truth, producer.style, tmp_path)
    with ReplicaServer(site) as server:
        cfg = config.with_overrides(start_urls=server.start_urls[0], landing_urls=server.landing_urls[0],
                                    download_delay=0.0, retry_backoff=0.05, publish_enabled=True)
        run_check(cfg, db, publish=True, dry_run=True)
        site.add_report(second, pdf.read_bytes(), "week 2", dt.date(2017, 3, 27))
        summary = run_check(cfg, db, publish=True, dry_run=True)
    assert [s.status.new_report for s in summary.stored] == [True]
    with db.session() as session:
        statuses = {m.status for m in session.scalars(select(MessageRow))}
    assert statuses and "held" not in statuses, summary.published
    assert summary.published and not any("held" in line for line in summary.published)


def test_a_report_read_right_is_published_unattended_by_a_real_check(tmp_path: Path, config, db) -> None:  # type: ignore[no-untyped-def]
    _check_publishes(BY_NAME["reportlab, Section II grouped by state"], tmp_path, config, db)


@pytest.mark.slow
@pytest.mark.parametrize("name", EXTERNAL)
def test_every_tool_chain_report_read_right_is_published_unattended(name: str, tmp_path: Path, config, db) -> None:  # type: ignore[no-untyped-def]
    producer = BY_NAME[name]
    _needs(producer)
    _check_publishes(producer, tmp_path, config, db)
