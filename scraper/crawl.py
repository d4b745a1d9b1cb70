"""Run one crawl in a child process and read its result.

Twisted's reactor cannot be restarted, so the long-lived scheduler never runs Scrapy itself:
each crawl is `python -m scraper.crawl JOB OUT` in a fresh process with a timeout. That also
contains memory and crashes (ECOSYSTEM.md §1); it costs under a second per crawl.
"""

from __future__ import annotations

import ctypes
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import replace
from pathlib import Path

from ddor_watch.db.paths import DataDir
from ddor_watch.db.records import CrawlResult, FetchedDocument
from ddor_watch.scraper.job import CrawlJob, document_from_json, result_from_json, result_to_json


def _failed(message: str) -> CrawlResult:
    return CrawlResult((), (), (), 0, 0, 0, (message,))


def _downloaded(progress: Path) -> tuple[FetchedDocument, ...]:
    """Documents the killed crawl had archived; a line cut short by the kill is not one."""
    documents = []
    for line in progress.read_text().splitlines() if progress.exists() else []:
        try:
            documents.append(document_from_json(line))
        except (ValueError, TypeError):
            continue
    return tuple(documents)


def _die_with_parent() -> None:
    """In the child, before exec: SIGKILL when the parent dies (Linux prctl PR_SET_PDEATHSIG),
    so a killed daemon or check leaves no crawl running on its own."""
    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)
    except OSError:
        pass  # not Linux: the crawl timeout still bounds the child


def run_crawl(job: CrawlJob, timeout: float = 900.0, stop: threading.Event | None = None) -> CrawlResult:
    """The crawl in a child process. It ends when done, at `timeout`, or when `stop` is set
    (a daemon asked to stop); in the last two cases what was archived so far is handed over."""
    # Crawl scratch space lives in the data dir; the caller holds the cycle lock, so any
    # folder left there is a killed crawl's and can go.
    scratch = DataDir(Path(job.data_dir)).scratch
    for stale in scratch.glob("ddor-crawl-*"):
        shutil.rmtree(stale, ignore_errors=True)
    scratch.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="ddor-crawl-", dir=scratch) as tmp:
        job_path, out_path, progress = Path(tmp) / "job.json", Path(tmp) / "result.json", Path(tmp) / "documents.jsonl"
        replace(job, progress_path=str(progress)).dump(job_path)
        stderr = Path(tmp) / "stderr.txt"
        with stderr.open("w") as errors:
            child = subprocess.Popen([sys.executable, "-m", "ddor_watch.scraper.crawl", str(job_path), str(out_path)],
                                     stdout=subprocess.DEVNULL, stderr=errors, text=True,
                                     preexec_fn=_die_with_parent)  # noqa: PLW1509 (no threads touch the fork)
            cut_short = _wait(child, timeout, stop)
        if cut_short is not None:
            # What was downloaded and archived before the crawl was cut short is still handed over.
            documents = _downloaded(progress)
            return CrawlResult((), documents, (), 0, len(documents), 0, (cut_short,))
        if not out_path.exists():
            tail = stderr.read_text().strip().splitlines()[-1:] or ["no output"]
            return _failed(f"crawl process failed (exit {child.returncode}): {tail[0]}")
        return result_from_json(out_path.read_text())


def _wait(child: subprocess.Popen[str], timeout: float, stop: threading.Event | None) -> str | None:
    """Wait for the crawl child; kill it at `timeout` or when `stop` is set. None when it ended
    by itself, else why it was cut short."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            child.wait(timeout=0.2)
            return None
        except subprocess.TimeoutExpired:
            pass
        if stop is not None and stop.is_set():
            reason = "crawl stopped before it finished (a stop was requested)"
        elif time.monotonic() >= deadline:
            reason = f"crawl timed out after {timeout:.0f} s"
        else:
            continue
        child.kill()
        child.wait()
        return reason


def crawl_in_this_process(job: CrawlJob) -> CrawlResult:
    from scrapy.crawler import CrawlerProcess

    from ddor_watch.scraper.settings import scrapy_settings
    from ddor_watch.scraper.spiders.watch import WatchSpider

    process = CrawlerProcess(scrapy_settings(job), install_root_handler=False)
    crawler = process.create_crawler(WatchSpider)
    process.crawl(crawler, job=job)
    process.start()
    spider = crawler.spider
    if not isinstance(spider, WatchSpider) or crawler.stats is None:
        raise RuntimeError("the crawl did not start (no spider or no stats)")
    stats = crawler.stats.get_stats()
    return CrawlResult(
        links=tuple(spider.links), documents=tuple(spider.documents), url_states=tuple(spider.states),
        pages_fetched=int(stats.get("downloader/response_count", 0)), pdfs_found=len(spider.pdfs_found),
        not_modified=spider.not_modified, errors=tuple(spider.errors),
        requests=int(stats.get("downloader/request_count", 0)), empty_landing_pages=tuple(spider.empty_landing),
        discovered_landing_pages=tuple(spider.discovered_landing), list_pages=tuple(spider.list_pages),
        unreachable=tuple(spider.unreachable), http_errors=tuple(spider.http_errors),
        forbidden=tuple(spider.forbidden),
    )


def main(argv: list[str]) -> int:
    job_path, out_path = Path(argv[0]), Path(argv[1])
    result = crawl_in_this_process(CrawlJob.load(job_path))
    out_path.write_text(result_to_json(result))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
