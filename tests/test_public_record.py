"""The public record says what is true today: a place walked through added, removed, back, its
list's page gone and back again, read on its page and in `ddor history jurisdictions`."""

from __future__ import annotations

import datetime as dt
import html
import os
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

from site_support import CHROMIUM

from ddor_watch.db.history import history
from ddor_watch.monitor.cycle import run_check
from ddor_watch.monitor.samples.list_pages import DOJ_AUGUST_2025, DOJ_PATH, doj_page
from ddor_watch.monitor.samples.newsroom import ReplicaServer, ReplicaSite
from ddor_watch.monitor.site_data import build

T0 = dt.datetime(2025, 8, 5, tzinfo=dt.UTC)


@contextmanager
def reader() -> Iterator[Callable[[Path], str]]:
    """The text a reader sees on a page: Chromium's rendering of its main part (the file's
    text, tags stripped, where Chromium is not installed)."""
    if not os.path.exists(CHROMIUM):
        yield lambda path: re.sub(r"<[^>]+>", "", html.unescape(path.read_text()))
        return
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM)
        page = browser.new_page()

        def read(path: Path) -> str:
            page.goto(path.as_uri())
            return " ".join(page.inner_text("main").split())

        try:
            yield read
        finally:
            browser.close()
WITH_TRENTON = replace(DOJ_AUGUST_2025, cities=(*DOJ_AUGUST_2025.cities, "Trenton City, NJ"))


def test_a_place_reads_as_what_holds_today_at_every_step(config, db, data_dir) -> None:  # type: ignore[no-untyped-def]
    cfg = config.with_overrides(download_delay=0.0, retry_backoff=0.05, download_timeout=5)
    site = ReplicaSite()
    steps = [("baseline", DOJ_AUGUST_2025, None), ("added", WITH_TRENTON, "On DOJ's sanctuary jurisdiction list since"),
             ("removed", DOJ_AUGUST_2025, "Removed from DOJ's sanctuary jurisdiction list on"),
             ("back on the list", WITH_TRENTON, "On DOJ's sanctuary jurisdiction list since"),
             ("page gone", None, "DOJ's sanctuary jurisdiction list: the page went away on"),
             ("page back", WITH_TRENTON, "On DOJ's sanctuary jurisdiction list since")]
    lists_column = {"added": "doj-list: listed since", "removed": "doj-list: removed",
                    "back on the list": "doj-list: listed since", "page gone": "doj-list: page gone",
                    "page back": "doj-list: listed since"}
    with ReplicaServer(site) as server, reader() as read:
        for index, (label, truth, expected) in enumerate(steps):
            if truth is None:
                site.faults[DOJ_PATH] = "status:410"
            else:
                site.faults.pop(DOJ_PATH, None)
                site.pages[DOJ_PATH] = (doj_page(truth), T0 + dt.timedelta(days=index))
            run_check(cfg, db, [f"{server.url}{DOJ_PATH}"], publish=False, only="doj-list")
            if expected is None:
                continue
            text = read(build(cfg, db).folder / "jurisdictions" / "nj-trenton-city.html")
            assert expected in text, label
            assert "Trenton City, NJ, NJ" not in text, "the state once"
            if label == "back on the list":
                assert "Also listed from" in text, "the earlier interval stays in the timeline"
            if label == "page gone":
                assert "On DOJ's" not in text, "nothing reads as listed after the page went away"
            columns, rows = history(db, "jurisdictions")
            trenton = next(r for r in rows if r[columns.index("name")] == "Trenton City")
            assert trenton[-1].startswith(lists_column[label]), (label, trenton[-1])


def test_a_known_report_whose_url_stops_answering_fails_no_check_and_is_said_once(config, db) -> None:  # type: ignore[no-untyped-def]
    from sqlalchemy import select

    from ddor_watch.db.models import Alert
    from ddor_watch.monitor.samples import render_report
    from ddor_watch.monitor.samples.series import series

    cfg = config.with_overrides(download_delay=0.0, retry_backoff=0.05, download_timeout=3)
    site = ReplicaSite()
    name, truth = series()[0]
    site.add_report(name, render_report(truth)[0], "week 1", dt.date(2017, 3, 20))
    with ReplicaServer(site) as server:
        cfg = cfg.with_overrides(start_urls=",".join(server.start_urls), landing_urls=",".join(server.landing_urls))
        assert run_check(cfg, db, publish=False).status == "ok"
        site.faults[site.pdf_path(name)] = "status:404"
        site.log.clear()
        first = run_check(cfg, db, publish=False)
        asked = [entry.path for entry in site.log].count(site.pdf_path(name))
        site.log.clear()
        second = run_check(cfg, db, publish=False)
        asked_again = [entry.path for entry in site.log].count(site.pdf_path(name))
    assert first.status == "ok" and second.status == "ok", "nothing new is wrong"
    assert first.crawl.unreachable and first.crawl.errors == ()
    assert asked == 1 and asked_again == 0, "re-validated on a slower schedule"
    with db.session() as session:
        said = [a.message for a in session.scalars(select(Alert)) if a.problem.startswith("copy-gone:")]
    assert len(said) == 1 and "our archived copy stands" in said[0]


def test_commands_never_delete_or_overwrite_what_is_not_theirs(tmp_path, data_dir) -> None:  # type: ignore[no-untyped-def]
    from conftest import run_ddor

    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "thesis.txt").write_text("years of work")
    demo = run_ddor("demo", "--out", str(mine))
    assert demo.returncode == 2 and "not an earlier demo; not touched" in demo.stderr
    assert demo.stderr.count("\n") == 1
    built = run_ddor("--data-dir", str(data_dir), "site", "build", "-o", str(mine))
    assert built.returncode == 2
    assert (mine / "thesis.txt").read_text() == "years of work"
    picture = tmp_path / "notes.png"
    picture.write_text("not an image")
    drawn = run_ddor("--data-dir", str(data_dir), "map", "-o", str(picture))
    assert drawn.returncode == 2 and "not a PNG image; not overwritten" in drawn.stderr
    assert picture.read_text() == "not an image"


def test_a_report_added_by_the_maintainers_never_shows_a_local_path(config, db, report_pdf) -> None:  # type: ignore[no-untyped-def]
    from ddor_watch.monitor.ingest import ingest_files

    path, _expected = report_pdf(3)
    [outcome] = list(ingest_files(config, db, [path]))
    assert outcome.result is not None and outcome.result.report_id is not None
    site = build(config, db).folder
    page = next((site / "reports").glob("*/index.html")).read_text()
    assert "Added by the maintainers of ddor-watch" in page
    assert "file://" not in page and str(path.parent) not in page


def test_read_only_commands_work_on_a_fresh_install_and_create_nothing(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import json

    from conftest import run_ddor

    fresh = tmp_path / "fresh"
    listed = run_ddor("--data-dir", str(fresh), "sources", "--format", "json")
    assert listed.returncode == 0, listed.stderr
    assert {row["health"] for row in json.loads(listed.stdout) if row["enabled"]} == {"never checked"}
    assert not fresh.exists(), "looking creates nothing"
