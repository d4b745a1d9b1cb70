"""ICE's 287(g) list watched through real crawls of a replica page and generated workbooks on
127.0.0.1: the exact events of each update, corrections kept out of posts, idle checks that
download no workbook, and every bad input ending as one alert with nothing stored."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import replace

import pytest
from sqlalchemy import func, select

from conftest import run_ddor
from ddor_watch.db.lists import latest_list, load_list_changes
from ddor_watch.db.models import Alert, ListSnapshotRow, MessageRow
from ddor_watch.db.records import ListChangeKind
from ddor_watch.db.subscribers import add_subscriber
from ddor_watch.monitor.cycle import run_check
from ddor_watch.monitor.samples.agreements import (
    DOCLIB,
    PAGE_PATH,
    XLSX,
    demo_updates,
    file_paths,
    publish,
)
from ddor_watch.monitor.samples.list_pages import DOJ_AUGUST_2025, DOJ_PATH, doj_page
from ddor_watch.monitor.samples.newsroom import ReplicaServer, ReplicaSite

K = ListChangeKind
FIRST, SECOND = demo_updates()
CORRECTED_NAMES = ("Ft. Myers", "Fort Myers", "Hernado", "Hernando", "Gaston", "Cobb")


@pytest.fixture
def cfg(config):  # type: ignore[no-untyped-def]
    return config.with_overrides(download_delay=0.0, retry_backoff=0.05, download_timeout=5, crawl_timeout=120,
                                 sources="ice-287g")


def _check(cfg, db, server: ReplicaServer, publish_: bool = True):  # type: ignore[no-untyped-def]
    return run_check(cfg, db, [f"{server.url}{PAGE_PATH}"], publish=publish_, dry_run=True, only="ice-287g")


def _snapshots(db) -> int:  # type: ignore[no-untyped-def]
    with db.session() as session:
        return session.scalar(select(func.count()).select_from(ListSnapshotRow)) or 0


def _messages(db) -> list[MessageRow]:  # type: ignore[no-untyped-def]
    with db.session() as session:
        return list(session.scalars(select(MessageRow).order_by(MessageRow.id)))


def _alerts(db) -> list[str]:  # type: ignore[no-untyped-def]
    with db.session() as session:
        return [a.message for a in session.scalars(select(Alert))]


def _events(db) -> list[tuple[str, str, str | None]]:  # type: ignore[no-untyped-def]
    stored = latest_list(db, "ice-287g")
    assert stored is not None
    return [(str(c.kind), c.entry.name if c.entry else "", c.before.name if c.before else None)
            for c in load_list_changes(db, stored.id)]


def test_an_update_gives_its_exact_events_and_no_correction_reaches_a_post(cfg, db) -> None:  # type: ignore[no-untyped-def]
    add_subscriber(db, "reader@example.org")
    site = ReplicaSite()
    publish(site, FIRST)
    with ReplicaServer(site) as server:
        first = _check(cfg, db, server)
        assert [str(o) for o in first.lists] == ["ice-287g: baseline: 15 entries (3 unmapped)"]
        assert _messages(db) == [], "the first reading is a silent baseline"

        site.log.clear()
        idle = _check(cfg, db, server)
        assert [str(o) for o in idle.lists] == ["ice-287g: unchanged (304)"]
        served = [(entry.path, entry.status) for entry in site.log]
        assert sorted(served) == sorted([("/robots.txt", 200), (PAGE_PATH, 304), *((p, 304) for p in
                                                                                  file_paths(FIRST.stamp))])

        publish(site, SECOND, frozenset({"/doclib/moa/harris-4.pdf"}), server.url)
        second = _check(cfg, db, server)
        followed = _check(cfg, db, server)    # the new agreements' MOAs are followed by the next check
    assert second.status == "ok" and followed.status == "ok", "a dead MOA link fails no check"
    assert _events(db) == [
        (K.ADDED, "Harris County Constable Precinct 4", None),
        (K.ADDED, "Collier County Sheriff's Office", None),
        (K.ADDED, "Martin County Sheriff's Office", None),
        (K.ADDED, "Midland County Sheriff's Office", None),
        (K.REMOVED, "Tulsa County Sheriff's Office", None),
        (K.RENAMED, "Fort Myers Police Department", "Ft. Myers Police Department"),
        (K.RENAMED, "Hernando County Sheriff's Office", "Hernado County Sheriff's Office"),
        (K.RENAMED, "Gaston County Sheriff's Office", "Gaston County Sheriff's Office"),
        (K.MOA_PUBLISHED, "Polk County Sheriff's Office", "Polk County Sheriff's Office"),
        (K.DUPLICATE_REMOVED, "Cobb County Sheriff's Office", None),
        (K.ADDED, "Natrona County Sheriff's Office", None),
        (K.SIGNED, "Harris County Constable Precinct 4", "Harris County Constable Precinct 4"),
    ]
    messages = _messages(db)
    posts = [m for m in messages if m.channel != "email"]
    assert {m.channel for m in posts} == {"x", "mastodon", "bluesky"} and all(m.status == "ready" for m in messages)
    for post in posts:
        text = "\n".join(post.parts)
        assert "4 new agreements since May 16, 2025 (FL 2, TX 2); 1 no longer listed" in post.parts[0]
        assert "Tulsa County Sheriff's Office, OK" in text and "Collier County" in text
        assert not [name for name in CORRECTED_NAMES if name in text], "a correction reached a post"
    digest = next(m for m in messages if m.channel == "email")
    body = digest.parts[0]
    assert "ICE'S CORRECTIONS OF ITS OWN LIST" in body
    assert "- renamed: Ft. Myers Police Department, FL -> Fort Myers Police Department, FL" in body
    assert "- state corrected: Gaston County Sheriff's Office, SC -> Gaston County Sheriff's Office, NC" in body
    assert "- duplicate row removed: Cobb County Sheriff's Office, GA" in body
    assert "NO LONGER LISTED (1)" in body and "Tulsa County" in body
    _the_site_states_what_holds_today(cfg.site_folder)


def _the_site_states_what_holds_today(site_dir) -> None:  # type: ignore[no-untyped-def]
    agreements = site_dir / "agreements"
    index = (agreements / "index.html").read_text()
    assert "<strong>14 agreements</strong> with 13 agencies, and 3 pending requests" in index
    fort_myers = (agreements / "fl-fort-myers-police-department.html").read_text()
    assert "On ICE's 287(g) list today" in fort_myers
    assert "renamed by ICE (a correction, not a new agreement) (participating, Task Force Model); ICE printed it " \
           "before as \"Ft. Myers Police Department, FL\"" in fort_myers
    tulsa = (agreements / "ok-tulsa-county-sheriff-s-office.html").read_text()
    assert "No longer on ICE's 287(g) list</strong> since" in tulsa and "today" not in tulsa
    polk = (agreements / "fl-polk-county-sheriff-s-office.html").read_text()
    assert "our archived copy</a> (SHA-256" in polk
    harris = (agreements / "tx-harris-county-constable-precinct-4.html").read_text()
    assert "ICE's link answered HTTP 404 when ddor-watch followed it" in harris
    corrections = (agreements / "corrections.html").read_text()
    assert "Gaston County Sheriff&#39;s Office, SC\" now reads \"Gaston County Sheriff&#39;s Office, NC" \
        in corrections
    events = json.loads((agreements / "events.json").read_text())
    assert [e["kind"] for e in events].count("list_entry_removed") == 1
    assert (site_dir / "feeds" / "agreements" / "FL.atom").is_file()


def test_an_update_of_corrections_only_is_never_posted(cfg, db) -> None:  # type: ignore[no-untyped-def]
    add_subscriber(db, "reader@example.org")
    site = ReplicaSite()
    publish(site, FIRST)
    rows = list(FIRST.participating)
    rows[2] = replace(rows[2], agency="City of Fort Myers Police Department")
    corrected = replace(FIRST, participating=tuple(rows), stamp="05202025am",
                        published=FIRST.published + dt.timedelta(days=4))
    with ReplicaServer(site) as server:
        _check(cfg, db, server)
        publish(site, corrected)
        outcome = _check(cfg, db, server)
    assert [str(o) for o in outcome.lists] == ["ice-287g: changed: 0 added, 0 removed, 1 renamed"]
    assert [m.channel for m in _messages(db)] == ["email"], "a digest, no post"


def test_the_same_workbooks_under_new_names_store_nothing(cfg, db) -> None:  # type: ignore[no-untyped-def]
    site = ReplicaSite()
    publish(site, FIRST)
    with ReplicaServer(site) as server:
        _check(cfg, db, server)
        publish(site, replace(FIRST, stamp="05172025pm", published=FIRST.published + dt.timedelta(days=1)))
        outcome = _check(cfg, db, server)
        site.log.clear()
        idle = _check(cfg, db, server)
    assert [str(o) for o in outcome.lists] == ["ice-287g: unchanged list"]
    assert _snapshots(db) == 1
    assert [str(o) for o in idle.lists] == ["ice-287g: unchanged (304)"]
    assert {e.path for e in site.log} >= set(file_paths("05172025pm")), "the new names are the ones re-checked"


def test_rows_the_reader_cannot_place_hold_the_update(cfg, db) -> None:  # type: ignore[no-untyped-def]
    site = ReplicaSite()
    publish(site, FIRST)
    broken = replace(SECOND, participating=(*SECOND.participating[:-1],
                                            replace(SECOND.participating[-1], printed_state="TEXUS")))
    with ReplicaServer(site) as server:
        _check(cfg, db, server)
        publish(site, broken)
        outcome = _check(cfg, db, server)
    assert str(outcome.lists[0]).endswith("(held)")
    assert {m.status for m in _messages(db)} == {"held"}
    assert any("TEXUS" in problem for problem in _alerts(db))


def test_a_large_drop_is_held_whatever_its_cause(cfg, db) -> None:  # type: ignore[no-untyped-def]
    site = ReplicaSite()
    publish(site, FIRST)
    with ReplicaServer(site) as server:
        _check(cfg, db, server)
        publish(site, replace(SECOND, participating=SECOND.participating[:5]))
        _check(cfg, db, server)
    messages = _messages(db)
    assert messages and {m.status for m in messages} == {"held"}
    assert "removed in one update, more than 20%" in (messages[0].hold_reason or "")


def _bad(kind: str, site: ReplicaSite) -> None:
    participating, pending = file_paths(SECOND.stamp)
    publish(site, SECOND)
    if kind == "no-workbook-link":
        site.pages[PAGE_PATH] = ("<html><body><main><h1>287(g)</h1><p>Lists are being updated.</p></main>"
                                 "</body></html>", SECOND.published)
    elif kind == "html-as-xlsx":
        site.files[participating] = (b"<!DOCTYPE html><html><body>Maintenance</body></html>", XLSX,
                                     SECOND.published)
    elif kind == "password-protected":
        site.files[participating] = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 8000, XLSX, SECOND.published)
    elif kind == "zip-bomb":
        import io
        import zipfile

        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (100 * 2**20))
        site.files[participating] = (out.getvalue(), XLSX, SECOND.published)
    elif kind == "100k-rows":
        from ddor_watch.monitor.samples.agreements import workbook

        site.files[participating] = (workbook(SECOND.participating * 6_700), XLSX, SECOND.published)
    elif kind == "too-large":
        site.files[participating] = (b"PK\x03\x04" + b"\0" * (3 * 2**20), XLSX, SECOND.published)
    elif kind == "workbook-404":
        del site.files[pending]


@pytest.mark.parametrize("kind", ["no-workbook-link", "html-as-xlsx", "password-protected", "zip-bomb",
                                  "100k-rows", "too-large", "workbook-404"])
def test_bad_input_is_one_alert_with_nothing_stored_and_other_sources_unaffected(cfg, db, kind) -> None:  # type: ignore[no-untyped-def]
    limit = (2 if kind == "too-large" else 50) * 2**20
    both = cfg.with_overrides(sources="ice-287g,doj-list", download_max_bytes=limit)
    site = ReplicaSite()
    publish(site, FIRST)
    with ReplicaServer(site) as server:
        both = both.with_overrides(source_urls=f"ice-287g={server.url}{PAGE_PATH},doj-list={server.url}{DOJ_PATH}")
        run_check(both, db, publish=False)
        site.pages[DOJ_PATH] = (doj_page(DOJ_AUGUST_2025), FIRST.published)
        _bad(kind, site)
        outcome = run_check(both, db, publish=False)
    statuses = {o.source: o.status for o in outcome.lists}
    assert statuses["doj-list"].startswith("baseline"), "the other source is read all the same"
    stored = latest_list(db, "ice-287g")
    assert stored is not None and len(load_list_changes(db, stored.id)) == 1, "only the baseline is stored"
    if kind == "too-large":
        assert statuses["ice-287g"].startswith("incomplete") and any("byte limit" in e for e in outcome.crawl.errors)
    else:
        assert statuses["ice-287g"] == "layout drift"
        assert len([a for a in _alerts(db) if "Layout drift" in a]) == 1


def test_the_command_line_runs_one_source_and_shows_the_history(cfg, db, db_url, data_dir) -> None:  # type: ignore[no-untyped-def]
    site = ReplicaSite()
    publish(site, FIRST)
    with ReplicaServer(site) as server:
        _check(cfg, db, server, publish_=False)
        publish(site, SECOND)
        env = {"DDOR_DOWNLOAD_DELAY": "0", "DDOR_SOURCES": "ddor"}
        result = run_ddor("--db", db_url, "--data-dir", str(data_dir), "check", "--only", "ice-287g", "--source",
                          f"{server.url}{PAGE_PATH}", "--dry-run", env=env)
    assert result.returncode == 0, result.stderr
    assert "ice-287g: changed: 5 added, 1 removed, 3 renamed" in result.stdout
    agreements = json.loads(run_ddor("--db", db_url, "history", "agreements", "--state", "FL", "--format",
                                     "json").stdout)
    assert {row["agency"] for row in agreements} >= {"Fort Myers Police Department", "Collier County Sheriff's Office"}
    fort_myers = next(row for row in agreements if row["agency"] == "Fort Myers Police Department")
    assert fort_myers["signed"] == "2025-04-02" and fort_myers["list"] == "participating"
    events = json.loads(run_ddor("--db", db_url, "history", "list-changes", "--source", "ice-287g", "--format",
                                 "json").stdout)
    renamed = [e for e in events if e["kind"] == "agreement_renamed"]
    assert {(e["before_name"], e["name"]) for e in renamed} >= {("Ft. Myers Police Department",
                                                                 "Fort Myers Police Department")}
    assert {"source", "list", "kind", "state", "name", "support_type", "signed", "fetched_at", "before_name",
            "before_state"} <= set(events[0])
    assert DOCLIB  # the replica's workbooks live where ICE's do
