"""What one crawl is asked to do, serialisable so the crawl can run in a child process."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

from ddor_watch.db.records import CrawlResult, FetchedDocument, FetchedPage, ReportLink, UrlState


@dataclass(frozen=True)
class CrawlJob:
    start_urls: tuple[str, ...]
    landing_urls: tuple[str, ...]
    link_patterns: tuple[str, ...]
    link_text_pattern: str
    data_dir: str
    # No defaults: every value comes from the settings (monitor/cycle.crawl_job), once.
    max_listing_pages: int
    user_agent: str
    download_max_bytes: int
    download_timeout: float
    download_delay: float
    retries: int
    retry_backoff: float
    retry_after_max: float
    max_links_per_page: int
    known: tuple[UrlState, ...] = field(default_factory=tuple)
    # (source name, URL) of each jurisdiction-list page to fetch (conditional GET, archived).
    list_pages: tuple[tuple[str, str], ...] = ()
    # (source name, part, URL) of each document a list page linked at the last check: re-checked
    # with a conditional request when the page itself answers 304.
    list_documents: tuple[tuple[str, str, str], ...] = ()
    # (source name, URL) of documents that list entries link (287(g) MOAs), fetched once each.
    followed_links: tuple[tuple[str, str], ...] = ()
    # Each fully downloaded document is also appended here as it is archived, so a crawl
    # that times out still hands over what it got.
    progress_path: str = ""

    def dump(self, path: Path) -> None:
        path.write_text(json.dumps(asdict(self)))

    @classmethod
    def load(cls, path: Path) -> CrawlJob:
        raw = json.loads(path.read_text())
        raw["known"] = tuple(UrlState(**k) for k in raw["known"])
        raw["list_pages"] = tuple((str(name), str(url)) for name, url in raw.get("list_pages", ()))
        raw["list_documents"] = tuple((str(n), str(p), str(u)) for n, p, u in raw.get("list_documents", ()))
        raw["followed_links"] = tuple((str(n), str(u)) for n, u in raw.get("followed_links", ()))
        for key in ("start_urls", "landing_urls", "link_patterns"):
            raw[key] = tuple(raw[key])
        return cls(**raw)


def result_to_json(result: CrawlResult) -> str:
    def plain(value: object) -> str:
        if isinstance(value, dt.datetime | dt.date):
            return value.isoformat()
        raise TypeError(type(value))

    return json.dumps(asdict(result), default=plain)


def document_to_json(document: FetchedDocument) -> str:
    return json.dumps({**asdict(document), "fetched_at": document.fetched_at.isoformat()})


def document_from_json(text: str) -> FetchedDocument:
    raw = json.loads(text)
    return FetchedDocument(**{**raw, "fetched_at": dt.datetime.fromisoformat(raw["fetched_at"])})


def result_from_json(text: str) -> CrawlResult:
    raw = json.loads(text)
    return CrawlResult(
        links=tuple(ReportLink(**{**link, "published": None}) for link in raw["links"]),
        documents=tuple(document_from_json(json.dumps(d)) for d in raw["documents"]),
        url_states=tuple(UrlState(**s) for s in raw["url_states"]),
        pages_fetched=raw["pages_fetched"], pdfs_found=raw["pdfs_found"], not_modified=raw["not_modified"],
        errors=tuple(raw["errors"]), requests=raw.get("requests", 0),
        empty_landing_pages=tuple(raw.get("empty_landing_pages", ())),
        forbidden=tuple(raw.get("forbidden", ())),
        discovered_landing_pages=tuple(raw.get("discovered_landing_pages", ())),
        list_pages=tuple(FetchedPage(**page) for page in raw.get("list_pages", ())),
        unreachable=tuple((str(url), str(answer)) for url, answer in raw.get("unreachable", ())),
        http_errors=tuple((str(url), int(status)) for url, status in raw.get("http_errors", ())),
    )
