"""What one crawl is asked to do, serialisable so the crawl can run in a child process."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

from ddor_watch.db.records import CrawlResult, FetchedDocument, ReportLink, UrlState


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
    known: tuple[UrlState, ...] = field(default_factory=tuple)

    def dump(self, path: Path) -> None:
        path.write_text(json.dumps(asdict(self)))

    @classmethod
    def load(cls, path: Path) -> CrawlJob:
        raw = json.loads(path.read_text())
        raw["known"] = tuple(UrlState(**k) for k in raw["known"])
        for key in ("start_urls", "landing_urls", "link_patterns"):
            raw[key] = tuple(raw[key])
        return cls(**raw)


def result_to_json(result: CrawlResult) -> str:
    def plain(value: object) -> str:
        if isinstance(value, dt.datetime | dt.date):
            return value.isoformat()
        raise TypeError(type(value))

    return json.dumps(asdict(result), default=plain)


def result_from_json(text: str) -> CrawlResult:
    raw = json.loads(text)
    return CrawlResult(
        links=tuple(ReportLink(**{**link, "published": None}) for link in raw["links"]),
        documents=tuple(FetchedDocument(**{**d, "fetched_at": dt.datetime.fromisoformat(d["fetched_at"])})
                        for d in raw["documents"]),
        url_states=tuple(UrlState(**s) for s in raw["url_states"]),
        pages_fetched=raw["pages_fetched"], pdfs_found=raw["pdfs_found"], not_modified=raw["not_modified"],
        errors=tuple(raw["errors"]), requests=raw.get("requests", 0),
        empty_landing_pages=tuple(raw.get("empty_landing_pages", ())),
        forbidden=tuple(raw.get("forbidden", ())),
    )
