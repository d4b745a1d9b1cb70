"""Faults and abuse: hostile PDFs end inside their limits, nothing is lost between two steps,
source text stays inert, crawls survive lying servers, bad input is one line and exit 2."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import run_ddor
from factories.bad import flate_bomb, operator_bomb, reference_loop, text_object_bomb

# Tight limits keep the suite fast; the defaults (120 s, 768 MB) only allow more of the same.
LIMITS = {"DDOR_PARSE_TIMEOUT": "8", "DDOR_PARSE_MEMORY_MB": "512"}
BOMBS = {"reference loop": reference_loop, "operator bomb": operator_bomb, "flate bomb": flate_bomb,
         "text object bomb": text_object_bomb}


@pytest.fixture(scope="module")
def bombs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("bombs")
    paths = {}
    for name, make in BOMBS.items():
        paths[name] = folder / f"{name.replace(' ', '-')}.pdf"
        paths[name].write_bytes(make())
    return paths


@pytest.mark.parametrize("bomb", sorted(BOMBS))
def test_a_hostile_pdf_is_refused_with_one_line_and_exit_2(bomb: str, bombs: dict[str, Path]) -> None:
    result = run_ddor("parse", str(bombs[bomb]), env=LIMITS, timeout=60)
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"error: {bombs[bomb]}:"), result.stderr


def test_the_reference_loop_is_stopped_by_the_time_limit(bombs: dict[str, Path]) -> None:
    result = run_ddor("parse", str(bombs["reference loop"]), env=LIMITS, timeout=60)
    assert "parsing took longer than 8 s" in result.stderr


def test_reparse_all_runs_in_parallel_workers_and_keeps_archive_order(db, data_dir, report_pdf) -> None:  # type: ignore[no-untyped-def]
    from ddor_watch.db.paths import DataDir
    from ddor_watch.monitor.ingest import ingest_path, reparse_all
    from ddor_watch.scraper.pdf.sandbox import ParseLimits

    paths = [report_pdf(seed)[0] for seed in (11, 12, 13)]
    stored = [ingest_path(db, DataDir(data_dir), path).sha256 for path in paths]
    outcomes = reparse_all(db, ParseLimits(), workers=2)
    assert [sha for sha, _ in outcomes] == stored and {o for _, o in outcomes} == {"reparsed"}
