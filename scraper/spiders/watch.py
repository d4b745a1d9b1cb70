"""The spider: newsroom listing ▸ release pages ▸ report PDFs, and the report landing page.

A release that links no PDF but links a page about the report (by its link text or URL) is
followed one hop further, to that landing page, and the PDFs are found there: ICE links its
releases to the series page as often as to the file. At most two hops from a listing, on the
allowed hosts only.

It only finds and downloads; the pipeline archives the bytes. Every request to a URL seen
before carries If-None-Match / If-Modified-Since, so an idle check is mostly 304s.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from typing import Any

import scrapy
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response, TextResponse
from twisted.python.failure import Failure

from ddor_watch.db.records import FOLLOWED_PART, OFF_SITE, FetchedDocument, FetchedPage, ReportLink, UrlState
from ddor_watch.scraper.job import CrawlJob, document_to_json
from ddor_watch.scraper.links import (
    LinkRules,
    absolute,
    is_next_link,
    is_pdf_url,
    is_release_link,
    is_report_link,
    next_page_url,
    on_site,
)
from ddor_watch.scraper.sources import SOURCES


@dataclass(frozen=True)
class PdfDownload:
    url: str
    body: bytes
    etag: str | None
    last_modified: str | None
    title: str | None


@dataclass(frozen=True)
class ListDownload:
    """A jurisdiction-list page's body, for the archive."""

    source: str
    url: str
    body: bytes
    content_type: str
    part: str = ""


Output = scrapy.Request | PdfDownload | ListDownload


def _linked_document(anchors: list[tuple[str, str]], text_pattern: str, href_pattern: str) -> str | None:
    """The first link whose address matches; else the first whose text matches and whose
    address names a file (a page about the list is not the list)."""
    for url, _text in anchors:
        if re.search(href_pattern, url, re.IGNORECASE):
            return url
    for url, text in anchors:
        if re.search(text_pattern, text, re.IGNORECASE) and re.search(r"\.[a-z0-9]{2,5}(\?|$)", url, re.IGNORECASE):
            return url
    return None
Callback = Callable[[Response], Iterator[Output]]


def _header(response: Response, name: str) -> str | None:
    value = response.headers.get(name)
    return value.decode("latin-1") if value else None


class WatchSpider(scrapy.Spider):
    name = "ddor_watch"

    def __init__(self, job: CrawlJob, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.job = job
        self.rules = LinkRules.build(list(job.link_patterns), job.link_text_pattern,
                                     list(job.start_urls) + list(job.landing_urls) + [u for _, u in job.list_pages])
        self.allowed_domains = sorted(self.rules.allowed_hosts)
        self.known = {k.url: k for k in job.known}
        self.links: list[ReportLink] = []
        self.documents: list[FetchedDocument] = []
        self.states: list[UrlState] = []
        self.errors: list[str] = []
        self.not_modified = 0
        self.pdfs_found: set[str] = set()
        self.empty_landing: list[str] = []
        self.discovered_landing: list[str] = []
        self.configured_landing = set(job.landing_urls)
        self.list_pages: list[FetchedPage] = []
        self.forbidden: list[str] = []
        self.unreachable: list[tuple[str, str]] = []
        self.http_errors: list[tuple[str, int]] = []

    # -- requests ---------------------------------------------------------------------------
    def _request(self, url: str, callback: Callback, kind: str, **meta: Any) -> scrapy.Request:
        headers = {}
        if (known := self.known.get(url)) is not None:
            if known.etag:
                headers["If-None-Match"] = known.etag
            if known.last_modified:
                headers["If-Modified-Since"] = known.last_modified
        return scrapy.Request(url, callback=callback, errback=self.on_error, headers=headers,
                              meta={"kind": kind, "handle_httpstatus_all": True, **meta})

    async def start(self) -> AsyncIterator[scrapy.Request]:
        for request in self.start_requests():
            yield request

    def start_requests(self) -> Iterator[scrapy.Request]:
        for source, url in self.job.list_pages:
            yield self._request(url, self.parse_list, "list", start=True, source=source)
        for source, url in self.job.followed_links:
            if on_site(url, self.rules):
                yield self._request(url, self.parse_followed, "followed", source=source)
            else:   # another host than the list's: not ours to crawl; recorded so it is not asked again
                self.list_pages.append(FetchedPage(source, url, OFF_SITE, part=FOLLOWED_PART))
        for url in self.job.landing_urls:
            yield self._request(url, self.parse_landing, "landing", start=True)
        for url in self.job.start_urls:
            yield self._request(url, self.parse_listing, "listing", depth=1, start=True)
        # Known PDFs are re-checked with a conditional request even when no page changed:
        # a corrected report may replace the file at the same URL (a 304 costs nothing).
        for known in self.job.known:
            if known.kind == "pdf" and known.url not in self.pdfs_found:
                self.pdfs_found.add(known.url)
                yield self._request(known.url, self.save_pdf, "pdf", title=None, recheck=True)

    # -- bookkeeping --------------------------------------------------------------------------
    def _answered(self, response: Response) -> bool:
        """Record the URL's state; False when there is nothing to read (304 or an error)."""
        kind = response.meta["kind"]
        status = response.status
        if status == 304:
            self.not_modified += 1
            known = self.known.get(response.url)
            self.states.append(UrlState(response.url, kind, 304, known.etag if known else None,
                                        known.last_modified if known else None))
            return False
        self.states.append(UrlState(response.url, kind, status, _header(response, "ETag"),
                                    _header(response, "Last-Modified")))
        if (wait := response.meta.get("ddor_retry_after_refused")) is not None:
            self.errors.append(f"{response.url}: HTTP {status} asking to retry after {wait:.0f} s, longer than the "
                               f"{self.job.retry_after_max:.0f} s we wait; skipped this cycle")
            return False
        if status >= 400:
            if response.meta.get("recheck"):   # a document we hold: its loss is news, not a failure
                self.unreachable.append((response.url, f"HTTP {status}"))
                return False
            self.errors.append(f"{response.url}: HTTP {status}")
            self.http_errors.append((response.url, status))
            return False
        if 300 <= status < 400:
            self.errors.append(f"{response.url}: HTTP {status} without a usable Location")
            return False
        return True

    def on_error(self, failure: Failure) -> None:
        request: scrapy.Request = failure.request  # type: ignore[attr-defined]  # Scrapy sets it on errback failures
        if isinstance(failure.value, IgnoreRequest) and "robots" in str(failure.value).lower():
            if request.meta.get("start"):
                self.errors.append(f"{request.url}: forbidden by robots.txt")
            else:
                self.forbidden.append(request.url)
            return
        if request.meta.get("recheck"):   # a document we hold, not answering: news, not a failure
            self.unreachable.append((request.url, f"{type(failure.value).__name__}: {failure.value}"))
            self.states.append(UrlState(request.url, "pdf", 0))
            return
        if request.meta.get("kind") == "followed":   # no answer: tried again at the next check
            self.list_pages.append(FetchedPage(request.meta["source"], request.url, 0, part=FOLLOWED_PART))
            return
        message = str(failure.value) or type(failure.value).__name__
        if any(word in message.lower() for word in ("maxsize", "max size", "cancelled")):
            message = f"larger than the {self.job.download_max_bytes} byte limit ({message})"
        self.errors.append(f"{request.url}: {type(failure.value).__name__}: {message}")

    def _anchors(self, response: Response) -> Iterator[tuple[str, str, str | None]]:
        if not isinstance(response, TextResponse):
            return  # a PDF or other binary answered where a page was expected
        for anchor in response.css("a[href]"):
            url = absolute(response.url, anchor.attrib.get("href"))
            if url is None:
                continue
            text = " ".join(" ".join(anchor.css("::text").getall()).split())
            yield url, text, anchor.attrib.get("rel")

    def _report_requests(self, response: Response, title: str | None,
                         sole_pdf: bool = False) -> Iterator[scrapy.Request]:
        """Requests for the report PDFs linked here. On a release about the report
        (`sole_pdf`), its only on-site PDF counts even when its name and text are generic."""
        anchors = list(self._anchors(response))
        pdfs = {url for url, _text, _rel in anchors if is_pdf_url(url) and on_site(url, self.rules)}
        found = 0
        for url, text, _rel in anchors:
            if is_report_link(url, text, self.rules) or (sole_pdf and len(pdfs) == 1 and url in pdfs):
                found += 1
                if found > self.job.max_links_per_page:
                    continue  # counted, reported below, not followed
                self.links.append(ReportLink(url, text or title or "", response.url))
                if url not in self.pdfs_found:
                    self.pdfs_found.add(url)
                    yield self._request(url, self.save_pdf, "pdf", title=text or title)
        self._over_cap(response.url, found, "report")
        response.meta["reports_found"] = found

    def _over_cap(self, page: str, count: int, what: str) -> None:
        if count > self.job.max_links_per_page:
            self.errors.append(f"{page}: {count} {what} links, more than the {self.job.max_links_per_page} a page "
                               f"may have; followed the first {self.job.max_links_per_page}")

    # -- callbacks ------------------------------------------------------------------------------
    def parse_landing(self, response: Response) -> Iterator[Output]:
        if not self._answered(response):
            return
        yield from self._report_requests(response, None)
        found = response.meta.get("reports_found", 0)
        if response.meta.get("discovered"):
            if found and response.url not in self.configured_landing:
                self.discovered_landing.append(response.url)
        elif found == 0:
            self.empty_landing.append(response.url)

    def parse_listing(self, response: Response) -> Iterator[Output]:
        if not self._answered(response):
            return  # 304: the listing has not changed since the last check
        yield from self._report_requests(response, None)
        seen_release = False
        next_url = None
        releases = 0
        for url, text, rel in self._anchors(response):
            if is_release_link(url, text, self.rules):
                releases += 1
                if url in self.known:
                    seen_release = True
                if releases <= self.job.max_links_per_page:
                    yield self._request(url, self.parse_release, "release", title=text)
            elif next_url is None and is_next_link(text, rel) and url != response.url:
                next_url = url
        self._over_cap(response.url, releases, "release")
        if next_url is None:
            next_url = next_page_url(response.url, [url for url, _text, _rel in self._anchors(response)])
        depth = response.meta.get("depth", 1)
        # Stop paging once this page shows a release we already know: older pages hold nothing new.
        if next_url and depth < self.job.max_listing_pages and not seen_release:
            yield self._request(next_url, self.parse_listing, "listing", depth=depth + 1)

    def parse_release(self, response: Response) -> Iterator[Output]:
        if not self._answered(response):
            return
        yield from self._report_requests(response, response.meta.get("title"), sole_pdf=True)
        if response.meta.get("reports_found", 0):
            return
        # No PDF here: the release may link the series' landing page instead (second hop).
        pages = [url for url, text, _rel in self._anchors(response)
                 if url != response.url and is_release_link(url, text, self.rules)]
        self._over_cap(response.url, len(pages), "landing page")
        for url in pages[:self.job.max_links_per_page]:
            yield self._request(url, self.parse_landing, "landing", discovered=True)

    def parse_list(self, response: Response) -> Iterator[Output]:
        """A list page: 404/410 is news (the list is gone), not a crawl error; 304 means
        unchanged; a body goes to the archive and the monitor parses it. A source that reads
        documents the page links (287(g) workbooks) gets those requested instead: found by
        link text and address on a fresh page, the last known ones on a 304."""
        source = response.meta["source"]
        part = response.meta.get("part", "")
        if response.status in (404, 410):
            self.states.append(UrlState(response.url, response.meta["kind"], response.status, None, None))
            self.list_pages.append(FetchedPage(source, response.url, response.status, part=part))
            return
        declared = SOURCES[source].documents if not part else ()
        if not self._answered(response):
            if response.status == 304:
                self.list_pages.append(FetchedPage(source, response.url, 304, part=part))
                for name, known_part, url in self.job.list_documents if declared else ():
                    if name == source:
                        yield self._request(url, self.parse_list, "document", source=source, part=known_part)
            return
        if not declared:
            yield ListDownload(source, response.url, response.body, _header(response, "Content-Type") or "", part)
            return
        self.list_pages.append(FetchedPage(source, response.url, response.status))
        anchors = [(url, text) for url, text, _rel in self._anchors(response) if on_site(url, self.rules)]
        for document in declared:
            linked = _linked_document(anchors, document.link_text, document.href_pattern)
            if linked is None:   # the page no longer links this document: status 0 says so
                self.list_pages.append(FetchedPage(source, response.url, 0, part=document.part))
            else:
                yield self._request(linked, self.parse_list, "document", source=source, part=document.part)

    def parse_followed(self, response: Response) -> Iterator[Output]:
        """A document a list entry links (an MOA): archived when it answers; any other answer is
        recorded as its status, never a crawl error (a dead link is a fact about the entry)."""
        source = response.meta["source"]
        self.states.append(UrlState(response.url, "followed", response.status, None, None))
        if response.status == 200:
            yield ListDownload(source, response.url, response.body, _header(response, "Content-Type") or "",
                               FOLLOWED_PART)
        else:
            self.list_pages.append(FetchedPage(source, response.url, response.status, part=FOLLOWED_PART))

    def listed(self, download: ListDownload, sha256: str, path: str) -> None:
        self.list_pages.append(FetchedPage(download.source, download.url, 200, sha256, path, download.content_type,
                                           download.part))

    def save_pdf(self, response: Response) -> Iterator[Output]:
        if not self._answered(response):
            return
        if b"%PDF-" not in response.body[:1024]:
            kind = _header(response, "Content-Type") or "unknown type"
            self.errors.append(f"{response.url}: not a PDF ({kind}, {len(response.body)} bytes); not stored")
            return
        yield PdfDownload(response.url, response.body, _header(response, "ETag"),
                          _header(response, "Last-Modified"), response.meta.get("title"))

    def fetched(self, download: PdfDownload, sha256: str, path: str) -> None:
        document = FetchedDocument(download.url, sha256, path, download.etag, download.last_modified,
                                   dt.datetime.now(dt.UTC), len(download.body), download.title)
        self.documents.append(document)
        if self.job.progress_path:
            with open(self.job.progress_path, "a", encoding="utf-8") as progress:
                progress.write(document_to_json(document) + "\n")
