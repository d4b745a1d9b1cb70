"""Sources: the DOJ and DHS jurisdiction lists watched through real crawls of replica pages on
127.0.0.1, stored only when the normalised list changes, with each kind of event."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from ddor_watch.db.lists import latest_list, load_list_changes
from ddor_watch.db.models import Alert, ListSnapshotRow
from ddor_watch.db.records import ListChangeKind, ListLevel
from ddor_watch.monitor.cycle import run_check
from ddor_watch.monitor.samples.list_pages import DHS_PATH, DOJ_AUGUST_2025, DOJ_PATH, dhs_page, doj_page
from ddor_watch.monitor.samples.newsroom import ReplicaServer, ReplicaSite

T0 = dt.datetime(2025, 8, 5, tzinfo=dt.UTC)


@pytest.fixture
def list_config(config):  # type: ignore[no-untyped-def]
    return config.with_overrides(download_delay=0.0, retry_backoff=0.05, download_timeout=3, crawl_timeout=120)


def _publish(site: ReplicaSite, path: str, html: str, when: dt.datetime) -> None:
    site.pages[path] = (html, when)


def _check(config, db, server: ReplicaServer, name: str = "doj-list", path: str = DOJ_PATH):  # type: ignore[no-untyped-def]
    return run_check(config, db, [f"{server.url}{path}"], publish=False, only=name)


# Each list source with its own markup: DOJ's headings over lists, DHS's one table.
LISTS = [pytest.param("doj-list", DOJ_PATH, doj_page, id="doj"), pytest.param("dhs-list", DHS_PATH, dhs_page, id="dhs")]


def _snapshots(db) -> int:  # type: ignore[no-untyped-def]
    with db.session() as session:
        return session.scalar(select(func.count()).select_from(ListSnapshotRow)) or 0


def _alerts(db) -> list[str]:  # type: ignore[no-untyped-def]
    with db.session() as session:
        return [a.problem for a in session.scalars(select(Alert))]


@pytest.mark.parametrize(("name", "path", "page"), LISTS)
def test_a_list_is_a_silent_baseline_then_each_added_and_removed_entry_is_an_event(  # type: ignore[no-untyped-def]
        list_config, db, name, path, page) -> None:
    site = ReplicaSite()
    _publish(site, path, page(DOJ_AUGUST_2025), T0)
    with ReplicaServer(site) as server:
        first = _check(list_config, db, server, name, path)
        assert [str(o) for o in first.lists] == [f"{name}: baseline: 34 entries (0 unmapped)"]
        assert first.status == "ok" and first.crawl.requests <= 2, "robots.txt and the list page"
        baseline = latest_list(db, name)
        assert baseline is not None and [c.kind for c in load_list_changes(db, baseline.id)] == [
            ListChangeKind.BASELINE]
        levels = {e.level for e in baseline.entries}
        assert levels == {ListLevel.STATE, ListLevel.COUNTY, ListLevel.CITY}
        county = next(e for e in baseline.entries if e.name == "Baltimore County, MD")
        assert (county.state, county.fips) == ("MD", "24005")
        nyc = next(e for e in baseline.entries if e.name == "New York City, NY")
        assert nyc.fips is None and nyc.place_id == "5128581" and nyc.latitude is not None
        sf = next(e for e in baseline.entries if e.name == "San Francisco City, CA")
        assert sf.fips == "06075", "a consolidated city-county gets its county FIPS"

        site.arrivals.clear()
        idle = _check(list_config, db, server, name, path)
        assert [str(o) for o in idle.lists] == [f"{name}: unchanged (304)"], "one conditional request"
        assert site.arrivals[path] == 1

        changed = DOJ_AUGUST_2025.without("Boston City, MA")
        changed = type(changed)(changed.states, (*changed.counties, "Nowhere County, ZZ"), changed.cities)
        _publish(site, path, page(changed), T0 + dt.timedelta(days=3))
        second = _check(list_config, db, server, name, path)
    assert [str(o) for o in second.lists] == [f"{name}: changed: 1 added, 1 removed"]
    latest = latest_list(db, name)
    assert latest is not None
    changes = load_list_changes(db, latest.id)
    assert [(c.kind, c.entry.name if c.entry else None) for c in changes] == [
        (ListChangeKind.ADDED, "Nowhere County, ZZ"), (ListChangeKind.REMOVED, "Boston City, MA")]
    unmapped = changes[0].entry
    assert unmapped is not None and unmapped.fips is None and unmapped.place_id is None, "kept, unmapped"
    assert _snapshots(db) == 2


@pytest.mark.parametrize(("name", "path", "page"), LISTS)
def test_a_chrome_only_change_stores_nothing(list_config, db, name, path, page) -> None:  # type: ignore[no-untyped-def]
    site = ReplicaSite()
    _publish(site, path, page(DOJ_AUGUST_2025), T0)
    with ReplicaServer(site) as server:
        _check(list_config, db, server, name, path)
        chrome = type(DOJ_AUGUST_2025)(DOJ_AUGUST_2025.states, DOJ_AUGUST_2025.counties, DOJ_AUGUST_2025.cities,
                                       chrome="Updated September 1, 2025")
        _publish(site, path, page(chrome), T0 + dt.timedelta(days=27))
        again = _check(list_config, db, server, name, path)
    assert [str(o) for o in again.lists] == [f"{name}: unchanged list"]
    assert _snapshots(db) == 1


@pytest.mark.parametrize(("name", "path", "page", "code"), [
    pytest.param("doj-list", DOJ_PATH, doj_page, 404, id="doj-404"),
    pytest.param("dhs-list", DHS_PATH, dhs_page, 410, id="dhs-410")])
def test_a_list_page_gone_and_back_are_events_of_their_own(list_config, db, name, path, page, code) -> None:  # type: ignore[no-untyped-def]
    site = ReplicaSite()
    _publish(site, path, page(DOJ_AUGUST_2025), T0)
    with ReplicaServer(site) as server:
        _check(list_config, db, server, name, path)
        site.faults[path] = f"status:{code}"
        gone = _check(list_config, db, server, name, path)
        again = _check(list_config, db, server, name, path)
        del site.faults[path]
        _publish(site, path, page(DOJ_AUGUST_2025.without("Colorado")), T0 + dt.timedelta(days=4))
        back = _check(list_config, db, server, name, path)
    assert [str(o) for o in gone.lists] == [f"{name}: gone (HTTP {code})"] and gone.status == "ok"
    assert [o.snapshot_id for o in again.lists] == [None], "still gone: nothing new"
    assert [str(o) for o in back.lists] == [f"{name}: changed: 0 added, 1 removed (back after being gone)"]
    latest = latest_list(db, name)
    assert latest is not None
    assert [c.kind for c in load_list_changes(db, latest.id)] == [ListChangeKind.BACK, ListChangeKind.REMOVED]
    assert any(p.startswith(f"list-gone:{name}") for p in _alerts(db))
    assert _snapshots(db) == 3


@pytest.mark.parametrize("body", ["<html><body><main><h1>Sanctuary Jurisdictions</h1><p>This page is being "
                                  "updated.</p></main></body></html>",
                                  "<html><body><main><h2>STATES</h2><ul></ul></main></body></html>"])
def test_a_page_that_answers_without_its_list_is_layout_drift_never_everyone_removed(
        list_config, db, body: str) -> None:  # type: ignore[no-untyped-def]
    site = ReplicaSite()
    _publish(site, DOJ_PATH, doj_page(DOJ_AUGUST_2025), T0)
    with ReplicaServer(site) as server:
        _check(list_config, db, server)
        _publish(site, DOJ_PATH, body, T0 + dt.timedelta(days=1))
        drift = _check(list_config, db, server)
    assert [str(o) for o in drift.lists] == ["doj-list: layout drift"]
    assert _snapshots(db) == 1, "the last list stands"
    assert "layout:list:doj-list" in _alerts(db)


def test_ddor_sources_lists_each_source_and_its_health(list_config, db, db_url, data_dir) -> None:  # type: ignore[no-untyped-def]
    import json

    from conftest import run_ddor

    site = ReplicaSite()
    _publish(site, DOJ_PATH, doj_page(DOJ_AUGUST_2025), T0)
    with ReplicaServer(site) as server:
        _check(list_config, db, server)
    result = run_ddor("--db", db_url, "--data-dir", str(data_dir), "sources", "--format", "json",
                      env={"DDOR_SOURCES": "ddor,doj-list"})
    assert result.returncode == 0, result.stderr
    rows = {row["name"]: row for row in json.loads(result.stdout)}
    assert set(rows) == {"ddor", "doj-list", "dhs-list", "ice-287g"}
    assert rows["doj-list"]["enabled"] and rows["doj-list"]["health"] == "ok"
    assert rows["doj-list"]["last_status"].startswith("baseline")
    assert not rows["dhs-list"]["enabled"] and rows["dhs-list"]["health"] == "disabled"


def test_a_list_change_is_published_with_its_map_to_followers_of_that_source_and_state(  # type: ignore[no-untyped-def]
        list_config, db, data_dir) -> None:
    import json

    from ddor_watch.db.subscribers import add_subscriber
    from ddor_watch.publish.common import LENGTH, LIMITS

    add_subscriber(db, "all@example.org")
    add_subscriber(db, "nj@example.org", states=("NJ",))
    add_subscriber(db, "ddor-only@example.org", sources=("ddor",))
    add_subscriber(db, "ca@example.org", sources=("doj-list",), states=("CA",))
    site = ReplicaSite()
    _publish(site, DOJ_PATH, doj_page(DOJ_AUGUST_2025), T0)
    changed = DOJ_AUGUST_2025.without("Newark City, NJ")
    changed = type(changed)(changed.states, changed.counties, (*changed.cities, "Trenton City, NJ"))
    with ReplicaServer(site) as server:
        url = f"{server.url}{DOJ_PATH}"
        first = run_check(list_config, db, [url], publish=True, dry_run=True, only="doj-list")
        assert not any("list snapshot" in line for line in first.published), "the baseline is silent"
        _publish(site, DOJ_PATH, doj_page(changed), T0 + dt.timedelta(days=2))
        second = run_check(list_config, db, [url], publish=True, dry_run=True, only="doj-list")
    assert any(line.startswith("queued doj-list list snapshot") for line in second.published)
    outbox = data_dir / "outbox"
    thread = (outbox / "x" / "list-2-list.txt").read_text().split("\n\n---\n\n")
    assert thread[0].startswith("DOJ changed its sanctuary jurisdiction list (checked ")
    assert "1 entry added, 1 entry removed" in thread[0] and f"Source: {url}" in thread[0]
    assert thread[1].strip() == "Added to DOJ's sanctuary jurisdiction list:\nTrenton City, NJ (CITIES)"
    assert thread[2].strip() == "Removed from DOJ's sanctuary jurisdiction list:\nNewark City, NJ (CITIES)"
    assert all(LENGTH["x"](part) <= LIMITS["x"] for part in thread)
    assert (outbox / "bluesky" / "list-2-list.png").read_bytes().startswith(b"\x89PNG")
    requests = json.loads((outbox / "x" / "list-2-list.json").read_text())["requests"]
    alt = requests[1]["body"]["metadata"]["alt_text"]["text"]
    assert "Added (1), in dark orange: Trenton City, NJ." in alt and "Removed (1), in blue: Newark City, NJ." in alt
    digests = sorted(p.name for p in (outbox / "email").glob("list-2-list-*.eml"))
    assert digests == ["list-2-list-all_example.org.eml", "list-2-list-nj_example.org.eml"], \
        "only subscribers who follow this source and this state"


def test_a_jurisdictions_history_spans_the_ddor_and_the_lists(list_config, db, data_dir, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from ddor_watch.db.history import history
    from publish_support import store_series

    store_series(db, data_dir, tmp_path, steps=2)
    site = ReplicaSite()
    _publish(site, DOJ_PATH, doj_page(DOJ_AUGUST_2025), T0)
    with ReplicaServer(site) as server:
        _check(list_config, db, server)
    columns, rows = history(db, "jurisdictions")
    assert columns[-2:] == ["section_iii_since", "lists"]
    by_name = {(row[columns.index("name")], row[columns.index("state")]): row for row in rows}
    cook = by_name[("Cook County", "IL")]
    assert cook[-1].startswith("doj-list: listed since 20") and cook[-2] == "2017-02-03"
    assert cook[columns.index("first_listed")] is not None, "in Section II of week 2"
    baltimore = by_name[("Baltimore County", "MD")]   # the state once, not "Baltimore County, MD, MD"
    assert baltimore[columns.index("first_listed")] is None and baltimore[-1].startswith("doj-list: listed since")
    from ddor_watch.monitor.site_data import build

    site_dir = build(list_config, db, data_dir / "site").folder
    cook_page = (site_dir / "jurisdictions" / "17031.html").read_text()
    assert "<strong>On DOJ&#39;s sanctuary jurisdiction list</strong> since " in cook_page
    assert ", as \"Cook County, IL\"." in cook_page
    assert (site_dir / "jurisdictions" / "24005.html").exists(), "a place only a list names gets a page"


def test_a_list_published_as_a_pdf_is_read_by_its_headings_too(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from reportlab.lib.pagesizes import letter
    from reportlab.pdfgen import canvas

    from ddor_watch.scraper.sources import SOURCES

    path = tmp_path / "list.pdf"
    pdf = canvas.Canvas(str(path), pagesize=letter)
    y = 740
    for line in ["Sanctuary Jurisdiction List", "STATES", *DOJ_AUGUST_2025.states, "COUNTIES",
                 *DOJ_AUGUST_2025.counties, "CITIES", *DOJ_AUGUST_2025.cities]:
        if y < 60:
            pdf.showPage()
            y = 740
        pdf.drawString(72, y, line)
        y -= 14
    pdf.save()
    snapshot = SOURCES["doj-list"].parse(path.read_bytes(), "application/pdf", "https://example.gov/list.pdf")
    html = SOURCES["doj-list"].parse(doj_page(DOJ_AUGUST_2025).encode(), "text/html", "https://example.gov/")
    assert [e.key for e in snapshot.entries] == [e.key for e in html.entries]
