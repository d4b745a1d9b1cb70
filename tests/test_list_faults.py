"""List pages that lie, flap or come back, CSV cells that would run, first runs that race and
site builds that die: each found by probing, each a real server, process or file here."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select

from conftest import run_ddor
from ddor_watch.db.csv_text import csv_text
from ddor_watch.db.lists import latest_list, load_list_changes
from ddor_watch.db.models import Alert, ListSnapshotRow, MessageRow
from ddor_watch.db.records import ListChangeKind
from ddor_watch.monitor.cycle import run_check
from ddor_watch.monitor.samples.list_pages import DOJ_AUGUST_2025, DOJ_PATH, doj_page
from ddor_watch.monitor.samples.newsroom import ReplicaServer, ReplicaSite

T0 = dt.datetime(2025, 8, 5, tzinfo=dt.UTC)


@pytest.fixture
def cfg(config):  # type: ignore[no-untyped-def]
    return config.with_overrides(download_delay=0.0, retry_backoff=0.05, download_timeout=5, crawl_timeout=120)


def _check(cfg, db, server: ReplicaServer, publish: bool = True):  # type: ignore[no-untyped-def]
    return run_check(cfg, db, [f"{server.url}{DOJ_PATH}"], publish=publish, dry_run=True, only="doj-list")


def _messages(db) -> list[MessageRow]:  # type: ignore[no-untyped-def]
    with db.session() as session:
        return list(session.scalars(select(MessageRow).order_by(MessageRow.id)))


def test_a_page_nested_too_deep_to_read_whole_is_drift_never_removals(cfg, db) -> None:  # type: ignore[no-untyped-def]
    site = ReplicaSite()
    site.pages[DOJ_PATH] = (doj_page(DOJ_AUGUST_2025), T0)
    deep = "<div>" * 10_000 + "Sanctuary" + "</div>" * 10_000
    with ReplicaServer(site) as server:
        _check(cfg, db, server)
        site.pages[DOJ_PATH] = (doj_page(DOJ_AUGUST_2025).replace("<h2>COUNTIES</h2>", deep + "<h2>COUNTIES</h2>"),
                                T0 + dt.timedelta(days=1))
        outcome = _check(cfg, db, server)
    assert [str(o) for o in outcome.lists] == ["doj-list: layout drift"]
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(ListSnapshotRow)) == 1
        assert any("could not be read whole" in a.message for a in session.scalars(select(Alert)))
    assert _messages(db) == [], "nothing published"


def test_a_flapping_page_posts_its_first_change_and_holds_the_churn(cfg, db) -> None:  # type: ignore[no-untyped-def]
    site = ReplicaSite()
    first, second = doj_page(DOJ_AUGUST_2025), doj_page(DOJ_AUGUST_2025.without("Boston City, MA"))
    site.pages[DOJ_PATH] = (first, T0)
    with ReplicaServer(site) as server:
        _check(cfg, db, server)
        for cycle in range(5):
            site.pages[DOJ_PATH] = (second if cycle % 2 == 0 else first, T0 + dt.timedelta(hours=cycle + 1))
            _check(cfg, db, server)
    messages = _messages(db)
    ready = {m.list_snapshot_id for m in messages if m.status == "ready"}
    held = {m.list_snapshot_id for m in messages if m.status == "held"}
    assert len(ready) == 1 and len(held) == 4, "Boston removed is posted; every revert after it is held"
    assert all("flapping page" in (m.hold_reason or "") for m in messages if m.status == "held")
    with db.session() as session:
        flaps = [a for a in session.scalars(select(Alert)) if "flapping" in a.problem]
    assert len(flaps) == 1, "the maintainers hear of it once"


def test_a_list_back_after_410_with_its_old_content_is_noticed(cfg, db) -> None:  # type: ignore[no-untyped-def]
    site = ReplicaSite()
    site.pages[DOJ_PATH] = (doj_page(DOJ_AUGUST_2025), T0)
    with ReplicaServer(site) as server:
        _check(cfg, db, server)
        site.faults[DOJ_PATH] = "status:410"
        _check(cfg, db, server)
        del site.faults[DOJ_PATH]
        site.log.clear()
        back = _check(cfg, db, server)
    assert [str(o) for o in back.lists] == ["doj-list: changed: 0 added, 0 removed (back after being gone)"]
    asked = next(entry for entry in site.log if entry.path == DOJ_PATH)
    assert "If-None-Match" not in asked.headers, "a page back after a 410 is read whole"
    latest = latest_list(db, "doj-list")
    assert latest is not None and latest.status == "listed"
    assert [c.kind for c in load_list_changes(db, latest.id)] == [ListChangeKind.BACK]


def test_csv_cells_that_would_run_as_formulas_are_neutralised_in_a_real_spreadsheet(tmp_path: Path) -> None:
    hostile = ["=HYPERLINK(\"http://evil.example\",\"click\")", "+1+1", "-2+3", "@SUM(A1)", "\tTab", "Plain"]
    text = csv_text(["cell"], [[value] for value in hostile] + [[-5]])
    assert text.splitlines()[1:] == ["\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"click\"\")\"", "'+1+1", "'-2+3",
                                     "'@SUM(A1)", "'\tTab", "Plain", "-5"]
    soffice = shutil.which("soffice")
    if soffice is None:
        pytest.skip("LibreOffice is not installed")
    source = tmp_path / "cells.csv"
    source.write_text(text)
    subprocess.run([soffice, "--headless", f"-env:UserInstallation=file://{tmp_path}/profile", "--convert-to",
                    "xlsx", "--outdir", str(tmp_path), str(source)], check=True, capture_output=True, timeout=120)
    import openpyxl

    sheet = openpyxl.load_workbook(tmp_path / "cells.xlsx").active
    assert sheet is not None
    cells = [row[0] for row in sheet.iter_rows(min_row=2)]
    assert all(cell.data_type != "f" for cell in cells), "no cell is a formula"
    assert "HYPERLINK" in str(cells[0].value) and cells[1].value != 2


def test_two_first_ever_checks_give_one_winner_and_one_clean_refusal(tmp_path: Path) -> None:
    site = ReplicaSite()
    site.pages[DOJ_PATH] = (doj_page(DOJ_AUGUST_2025), T0)
    data = tmp_path / "fresh"
    with ReplicaServer(site) as server:
        site.faults[DOJ_PATH] = "slow:2"
        command = [sys.executable, "-m", "ddor_watch.monitor", "--data-dir", str(data), "check", "--only", "doj-list",
                   "--source", f"{server.url}{DOJ_PATH}", "--no-publish"]
        env = {"DDOR_DOWNLOAD_DELAY": "0", "PATH": "/usr/bin:/bin"}
        runs = [subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                 env=env) for _ in range(2)]
        results = [(run.wait(timeout=120), run.stderr.read() if run.stderr else "") for run in runs]
    codes = sorted(code for code, _ in results)
    errors = " ".join(err for _, err in results)
    assert codes[0] == 0 and codes[1] != 0, results
    assert "another cycle is running" in errors
    assert "OperationalError" not in errors and "Traceback" not in errors


def test_a_killed_site_build_leaves_nothing_behind_after_the_next(config, db) -> None:  # type: ignore[no-untyped-def]
    from ddor_watch.monitor.site_data import build

    output = config.site_folder
    output.parent.mkdir(parents=True, exist_ok=True)
    stale = output.parent / f".{output.name}.k1ll3d"
    (stale / "reports").mkdir(parents=True)
    (stale / "index.html").write_text("half a site")
    build(config, db)
    assert not stale.exists()
    assert [p.name for p in output.parent.iterdir() if p.name.startswith(f".{output.name}.") and p.is_dir()] == []


def test_cleartext_smtp_logins_are_warned_about(data_dir: Path) -> None:
    env = {"DDOR_SMTP_HOST": "mail.example.org", "DDOR_SMTP_SECURITY": "none", "DDOR_SMTP_USERNAME": "bot",
           "DDOR_SMTP_PASSWORD": "hunter2", "DDOR_DATA_DIR": str(data_dir)}
    shown = run_ddor("config", "show", env=env)
    assert "the SMTP password would go to mail.example.org in clear text" in shown.stdout + shown.stderr
    assert "hunter2" not in shown.stdout + shown.stderr

