"""Running unattended: schedule, locking, signals, health, alerts, configuration, the demo."""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from apscheduler.schedulers.background import BackgroundScheduler
from sqlalchemy import select, update

from conftest import ROOT, run_ddor
from ddor_watch.db.errors import AlreadyRunning
from ddor_watch.db.models import Alert, Delivery, Document, Run
from ddor_watch.db.runs import finish_run, start_run
from ddor_watch.monitor.alerts import alert
from ddor_watch.monitor.config import Settings, env_name, load_config
from ddor_watch.monitor.health import check_overdue, health
from ddor_watch.monitor.lock import cycle_lock
from ddor_watch.monitor.scheduler import build_scheduler, scheduled_check, trigger

NY = ZoneInfo("America/New_York")


def test_default_schedule_is_hourly_on_weekday_office_hours(config) -> None:  # type: ignore[no-untyped-def]
    cron = trigger(config, jitter=False)
    friday_evening = dt.datetime(2026, 11, 27, 20, 30, tzinfo=NY)
    assert cron.get_next_fire_time(None, friday_evening) == dt.datetime(2026, 11, 30, 8, 0, tzinfo=NY)
    morning = dt.datetime(2026, 11, 30, 8, 0, 1, tzinfo=NY)
    assert cron.get_next_fire_time(None, morning) == dt.datetime(2026, 11, 30, 9, 0, tzinfo=NY)


def test_schedule_is_stable_across_the_dst_change(config) -> None:  # type: ignore[no-untyped-def]
    cron = trigger(config, jitter=False)
    before = dt.datetime(2026, 10, 30, 20, 30, tzinfo=NY)   # Friday; DST ends Sunday Nov 1
    fire = cron.get_next_fire_time(None, before)
    assert fire == dt.datetime(2026, 11, 2, 8, 0, tzinfo=NY) and fire.utcoffset() == dt.timedelta(hours=-5)


def test_the_job_coalesces_runs_once_at_a_time_and_tolerates_misfires(config) -> None:  # type: ignore[no-untyped-def]
    scheduler = build_scheduler(config, scheduler_class=BackgroundScheduler)
    scheduler.start(paused=True)
    try:
        (job,) = scheduler.get_jobs()
        assert (job.coalesce, job.max_instances, job.misfire_grace_time) == (True, 1, 3600)
        assert job.trigger.jitter == config.jitter
    finally:
        scheduler.shutdown(wait=False)


def test_a_bad_schedule_is_bad_input(config) -> None:  # type: ignore[no-untyped-def]
    result = run_ddor("status", env={"DDOR_DATA_DIR": str(config.data_dir), "DDOR_SCHEDULE": "every tuesday"})
    assert result.returncode == 2 and "DDOR_SCHEDULE" in result.stderr


def test_two_cycles_never_run_at_once(config, db) -> None:  # type: ignore[no-untyped-def]
    with cycle_lock(config.data):
        with pytest.raises(AlreadyRunning):
            with cycle_lock(config.data):
                pass
        assert scheduled_check(config) == "skipped"
        result = run_ddor("--data-dir", config.data_dir, "check", "--no-publish")
        assert result.returncode == 1 and "another cycle is running" in result.stderr


def test_sigterm_during_a_cycle_finishes_it_cleanly(tmp_path: Path) -> None:
    from ddor_watch.db.session import open_database
    from ddor_watch.monitor.samples.newsroom import ReplicaServer, ReplicaSite
    from ddor_watch.monitor.samples.series import series
    from factories import render_report

    site = ReplicaSite()
    name, truth = series()[0]
    site.add_report(name, render_report(truth)[0], "week 1", dt.date(2017, 3, 20))
    site.faults["/doclib/"] = "slow:2"
    data = tmp_path / "data"
    with ReplicaServer(site) as server:
        env = {**os.environ, "DDOR_DATA_DIR": str(data), "DDOR_START_URLS": server.start_urls[0],
               "DDOR_LANDING_URLS": server.landing_urls[0], "DDOR_DOWNLOAD_DELAY": "0", "DDOR_JITTER": "0",
               "DDOR_SCHEDULE": "0 3 1 1 *"}
        daemon = subprocess.Popen([sys.executable, "-m", "ddor_watch.monitor", "run", "--now"], env=env,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        db_file = data / "ddor.sqlite3"
        deadline = time.time() + 60
        while time.time() < deadline and not site.requests_to("/doclib/"):
            time.sleep(0.1)
        assert site.requests_to("/doclib/"), "the cycle never started"
        daemon.send_signal(signal.SIGTERM)
        _out, err = daemon.communicate(timeout=120)
    assert daemon.returncode == 0, err
    db = open_database(f"sqlite:///{db_file}")
    with db.session() as session:
        runs = list(session.scalars(select(Run)))
        assert runs and all(r.status in {"ok", "failed"} and r.finished_at for r in runs)
        assert len(list(session.scalars(select(Document)))) == 1   # the cycle finished its ingest
    assert b"finishing the running cycle" in err


def test_status_health_rules(config, db) -> None:  # type: ignore[no-untyped-def]
    now = dt.datetime.now(dt.UTC)
    assert not health(config, db, now).healthy
    finish_run(db, start_run(db, "check"), "ok")
    assert health(config, db, now).healthy
    assert not health(config, db, now + dt.timedelta(hours=25)).healthy
    result = run_ddor("--data-dir", config.data_dir, "status", "--format", "json")
    assert result.returncode == 0 and json.loads(result.stdout)["healthy"] is True
    finish_run(db, start_run(db, "check"), "failed", error="HTTP 500")
    verdict = health(config, db, now)
    assert verdict.healthy and any("last check failed" in n for n in verdict.notes)


def test_failed_deliveries_make_status_unhealthy(config, db, data_dir, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from ddor_watch.publish.outbox import enqueue_report
    from publish_support import store_series

    finish_run(db, start_run(db, "check"), "ok")
    enqueue_report(config.data, db, store_series(db, data_dir, tmp_path, 2)[1])
    with db.session() as session:
        session.execute(update(Delivery).values(state="failed"))
    result = run_ddor("--data-dir", config.data_dir, "status")
    assert result.returncode == 1 and "UNHEALTHY" in result.stdout and "failed for good" in result.stdout


def test_alerts_are_sent_once_per_problem_per_day(config, db, data_dir: Path) -> None:  # type: ignore[no-untyped-def]
    day = dt.date(2026, 11, 28)
    assert alert(db, config, "crawl-failing", "three failures", today=day)
    assert not alert(db, config, "crawl-failing", "three failures again", today=day)
    assert alert(db, config, "crawl-failing", "next day", today=day + dt.timedelta(days=1))
    assert len(list((data_dir / "outbox" / "alerts").glob("*.eml"))) == 2


def test_a_quiet_source_raises_one_overdue_alert(config, db, data_dir, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from publish_support import store_series

    store_series(db, data_dir, tmp_path, 1)
    now = dt.datetime.now(dt.UTC)
    assert not check_overdue(config, db, now + dt.timedelta(days=10))
    assert check_overdue(config, db, now + dt.timedelta(days=15))
    check_overdue(config, db, now + dt.timedelta(days=15))
    with db.session() as session:
        alerts = [a for a in session.scalars(select(Alert)) if a.problem.startswith("overdue:")]
    assert len(alerts) == 1 and "possibly suspended" in alerts[0].message


def test_config_show_masks_secrets_and_reads_toml(tmp_path: Path) -> None:
    toml = tmp_path / "ddor.toml"
    toml.write_text('schedule = "0 9 * * mon"\nmax_listing_pages = 5\n')
    result = run_ddor("--config", str(toml), "config", "show",
                      env={"DDOR_X_CONSUMER_SECRET": "supersecretvalue123", "DDOR_DATA_DIR": str(tmp_path)})
    assert result.returncode == 0
    assert "supersecretvalue123" not in result.stdout and "****23" in result.stdout
    assert "0 9 * * mon" in result.stdout and "DDOR_MAX_LISTING_PAGES         5" in result.stdout
    toml.write_text('x_consumer_secret = "nope"\n')
    refused = run_ddor("--config", str(toml), "config", "show")
    assert refused.returncode == 2 and "is a secret" in refused.stderr


def test_every_setting_is_documented_in_the_readme() -> None:
    readme = (ROOT / "README.md").read_text()
    missing = [env_name(name) for name in Settings.model_fields if f"`{env_name(name)}`" not in readme]
    assert missing == []


def test_secrets_never_reach_the_logs(capsys) -> None:  # type: ignore[no-untyped-def]
    import logging

    from ddor_watch.monitor.logs import setup_logging

    setup_logging("json", logging.INFO)
    logging.getLogger("ddor.test").info("login with password=hunter2 and token: abc123")
    line = json.loads(capsys.readouterr().err.strip().splitlines()[-1])
    assert "hunter2" not in line["message"] and "abc123" not in line["message"]


@pytest.mark.slow   # the Quickstart's first command end to end (30 s); `.ci/run` runs it after `make test`
def test_the_demo_runs_offline_and_leaves_its_outputs(tmp_path: Path) -> None:
    out = tmp_path / "demo"
    result = run_ddor("demo", "--out", str(out), timeout=300)
    assert result.returncode == 0, result.stderr
    assert "first report stored" in result.stdout and "correction: revision 2 replaces revision 1" in result.stdout
    assert (out / "data" / "ddor.sqlite3").exists()
    outbox = out / "data" / "outbox"
    for channel in ("x", "mastodon", "bluesky"):
        assert sorted(p.name for p in (outbox / channel).glob("*.txt")) == [
            "list-4-list.txt", "list-5-list.txt", "list-6-agreements.txt", "report-2-report.txt",
            "report-3-report.txt", "report-4-correction.txt"]
        thread = (outbox / channel / "list-6-agreements.txt").read_text()
        assert "4 new agreements since May 16, 2025" in thread
        assert not [name for name in ("Fort Myers", "Hernando", "Gaston", "Cobb") if name in thread]
    for channel in ("x", "mastodon", "bluesky"):
        head = (outbox / channel / "report-2-report.txt").read_text().split("\n---\n")[0]
        assert "tops its list of detainers issued" in head, f"the README's first-post promise on {channel}"
    assert len(list((outbox / "email").glob("*.eml"))) == 6
    # Four report maps (the silent baseline gets one too), the DOJ change's and the 287(g) update's;
    # a page gone has none. The site draws each report's map in Spanish too.
    maps = list((out / "data" / "maps").glob("*.png"))
    english = [m for m in maps if ".es" not in m.suffixes]
    assert len([m for m in english if not m.stem.endswith("-email")]) == 6
    assert len([m for m in english if m.stem.endswith("-email")]) == 6, "each with the digest's lighter copy"
    assert len([m for m in maps if m.name.endswith(".es.png")]) == 4
    assert "in Spanish:" in result.stdout and "Nuevas en la sección II" in result.stdout
    assert "correction, not posted: renamed: Ft. Myers Police Department, FL -> Fort Myers" in result.stdout
    assert "2 MOA links of new agreements followed (1 archived, 1 dead)" in result.stdout
    assert (out / "data" / "site" / "agreements" / "index.html").exists()
    assert "list doj-list: changed: 1 added, 1 removed" in result.stdout
    assert "list dhs-list: gone (HTTP 410)" in result.stdout
    assert (out / "data" / "site" / "index.html").exists() and "Public site" in result.stdout
    history = run_ddor("--data-dir", str(out / "data"), "history", "reports", "--format", "json")
    assert [r["revision"] for r in json.loads(history.stdout)] == [1, 2, 1, 1]


def test_load_config_rejects_non_numbers() -> None:
    from ddor_watch.db.errors import BadInput

    with pytest.raises(BadInput, match="DDOR_MAX_ATTEMPTS"):
        load_config(environ={"DDOR_MAX_ATTEMPTS": "many"}, read_default_file=False)
    assert load_config(environ={}, read_default_file=False).with_overrides(data_dir="x").db_url.endswith(
        "x/ddor.sqlite3")


def test_a_crash_inside_a_cycle_is_a_recorded_failed_run_and_an_alert(config, db, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import ddor_watch.monitor.cycle

    def boom(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise OSError("disk full")

    monkeypatch.setattr(ddor_watch.monitor.cycle, "run_crawl", boom)
    assert scheduled_check(config) == "failed"
    with db.session() as session:
        runs = list(session.scalars(select(Run)))
        assert [(r.status, r.error) for r in runs] == [("failed", "OSError: disk full")]
        assert any(a.problem == "cycle-crashed:OSError" for a in session.scalars(select(Alert)))
