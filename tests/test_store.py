"""Storage: idempotent ingest, revisions, quarantine, crashes, concurrency, re-parse, views.

Each test runs on SQLite and, when DDORTEST_DATABASE_URL is set (CI), on PostgreSQL too.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from dataclasses import replace
from pathlib import Path

from sqlalchemy import func, select

from conftest import run_ddor
from ddor_watch.db.models import DeclinedRow, Document, Jurisdiction, PolicyRow, Report, TopRow
from ddor_watch.db.paths import DataDir
from ddor_watch.monitor.ingest import ingest_path, reparse_all
from ddor_watch.scraper.pdf.sandbox import ParseLimits
from factories import make_truth, render_report, style_for_seed
from factories.bad import plain_pdf


def _count(db, model) -> int:  # type: ignore[no-untyped-def]
    with db.session() as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def _rows(db, model):  # type: ignore[no-untyped-def]
    with db.session() as session:
        return [
            {k: v for k, v in row.__dict__.items() if k not in {"_sa_instance_state", "id", "report_id"}}
            for row in session.scalars(select(model).order_by(model.id))
        ]


def test_ingesting_the_same_file_twice_is_a_no_op(db, data_dir: Path, report_pdf) -> None:  # type: ignore[no-untyped-def]
    path, expected = report_pdf(1)
    first = ingest_path(db, DataDir(data_dir), path)
    second = ingest_path(db, DataDir(data_dir), path)
    assert first.status == "stored" and first.revision == 1
    assert second.status == "already_stored"
    assert _count(db, Report) == 1
    assert _count(db, DeclinedRow) == len(expected.declined_detainers)
    archived = data_dir / "archive" / expected.sha256[:2] / f"{expected.sha256}.pdf"
    assert archived.read_bytes() == path.read_bytes()


def test_different_bytes_for_a_stored_period_become_a_new_revision(db, data_dir, tmp_path) -> None:  # type: ignore[no-untyped-def]
    truth = make_truth(2)
    first, _ = render_report(truth, style_for_seed(2))
    corrected, _ = render_report(replace(truth, declined=truth.declined[:-1]), style_for_seed(2))
    (tmp_path / "a.pdf").write_bytes(first)
    (tmp_path / "b.pdf").write_bytes(corrected)
    one = ingest_path(db, DataDir(data_dir), tmp_path / "a.pdf")
    two = ingest_path(db, DataDir(data_dir), tmp_path / "b.pdf")
    assert (one.revision, two.revision, two.status) == (1, 2, "revision")
    with db.session() as session:
        counts = {r.revision: r.declined_total for r in session.scalars(select(Report))}
    assert counts == {1: len(truth.declined), 2: len(truth.declined) - 1}


def test_a_fetched_document_that_does_not_parse_is_quarantined_with_no_rows(db, data_dir) -> None:  # type: ignore[no-untyped-def]
    import datetime as dt

    from ddor_watch.db.archive import archive_bytes
    from ddor_watch.db.records import FetchedDocument
    from ddor_watch.monitor.ingest import ingest_fetched
    from ddor_watch.scraper.pdf.sandbox import ParseLimits

    sha256, path, size = archive_bytes(DataDir(data_dir), plain_pdf(["An unrelated press release"]))
    fetched = FetchedDocument("https://www.ice.gov/doclib/ddor/x.pdf", sha256, str(path), None, None,
                              dt.datetime.now(dt.UTC), size)
    result = ingest_fetched(db, fetched, ParseLimits())
    assert result.status == "quarantined" and "not a DDOR" in result.message
    with db.session() as session:
        document = session.scalar(select(Document))
        assert document.status == "quarantined" and "not a DDOR" in document.error
    assert _count(db, Report) == _count(db, DeclinedRow) == 0
    assert (data_dir / "archive").exists()


def test_cli_ingest_keeps_going_after_a_bad_file_and_exits_2(db_url, data_dir, tmp_path, report_pdf) -> None:  # type: ignore[no-untyped-def]
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(plain_pdf(["Nothing"]))
    good, _ = report_pdf(3)
    result = run_ddor("--db", db_url, "--data-dir", str(data_dir), "ingest", str(bad), str(good))
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [f"error: {bad}: no Section II (declined detainers) table found; "
                                                  "not a DDOR"]
    assert "stored 2017-01-28 to 2017-02-03 revision 1" in result.stdout
    listing = run_ddor("--db", db_url, "--data-dir", str(data_dir), "history", "reports", "--format", "json")
    reports = json.loads(listing.stdout)
    assert {r["status"] for r in reports} == {"ok"}, "a maintainer's own file is refused, not quarantined"
    ok = next(r for r in reports if r["status"] == "ok")
    for key in ("period_start", "period_end", "revision", "sha256", "declined_detainers",
                "top_jurisdictions", "policies", "status"):
        assert key in ok
    assert ok["top_jurisdictions"] == 10
    assert ok["words_total"] > 0 and ok["words_unplaced"] == 0


_KILL_MID_INGEST = textwrap.dedent("""
    import os, signal, sys
    from pathlib import Path
    import ddor_watch.db.store as store
    from ddor_watch.db.session import open_database
    from ddor_watch.db.paths import DataDir
    from ddor_watch.monitor.ingest import ingest_path
    def die(*args, **kwargs):
        os.kill(os.getpid(), signal.SIGKILL)   # rows are flushed, the transaction is open
    store._update_jurisdictions = die
    ingest_path(open_database(sys.argv[1]), DataDir(Path(sys.argv[2])), Path(sys.argv[3]))
""")


def test_a_process_killed_mid_ingest_leaves_nothing_half_written(db, db_url, data_dir, report_pdf) -> None:  # type: ignore[no-untyped-def]
    path, expected = report_pdf(4)
    child = subprocess.run([sys.executable, "-c", _KILL_MID_INGEST, db_url, str(data_dir), str(path)],
                           capture_output=True, timeout=120)
    assert child.returncode == -9
    assert _count(db, Document) == _count(db, Report) == _count(db, DeclinedRow) == 0
    result = ingest_path(db, DataDir(data_dir), path)
    assert result.status == "stored"
    assert _count(db, DeclinedRow) == len(expected.declined_detainers)


def test_two_processes_ingesting_the_same_file_store_it_once(db, db_url, data_dir, report_pdf) -> None:  # type: ignore[no-untyped-def]
    path, _ = report_pdf(5)
    command = [sys.executable, "-m", "ddor_watch.monitor", "--db", db_url, "--data-dir", str(data_dir),
               "ingest", str(path)]
    children = [subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE) for _ in range(2)]
    outputs = [child.communicate(timeout=180) for child in children]
    assert [child.returncode for child in children] == [0, 0], outputs
    assert _count(db, Document) == 1 and _count(db, Report) == 1


def test_reparse_all_reproduces_the_same_rows(db, data_dir, report_pdf) -> None:  # type: ignore[no-untyped-def]
    for seed in (6, 7):
        ingest_path(db, DataDir(data_dir), report_pdf(seed)[0])
    before = {m: _rows(db, m) for m in (TopRow, DeclinedRow, PolicyRow)}
    outcomes = reparse_all(db, ParseLimits(), workers=2)
    assert [o for _, o in outcomes] == ["reparsed", "reparsed"]
    after = {m: _rows(db, m) for m in (TopRow, DeclinedRow, PolicyRow)}
    for model in before:
        assert [_strip_ids(r) for r in before[model]] == [_strip_ids(r) for r in after[model]]


def _strip_ids(row: dict) -> dict:
    return {k: v for k, v in row.items() if not k.endswith("_id")}


def test_jurisdictions_record_first_and_last_report_listed(db, data_dir, tmp_path) -> None:  # type: ignore[no-untyped-def]
    import datetime as dt

    counties = (("Travis County", "TX", "48453"),)
    week1 = make_truth(1, rows=3, counties=counties)
    week2 = make_truth(2, rows=3, counties=counties, period_start=dt.date(2017, 2, 4))
    for name, truth in (("w2.pdf", week2), ("w1.pdf", week1)):  # out of order on purpose
        (tmp_path / name).write_bytes(render_report(truth)[0])
        ingest_path(db, DataDir(data_dir), tmp_path / name)
    with db.session() as session:
        place = session.scalar(select(Jurisdiction).where(Jurisdiction.key == "48453"))
        first = session.get(Report, place.first_report_id)
        last = session.get(Report, place.last_report_id)
        assert (first.period_end, last.period_end) == (dt.date(2017, 2, 3), dt.date(2017, 2, 10))


def test_history_views_answer(db, data_dir, report_pdf) -> None:  # type: ignore[no-untyped-def]
    from ddor_watch.db.history import history

    ingest_path(db, DataDir(data_dir), report_pdf(8)[0])
    for what in ("reports", "top10", "jurisdictions"):
        columns, rows = history(db, what)
        assert columns and rows, what
    columns, rows = history(db, "top10")
    assert [row[columns.index("rank")] for row in rows] == list(range(1, 11))


def test_cli_reparse_all_reports_each_document(db, db_url, data_dir, report_pdf) -> None:  # type: ignore[no-untyped-def]
    ingest_path(db, DataDir(data_dir), report_pdf(9)[0])
    result = run_ddor("--db", db_url, "--data-dir", str(data_dir), "ingest", "--reparse-all")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().endswith("reparsed")
