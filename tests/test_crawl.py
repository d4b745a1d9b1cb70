"""The spider against the replica newsroom on 127.0.0.1: real Scrapy crawls in child processes."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from ddor_watch.db.models import Document, Report, Run
from ddor_watch.monitor.cycle import crawl_job, run_check
from ddor_watch.monitor.samples.newsroom import ReplicaServer, ReplicaSite
from ddor_watch.monitor.samples.series import series
from ddor_watch.scraper.crawl import run_crawl
from factories import render_report

REPORTS = [(name, render_report(truth)[0]) for name, truth in series()]


def _site(weeks: int = 2, markup: str = "drupal") -> ReplicaSite:
    site = ReplicaSite(markup=markup)
    for i, (name, data) in enumerate(REPORTS[:weeks]):
        site.add_report(name, data, f"week {i + 1}", dt.date(2017, 3, 20) + dt.timedelta(days=7 * i))
    return site


@pytest.fixture
def check_config(config):  # type: ignore[no-untyped-def]
    return config.with_overrides(download_delay=0.0, retry_backoff=0.05, download_timeout=3, crawl_timeout=120,
                   max_listing_pages=5)


def _configure(config, server: ReplicaServer):  # type: ignore[no-untyped-def]
    return config.with_overrides(start_urls=",".join(server.start_urls), landing_urls=",".join(server.landing_urls))


def _count(db, model) -> int:  # type: ignore[no-untyped-def]
    with db.session() as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


@pytest.mark.parametrize("markup", ["drupal", "plain"])
def test_crawl_finds_exactly_the_report_pdfs(markup: str, check_config, db) -> None:  # type: ignore[no-untyped-def]
    site = _site(2, markup)
    with ReplicaServer(site) as server:
        result = run_crawl(crawl_job(_configure(check_config, server), None, db, retry_backoff=0.05))
    assert result.errors == ()
    assert sorted(d.url.rsplit("/", 1)[1] for d in result.documents) == sorted(n for n, _ in REPORTS[:2])
    paths = [s.path for s in site.log]
    assert "/robots.txt" == paths[0]
    assert not any(p.startswith("/private/") for p in paths), "robots.txt must be obeyed"
    assert result.forbidden and result.forbidden[0].endswith("/private/ddor2017_internal.pdf")
    assert all(s.headers.get("User-Agent", "").startswith("ddor-watch/") for s in site.log)
    # unrelated releases are never fetched: only DDOR release pages are followed
    assert all("declined-detainer" in p for p in paths if p.startswith("/news/releases/"))


def test_unfamiliar_markup_generic_pdf_names_and_a_numbered_pager(check_config, db) -> None:  # type: ignore[no-untyped-def]
    """No rel=next, no "Next", release titles in other words, PDFs named weekly-xxxxx.pdf
    behind "Download (PDF)": found by the page parameter, the text pattern and the fact that
    the release links exactly one PDF."""
    site = _site(2, "minimal")
    site.per_page = 3
    with ReplicaServer(site) as server:
        config = check_config.with_overrides(start_urls=server.start_urls[0], landing_urls="")
        summary = run_check(config, db, publish=False)
    assert summary.crawl.errors == ()
    assert sorted(d.url.rsplit("/", 1)[1] for d in summary.crawl.documents) == ["weekly-02-03.pdf", "weekly-02-10.pdf"]
    assert any("page=1" in s.path for s in site.log)


def test_second_check_downloads_nothing_and_sends_conditional_requests(check_config, db) -> None:  # type: ignore[no-untyped-def]
    site = _site(2)
    with ReplicaServer(site) as server:
        config = _configure(check_config, server)
        first = run_check(config, db, publish=False)
        assert len(first.new_reports) == 2
        site.log.clear()
        second = run_check(config, db, publish=False)
    assert second.new_reports == [] and second.crawl.errors == ()
    pdf_requests = site.requests_to("/doclib/")
    assert pdf_requests and all(r.status == 304 for r in pdf_requests)
    assert all("If-None-Match" in r.headers for r in pdf_requests)
    assert sum(r.status == 200 for r in site.log if r.path != "/robots.txt") == 0


def test_a_report_added_between_checks_is_found_next_time(check_config, db) -> None:  # type: ignore[no-untyped-def]
    site = _site(2)
    with ReplicaServer(site) as server:
        config = _configure(check_config, server)
        run_check(config, db, publish=False)
        name, data = REPORTS[2]
        site.add_report(name, data, "week 3", dt.date(2017, 4, 3))
        summary = run_check(config, db, publish=False)
    assert [s.status for s in summary.new_reports] == ["stored"]
    assert _count(db, Report) == 3


def test_a_changed_pdf_at_the_same_url_becomes_a_revision(check_config, db) -> None:  # type: ignore[no-untyped-def]
    site = _site(1)
    with ReplicaServer(site) as server:
        config = _configure(check_config, server)
        run_check(config, db, publish=False)
        name, corrected = REPORTS[3]
        site.put_pdf(name, corrected)
        summary = run_check(config, db, publish=False)
    assert [(s.status, s.revision) for s in summary.new_reports] == [("revision", 2)]


def test_two_crawls_in_one_process(check_config, db) -> None:  # type: ignore[no-untyped-def]
    """The daemon runs many crawls; each is a child process, so the reactor is never restarted."""
    with ReplicaServer(_site(1)) as server:
        job = crawl_job(_configure(check_config, server), None, db, retry_backoff=0.05)
        first, second = run_crawl(job), run_crawl(job)
    assert len(first.documents) == len(second.documents) == 1


def _failing_check(check_config, db, site, mutate=None, stop=False):  # type: ignore[no-untyped-def]
    with ReplicaServer(site) as server:
        config = _configure(check_config, server)
        if mutate:
            mutate(site)
        if stop:
            server.stop()
        summary = run_check(config, db, publish=False)
    with db.session() as session:
        run = session.scalar(select(Run).order_by(Run.id.desc()))
        return summary, run.status, run.error or ""


def test_server_down_is_a_recorded_failed_run(check_config, db) -> None:  # type: ignore[no-untyped-def]
    summary, status, error = _failing_check(check_config, db, _site(1), stop=True)
    assert status == "failed" and ("Connection" in error or "refused" in error.lower())
    assert _count(db, Document) == 0


def test_http_500_is_retried_then_recorded(check_config, db) -> None:  # type: ignore[no-untyped-def]
    site = _site(1)
    summary, status, error = _failing_check(check_config, db, site,
                                            mutate=lambda s: s.faults.update({"/news/releases": "500"}))
    assert status == "failed" and "HTTP 500" in error
    assert len([r for r in site.log if r.path == "/news/releases"]) == 4  # first try + 3 retries


def test_timeouts_are_recorded(check_config, db) -> None:  # type: ignore[no-untyped-def]
    site = _site(1)
    summary, status, error = _failing_check(check_config.with_overrides(download_timeout=1), db, site,
                                            mutate=lambda s: s.faults.update({"/doclib/": "slow:3"}))
    assert status == "failed" and "TimeoutError" in error
    assert _count(db, Document) == 0


def test_an_oversized_pdf_is_refused(check_config, db) -> None:  # type: ignore[no-untyped-def]
    site = _site(1)
    summary, status, error = _failing_check(check_config.with_overrides(download_max_bytes=5 * 2**20), db, site,
                                            mutate=lambda s: s.faults.update({"/doclib/": "huge"}))
    assert status == "failed" and "byte limit" in error
    assert _count(db, Document) == 0


def test_html_served_as_pdf_is_not_stored(check_config, db) -> None:  # type: ignore[no-untyped-def]
    site = _site(1)
    summary, status, error = _failing_check(check_config, db, site,
                                            mutate=lambda s: s.faults.update({"/doclib/": "html"}))
    assert status == "failed" and "not a PDF" in error
    assert _count(db, Document) == 0


def test_a_landing_page_without_report_links_raises_a_layout_alert(check_config, db) -> None:  # type: ignore[no-untyped-def]
    from ddor_watch.db.models import Alert

    site = _site(1)
    site.landing_links = False
    _failing_check(check_config, db, site)
    with db.session() as session:
        problems = [a.problem for a in session.scalars(select(Alert))]
    assert any(p.startswith("layout:") for p in problems)


# -- the DDOR found by any route -------------------------------------------------------------------

def test_a_release_that_links_only_the_landing_page_is_followed_one_hop_further(check_config, db) -> None:  # type: ignore[no-untyped-def]
    """Regression: the spider looked one hop deep from a release, found 0 report links on a
    release that links the series page, and stopped. Without a configured landing page the
    reports are found listing ▸ release ▸ landing page ▸ PDF."""
    site = _site(2, "plain")
    site.release_links = "landing"
    with ReplicaServer(site) as server:
        config = check_config.with_overrides(start_urls=",".join(server.start_urls), landing_urls="")
        summary = run_check(config, db, publish=False)
    assert summary.status == "ok" and len(summary.new_reports) == 2
    assert summary.crawl.discovered_landing_pages == (f"{server.url}/declined-detainer-outcome-report",)
    assert site.arrivals["/declined-detainer-outcome-report"] == 1, "one landing page, fetched once"
    assert not any(p.startswith("/private/") for p in (s.path for s in site.log))


def test_a_moved_landing_page_is_found_through_the_newsroom_and_alerted_once(check_config, db) -> None:  # type: ignore[no-untyped-def]
    from ddor_watch.db.models import Alert

    site = _site(2)
    site.release_links = "landing"
    site.landing_path = "/reports/declined-detainer-outcome-report"   # the configured address now 404s
    with ReplicaServer(site) as server:
        config = _configure(check_config, server)
        first = run_check(config, db, publish=False)
        site.add_report(REPORTS[2][0], REPORTS[2][1], "week 3", dt.date(2017, 4, 3))
        second = run_check(config, db, publish=False)
    assert len(first.new_reports) == 2 and len(second.new_reports) == 1
    assert first.status == "ok", "the reports were found: the old address's 404 is not a failed check"
    with db.session() as session:
        moved = [a.message for a in session.scalars(select(Alert)) if a.problem.startswith("landing-moved:")]
    assert len(moved) == 1, "alerted once, not every check"
    assert f"{server.url}/reports/declined-detainer-outcome-report" in moved[0]
    assert "DDOR_LANDING_URLS=" in moved[0]


def test_only_pages_about_the_report_are_followed_from_a_release(check_config, db) -> None:  # type: ignore[no-untyped-def]
    """A release with no PDF: its links to unrelated pages and other hosts are not followed."""
    site = _site(1, "plain")
    site.release_links = "landing"
    with ReplicaServer(site) as server:
        config = check_config.with_overrides(start_urls=",".join(server.start_urls), landing_urls="")
        run_check(config, db, publish=False)
    paths = {s.path for s in site.log}
    assert "/declined-detainer-outcome-report" in paths
    assert not any("dhs.gov" in p for p in paths)
    assert {p for p in paths if not p.startswith(("/news/releases", "/doclib/", "/declined-detainer"))} == {
        "/robots.txt"}
