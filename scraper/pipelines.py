"""Archive each downloaded PDF or list page content-addressed before anything parses it."""

from __future__ import annotations

from pathlib import Path

from scrapy.crawler import Crawler

from ddor_watch.db.archive import archive_bytes
from ddor_watch.db.paths import DataDir
from ddor_watch.scraper.spiders.watch import ListDownload, PdfDownload, WatchSpider


class ArchivePipeline:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ArchivePipeline:
        return cls(crawler)

    def process_item(self, item: PdfDownload | ListDownload, spider: WatchSpider | None = None) -> None:
        spider = spider or self._spider()
        data = DataDir(Path(spider.job.data_dir))
        if isinstance(item, ListDownload):
            suffix = ".pdf" if item.body.startswith(b"%PDF-") else ".xlsx" if item.body.startswith(b"PK") else ".html"
            sha256, path, _size = archive_bytes(data, item.body, suffix)
            spider.listed(item, sha256, str(path))
            return
        sha256, path, _size = archive_bytes(data, item.body)
        spider.fetched(item, sha256, str(path))

    def _spider(self) -> WatchSpider:
        spider = self.crawler.spider
        if not isinstance(spider, WatchSpider):
            raise TypeError(f"ArchivePipeline runs only with WatchSpider, not {type(spider).__name__}")
        return spider
