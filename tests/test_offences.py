"""Offence cells: the vocabulary decides only where a cell splits when nothing else does; a
category outside it that the cell's structure marks off is stored as printed, without a doubt."""

from __future__ import annotations

import pytest

from ddor_watch.scraper.pdf.offences import split_offences


@pytest.mark.parametrize(("lines", "categories"), [
    (["Trespassing"], ("Trespassing",)),
    (["Loitering"], ("Loitering",)),
    (["Loitering, Sex Assault"], ("Loitering", "Sex Assault")),
    (["Burglary; Loitering"], ("Burglary", "Loitering")),
    (["Assault", "Loitering", "Dangerous Drugs"], ("Assault", "Loitering", "Dangerous Drugs")),
])
def test_a_category_the_cell_marks_off_is_kept_as_printed_without_a_warning(lines, categories) -> None:  # type: ignore[no-untyped-def]
    split = split_offences(lines)
    assert split.categories == categories
    assert split.unknown_lines == (), "no doubt where it ends: nothing to hold a report for"


@pytest.mark.parametrize("lines", [
    ["Assault", "with a Deadly Weapon"],      # a wrap: the second line continues the first
    ["Assault with a", "Loitering"],          # the first line is left open
    ["Weird Thing", "Other Thing"],           # two unknown lines: one wrapped category, or two?
])
def test_an_unknown_line_that_could_be_a_wrap_is_still_warned_about(lines: list[str]) -> None:
    assert split_offences(lines).unknown_lines != ()


def test_known_categories_wrapped_over_lines_are_joined() -> None:
    assert split_offences(["Driving Under", "Influence Liquor", "Assault"]).categories == (
        "Driving Under Influence Liquor", "Assault")


def test_history_offences_lists_every_category_with_its_first_report(db, db_url, data_dir, tmp_path) -> None:  # type: ignore[no-untyped-def]
    import json

    from conftest import run_ddor
    from publish_support import store_series

    store_series(db, data_dir, tmp_path, steps=2)
    result = run_ddor("--db", db_url, "history", "offences", "--format", "json")
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    assert rows and {"category", "first_report", "rows", "reports", "in_vocabulary"} <= set(rows[0])
    assert all(row["rows"] >= row["reports"] >= 1 for row in rows)
