"""`ddor parse` through the real CLI: output formats, and every bad input a clear exit 2."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import run_ddor
from factories import make_truth, render_report, style_for_seed
from factories.bad import corrupt, plain_pdf, truncated


@pytest.fixture(scope="module")
def good_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data, _ = render_report(make_truth(7), style_for_seed(7))
    path = tmp_path_factory.mktemp("pdf") / "good.pdf"
    path.write_bytes(data)
    return path


def test_parse_prints_schema_json(good_pdf: Path) -> None:
    result = run_ddor("parse", str(good_pdf), "--format", "json")
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["schema"] == "ddor.report/v1"
    assert document["declined_detainers"] and document["top_jurisdictions"]
    accounting = document["accounting"]
    assert accounting["unplaced"] == 0
    assert accounting["words_total"] == sum(accounting[k] for k in ("placed", "prose", "header", "furniture",
                                                                     "unplaced"))


def test_parse_table_is_readable(good_pdf: Path) -> None:
    result = run_ddor("parse", str(good_pdf), "--format", "table")
    assert result.returncode == 0
    assert "Top ten by detainers issued" in result.stdout
    assert "period           2017-01-28 to 2017-02-03" in result.stdout
    assert "page furniture, 0 unplaced" in result.stdout


def _bad_cases(good: bytes) -> dict[str, tuple[bytes | None, str]]:
    return {
        "missing": (None, "no such file"),
        "empty": (b"", "empty file"),
        "not_a_pdf": (b"<html><body>Declined Detainer</body></html>", "not a PDF"),
        "png": (b"\x89PNG\r\n\x1a\n" + b"\0" * 64, "not a PDF"),
        "truncated": (truncated(good), "truncated PDF"),
        "corrupt": (corrupt(good), "PDF"),
        "encrypted": (plain_pdf(["Weekly Declined Detainer Outcome Report"], encrypt="secret"), "encrypted PDF"),
        "not_a_ddor": (plain_pdf(["Quarterly budget", "Nothing to see here"]), "not a DDOR"),
        "layout_drift": (plain_pdf(["Section II: Jurisdictions with Recorded Declined Detainers",
                                    "Place   Region   When   What"]), "no Section II (declined detainers) table"),
    }


@pytest.mark.parametrize("case", ["missing", "empty", "not_a_pdf", "png", "truncated", "corrupt", "encrypted",
                                  "not_a_ddor", "layout_drift"])
def test_bad_input_gives_one_line_and_exit_2(case: str, good_pdf: Path, tmp_path: Path) -> None:
    data, message = _bad_cases(good_pdf.read_bytes())[case]
    path = tmp_path / f"{case}.pdf"
    if data is not None:
        path.write_bytes(data)
    result = run_ddor("parse", str(path))
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    assert message in lines[0]
    assert "Traceback" not in result.stderr


def test_unknown_option_is_a_usage_error(good_pdf: Path) -> None:
    result = run_ddor("parse", str(good_pdf), "--format", "xml")
    assert result.returncode == 2


def test_a_huge_file_is_refused_before_parsing(tmp_path: Path) -> None:
    path = tmp_path / "huge.pdf"
    with path.open("wb") as handle:
        handle.write(b"%PDF-1.7\n")
        handle.truncate(300 * 2**20)   # sparse: costs no disk
    result = run_ddor("parse", str(path))
    assert result.returncode == 2 and "larger than the" in result.stderr


def test_a_directory_is_bad_input(tmp_path: Path) -> None:
    result = run_ddor("parse", str(tmp_path))
    assert result.returncode == 2 and "not a file" in result.stderr
