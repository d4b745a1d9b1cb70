"""One cycle: crawl ▸ ingest ▸ diff ▸ enqueue ▸ publish, recorded as a run.

The only place that wires rooms together. A failed crawl is a recorded run with its error
(and an alert when failures repeat), never a crash of the daemon.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from dataclasses import dataclass, field

from ddor_watch.db.lists import GONE, known_documents, latest_list_statuses, links_to_follow
from ddor_watch.db.records import FOLLOWED_PART, CrawlResult
from ddor_watch.db.runs import (
    abandon_stale_runs,
    alerted_before,
    finish_run,
    known_urls,
    save_url_states,
    start_run,
)
from ddor_watch.db.session import Database
from ddor_watch.db.store import StoreResult, StoreStatus, count_reports
from ddor_watch.monitor.alerts import alert
from ddor_watch.monitor.config import Settings, parse_limits
from ddor_watch.monitor.ingest import ingest_fetched
from ddor_watch.monitor.list_checks import ListOutcome, process_list_pages
from ddor_watch.monitor.lock import cycle_lock
from ddor_watch.scraper.crawl import run_crawl
from ddor_watch.scraper.job import CrawlJob
from ddor_watch.scraper.sources import SOURCES, SourceKind

logger = logging.getLogger(__name__)

# How many failed checks in a row before maintainers hear about it.
CRAWL_FAILURES_BEFORE_ALERT = 3
# Retries of one request (429, 5xx, timeouts) within a crawl, with exponential backoff.
CRAWL_RETRIES = 3
# How often a known document that stopped answering is asked again.
UNREACHABLE_RECHECK = dt.timedelta(hours=24)


@dataclass
class CheckSummary:
    run_id: int
    crawl: CrawlResult
    stored: list[StoreResult] = field(default_factory=list)
    published: list[str] = field(default_factory=list)
    status: str = "ok"
    lists: list[ListOutcome] = field(default_factory=list)

    @property
    def new_reports(self) -> list[StoreResult]:
        return [s for s in self.stored if s.status.new_report]


def crawl_job(config: Settings, sources: list[str] | None, db: Database,
              retry_backoff: float | None = None, only: str | None = None) -> CrawlJob:
    """The crawl room's slice of the settings: the report newsroom and landing pages, and the
    start page of each enabled list source. `only` runs one source; `sources` (`--source URL`)
    replace its start pages (for the reports: read as listings, without the landing-page canary)."""
    enabled = (only,) if only else config.sources
    reports = any(SOURCES[name].kind is SourceKind.DDOR_REPORT for name in enabled)
    replaced = tuple(sources) if sources else ()
    list_pages = tuple((name, url) for name in enabled if SOURCES[name].kind is not SourceKind.DDOR_REPORT
                       for url in (replaced if only == name and replaced else config.start_pages(name)))
    watched = tuple(dict.fromkeys(name for name, _url in list_pages))
    documents = known_documents(db)
    statuses = latest_list_statuses(db)
    # A page is read whole, its validators dropped, when it was gone at the last check (a 304
    # would hide its return) or when the documents it links are not known (a 304 would leave
    # nothing to re-check).
    reread = {url for name, url in list_pages
              if statuses.get(name) == GONE or (SOURCES[name].documents and not documents.get(name))}
    # A known document that stopped answering is re-validated once a day, not every check.
    day_ago = (dt.datetime.now(dt.UTC) - UNREACHABLE_RECHECK).isoformat()
    known = tuple(k for k in known_urls(db) if k.url not in reread
                  and not (k.kind == "pdf" and k.status not in (None, 200, 304) and (k.checked_at or "") > day_ago))
    return CrawlJob(
        start_urls=(replaced or config.start_urls) if reports else (),
        landing_urls=(() if replaced else config.landing_urls) if reports else (),
        link_patterns=config.link_patterns, link_text_pattern=config.link_text_pattern,
        data_dir=str(config.data_dir), max_listing_pages=config.max_listing_pages, user_agent=config.user_agent,
        download_max_bytes=config.download_max_bytes, download_timeout=config.download_timeout,
        download_delay=config.download_delay, retries=CRAWL_RETRIES, retry_after_max=config.retry_after_max,
        max_links_per_page=config.max_links_per_page,
        retry_backoff=config.retry_backoff if retry_backoff is None else retry_backoff,
        # Known report PDFs are re-checked only when the reports are watched in this run.
        known=known if reports else tuple(k for k in known if k.kind != "pdf"), list_pages=list_pages,
        list_documents=tuple((name, part, url) for name in watched for part, url in documents.get(name, {}).items()),
        followed_links=tuple((name, url) for name in watched if SOURCES[name].follow_entry_links
                             for url in links_to_follow(db, name, config.follow_per_check)))


def _landing_moved(config: Settings, db: Database, crawl: CrawlResult, errors: list[str]) -> list[str]:
    """A configured landing page that fails or links nothing, while the newsroom route found
    the reports on another page: the page moved. Say so once, with the new address, and do not
    count the old address's failure against the check (the reports were found)."""
    if not crawl.discovered_landing_pages:
        return errors
    new = crawl.discovered_landing_pages[0]
    failed = {url for url, _status in crawl.http_errors}
    old = [url for url in config.landing_urls if url in crawl.empty_landing_pages or url in failed]
    if not old:
        return errors
    if not alerted_before(db, f"landing-moved:{new}"):
        alert(db, config, f"landing-moved:{new}",
              f"The report landing page moved: {', '.join(old)} no longer lists the reports; the newsroom "
              f"route found them on {new}. Set DDOR_LANDING_URLS={new}.")
    moved = {f"{url}: HTTP {status}" for url, status in crawl.http_errors if url in old}
    return [e for e in errors if e not in moved]


def _rebuild_site(config: Settings, db: Database) -> list[str]:
    """The public site follows every new report and list change; a failed build keeps the old
    site and says so (the returned error fails the check)."""
    from ddor_watch.monitor.site_data import build

    try:
        build(config, db)
    except Exception as error:  # a degradation boundary: the report is stored and published all the same
        logger.error("site build failed: %s", error, exc_info=True)
        alert(db, config, "site-build", f"The public site could not be rebuilt ({type(error).__name__}: {error}); "
                                        f"the previous site is still served.")
        return [f"site build failed: {type(error).__name__}: {error}"]
    return []


def _consecutive_failures(db: Database) -> int:
    from ddor_watch.db.runs import recent_runs

    count = 0
    for run in recent_runs(db, CRAWL_FAILURES_BEFORE_ALERT + 1, kind="check"):
        if run.status != "failed":
            break
        count += 1
    return count


def run_check(config: Settings, db: Database, sources: list[str] | None = None, publish: bool = True,
              dry_run: bool | None = None, only: str | None = None,
              stop: threading.Event | None = None) -> CheckSummary:
    """One full cycle under the cycle lock; `stop` (a daemon asked to stop) cuts the crawl short."""
    with cycle_lock(config.data):
        # Holding the lock, no other cycle is running: a 'running' run is a dead one's.
        abandon_stale_runs(db)
        run_id = start_run(db, "check")
        try:
            return _cycle(config, db, run_id, sources, publish, dry_run, only, stop)
        except BaseException as error:
            # Whatever stopped the cycle (a bug, a full disk, a signal), the run log says so.
            finish_run(db, run_id, "failed", error=f"{type(error).__name__}: {error}"[:4000])
            raise


def _cycle(config: Settings, db: Database, run_id: int, sources: list[str] | None, publish: bool,
           dry_run: bool | None, only: str | None = None, stop: threading.Event | None = None) -> CheckSummary:
    backfill = count_reports(db) == 0
    crawl = run_crawl(crawl_job(config, sources, db, only=only), timeout=config.crawl_timeout, stop=stop)
    save_url_states(db, crawl.url_states)
    summary = CheckSummary(run_id, crawl)
    summary.lists = process_list_pages(config, db, crawl.list_pages)
    # The check fails on crawl errors (a moved landing page's 404 is not one) or a failed site
    # build; a quarantined document is reported and alerted but fails nothing.
    failures = _landing_moved(config, db, crawl, list(crawl.errors))
    errors = list(failures)
    for document in crawl.documents:
        result = ingest_fetched(db, document, parse_limits(config), backfill=backfill)
        summary.stored.append(result)
        if result.status is StoreStatus.QUARANTINED:
            errors.append(f"{document.url}: quarantined: {result.message}")
            alert(db, config, f"quarantined:{result.sha256[:16]}",
                  f"A document from {document.url} was quarantined: {result.message}")
    for url, answer in crawl.unreachable:
        if not alerted_before(db, f"copy-gone:{url}"):
            alert(db, config, f"copy-gone:{url}", f"ICE's copy of {url} no longer answers ({answer}); "
                  "our archived copy stands and the site links it. Checked again once a day.")
    for page in crawl.empty_landing_pages:
        alert(db, config, f"layout:{page}", f"Layout drift: the landing page {page} links no report any more.")
    if publish:
        # Every cycle also retries what is due from earlier ones (rate limits, outages).
        from ddor_watch.monitor.dispatch import publish_new_reports

        summary.published = publish_new_reports(config, db, [s.report_id for s in summary.new_reports
                                                             if s.report_id], dry_run=dry_run)
    followed = any(page.part == FOLLOWED_PART and page.status for page in crawl.list_pages)
    if summary.new_reports or followed or any(outcome.snapshot_id for outcome in summary.lists):
        site_failures = _rebuild_site(config, db)
        failures += site_failures
        errors += site_failures
    status = "failed" if failures else "ok"
    summary.status = status
    finish_run(db, run_id, status, error="; ".join(errors)[:4000] or None, pages_fetched=crawl.pages_fetched,
               pdfs_found=crawl.pdfs_found, new_documents=len(summary.new_reports), errors=len(errors),
               detail={"requests": crawl.requests, "not_modified": crawl.not_modified,
                       "forbidden": list(crawl.forbidden), "backfill": backfill})
    if status == "failed" and _consecutive_failures(db) >= CRAWL_FAILURES_BEFORE_ALERT:
        alert(db, config, "crawl-failing", f"The last {CRAWL_FAILURES_BEFORE_ALERT} checks failed: {errors[:3]}")
    from ddor_watch.monitor.health import check_overdue

    check_overdue(config, db)
    return summary
