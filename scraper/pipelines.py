"""Archive each downloaded PDF content-addressed before anything parses it."""

from __future__ import annotations

from pathlib import Path

from ddor_watch.db.archive import archive_bytes
from ddor_watch.db.paths import DataDir


class ArchivePipeline:
    def process_item(self, item, spider=None):  # type: ignore[no-untyped-def]
        spider = spider or self.spider
        sha256, path, _size = archive_bytes(DataDir(Path(spider.job.data_dir)), item.body)
        spider.fetched(item, sha256, str(path))
        return None

    @classmethod
    def from_crawler(cls, crawler):  # type: ignore[no-untyped-def]
        pipeline = cls()
        pipeline.crawler = crawler
        return pipeline

    def open_spider(self, spider=None) -> None:  # type: ignore[no-untyped-def]
        self.spider = spider or self.crawler.spider
