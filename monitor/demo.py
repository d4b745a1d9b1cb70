"""`ddor demo`: the whole pipeline offline, week by week, on a replica newsroom on 127.0.0.1.

Three generated weekly reports and one correction are published on the replica one at a
time; each is found by a real crawl, archived, parsed, stored, diffed and rendered into the
dry-run outbox (posts, images, request JSON, .eml digests) under the demo folder. Then DOJ
and DHS change their lists, and ICE updates its 287(g) workbooks with new agreements and its
own corrections, which are stored and shown but never posted.
"""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from ddor_watch.db.changes import load_changes
from ddor_watch.db.errors import PublishError
from ddor_watch.db.history import history
from ddor_watch.db.lists import latest_list, load_list_changes
from ddor_watch.db.records import CORRECTION_KINDS, FOLLOWED_PART
from ddor_watch.db.session import Database, open_database
from ddor_watch.monitor.config import Settings, load_config
from ddor_watch.monitor.cycle import run_check
from ddor_watch.monitor.describe import describe_change
from ddor_watch.monitor.output import render_rows
from ddor_watch.monitor.overwrite import replaceable_folder
from ddor_watch.monitor.samples import render_report
from ddor_watch.monitor.samples.agreements import PAGE_PATH as AGREEMENTS_PAGE
from ddor_watch.monitor.samples.agreements import Update, demo_updates
from ddor_watch.monitor.samples.agreements import publish as publish_agreements
from ddor_watch.monitor.samples.list_pages import DHS_PATH, DOJ_AUGUST_2025, DOJ_PATH, dhs_page, doj_page
from ddor_watch.monitor.samples.newsroom import ReplicaServer, ReplicaSite
from ddor_watch.monitor.samples.series import series
from ddor_watch.publish.outbox import report_context
from ddor_watch.publish.render import render_post

Echo = Callable[[str], None]


LIST_PUBLISHED = dt.datetime(2025, 8, 5, tzinfo=dt.UTC)


def _agreements_update(config: Settings, db: Database, site: ReplicaSite, base_url: str, update: Update,
                       echo: Echo) -> None:
    """ICE updates its 287(g) workbooks under new file names: new agreements, one ended, a
    pending request signed, and its own corrections (a renamed agency, a state typo fixed, a
    duplicate row removed). A second check follows the new agreements' MOAs."""
    echo("\n== ICE updates its 287(g) workbooks (new agreements, one ended, a request signed; and its own "
         "corrections: an agency re-spelled, a state typo fixed, a duplicate row removed)")
    publish_agreements(site, update, frozenset({"/doclib/moa/harris-4.pdf"}), base_url)
    summary = run_check(config, db, publish=True, dry_run=True)
    for outcome in summary.lists:
        echo(f"list {outcome}")
    stored = latest_list(db, "ice-287g")
    corrections = [c for c in load_list_changes(db, stored.id) if c.kind in CORRECTION_KINDS] if stored else []
    for change in corrections:
        before = f"{change.before.name}, {change.before.state} -> " if change.before else ""
        echo(f"  correction, not posted: {change.kind.removeprefix('agreement_')}: {before}"
             f"{change.entry.name if change.entry else ''}, {change.entry.state if change.entry else ''}")
    for line in summary.published:
        echo(f"publish: {line}")
    followed = run_check(config, db, publish=True, dry_run=True)
    moas = [p for p in followed.crawl.list_pages if p.part == FOLLOWED_PART]
    echo(f"next check: {len(moas)} MOA links of new agreements followed "
         f"({sum(1 for p in moas if p.status == 200)} archived, {sum(1 for p in moas if p.status == 404)} dead)")


DEMO_MARKER = ".ddor-demo"


def run_demo(out: Path, echo: Echo) -> Path:
    # Only an empty folder or an earlier demo is replaced: --out pointing at someone's files
    # is refused before anything is removed.
    replaceable_folder(out, DEMO_MARKER, "an earlier demo", looks_like=("data",) if (out / "data" / "outbox").is_dir()
                       else ())
    if out.exists():
        shutil.rmtree(out)
    data = out / "data"
    data.mkdir(parents=True)
    (out / DEMO_MARKER).write_text("written by `ddor demo`; the next demo may replace this folder\n")
    site = ReplicaSite()
    with ReplicaServer(site) as server:
        # Embedded defaults only: the demo ignores the caller's environment and ddor.toml.
        config = load_config(environ={}, read_default_file=False).with_overrides(
            data_dir=str(data), start_urls=",".join(server.start_urls), landing_urls=",".join(server.landing_urls),
            download_delay=0.0, retry_backoff=0.1, crawl_timeout=120, publish_enabled=False,
            public_url="http://127.0.0.1:8025", sources="ddor,doj-list,dhs-list,ice-287g",
            source_urls=f"doj-list={server.url}{DOJ_PATH},dhs-list={server.url}{DHS_PATH},"
                        f"ice-287g={server.url}{AGREEMENTS_PAGE}")
        db = open_database(config.db_url)
        from ddor_watch.db.subscribers import add_subscriber

        add_subscriber(db, "reader@example.org")
        echo(f"replica newsroom on {server.url}; data in {data}")
        labels = ["week 1 (Jan 28 – Feb 3, 2017)", "week 2 (Feb 4 – 10)", "week 3 (Feb 11 – 17)",
                  "correction of week 1 (same URL, new bytes)"]
        site.pages[DOJ_PATH] = (doj_page(DOJ_AUGUST_2025), LIST_PUBLISHED)
        site.pages[DHS_PATH] = (dhs_page(DOJ_AUGUST_2025), LIST_PUBLISHED)
        first_update, second_update = demo_updates()
        publish_agreements(site, first_update, base_url=server.url)
        week_two: int | None = None
        for step, ((name, truth), label) in enumerate(zip(series(), labels, strict=True)):
            pdf, _ = render_report(truth)
            if step < 3:
                site.add_report(name, pdf, label, dt.date(2017, 3, 20) + dt.timedelta(days=7 * step))
            else:
                site.put_pdf(name, pdf)
            echo(f"\n== ICE publishes {label}")
            summary = run_check(config, db, publish=True, dry_run=True)
            crawl = summary.crawl
            echo(f"crawl: {crawl.requests} requests, {crawl.not_modified} answered 304, "
                 f"{len(crawl.documents)} PDFs downloaded")
            for stored in summary.stored:
                echo(f"stored: {stored.message}")
                if stored.report_id and stored.status.new_report and step == 1:
                    week_two = stored.report_id
                if stored.report_id and stored.status.new_report:
                    for change in load_changes(db, stored.report_id):
                        echo(f"  - {describe_change(change)}")
            for outcome in summary.lists:
                echo(f"list {outcome}")
            for line in summary.published:
                echo(f"publish: {line}")
        echo("\n== DOJ revises its sanctuary jurisdiction list (one city removed, one added); DHS takes its "
             "list down (HTTP 410)")
        site.faults[DHS_PATH] = "status:410"
        revised = DOJ_AUGUST_2025.without("Newark City, NJ")
        revised = replace(revised, cities=(*revised.cities, "Trenton City, NJ"), chrome="Updated August 12, 2025")
        site.pages[DOJ_PATH] = (doj_page(revised), LIST_PUBLISHED + dt.timedelta(days=7))
        summary = run_check(config, db, publish=True, dry_run=True)
        for outcome in summary.lists:
            echo(f"list {outcome}")
        for line in summary.published:
            echo(f"publish: {line}")
        _agreements_update(config, db, site, server.url, second_update, echo)
        echo("\n== Stored history (ddor history reports)")
        echo(render_rows(*history(db, "reports"), "table"))
        if week_two is not None:
            # One deployment can run an account per language (DDOR_X_LANGUAGE=es).
            echo("\n== Week 2 as a Spanish-language X account would post it (DDOR_X_LANGUAGE=es)")
            context = report_context(db, week_two)[3]
            try:
                echo("\n---\n".join(render_post("x", "report", context, "es")))
            except PublishError as error:   # the outbox would hold it; the demo says so
                echo(f"held: {error}")
        db.engine.dispose()
    outbox = data / "outbox"
    thread = next(iter(sorted((outbox / "x").glob("list-*-agreements.txt"))), None)
    if thread is not None:
        echo("\n== What X would post about ICE's 287(g) list (the corrections are not in it)")
        echo(thread.read_text().rstrip())
    echo(f"\nDatabase: {data / 'ddor.sqlite3'}\nMaps: {data / 'maps'}\nDry-run outbox: {outbox}")
    for path in sorted(outbox.rglob("*")):
        if path.is_file():
            echo(f"  {path.relative_to(out)}")
    echo(f"\nPublic site (rebuilt by each check): {config.site_folder}/index.html\n"
         f"  in Spanish: {config.site_folder}/es/index.html\n"
         f"  serve it with subscription: .venv/bin/ddor --data-dir {data} serve   (then open http://127.0.0.1:8025/)")
    return out
