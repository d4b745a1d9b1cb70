"""Retries with exponential backoff (honouring Retry-After) for 429, 5xx and timeouts.

Scrapy's RetryMiddleware retries at once; a struggling government server deserves a pause.
The wait is an asyncio sleep inside the download, so nothing else blocks.
"""

from __future__ import annotations

import asyncio
import logging

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response
from scrapy.statscollectors import StatsCollector
from twisted.internet.error import ConnectionRefusedError, DNSLookupError, TCPTimedOutError, TimeoutError

logger = logging.getLogger(__name__)

RETRY_CODES = {408, 429, 500, 502, 503, 504, 522, 524}
RETRY_EXCEPTIONS = (TimeoutError, TCPTimedOutError, ConnectionRefusedError, DNSLookupError, ConnectionError)


class BackoffRetryMiddleware:
    def __init__(self, retries: int, base: float, cap: float, stats: StatsCollector) -> None:
        self.retries, self.base, self.cap, self.stats = retries, base, cap, stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> BackoffRetryMiddleware:
        if crawler.stats is None:
            raise RuntimeError("the crawler has no stats collector")
        s = crawler.settings
        # Set from the CrawlJob by scraper/settings.py: no second copy of the defaults here.
        return cls(s.getint("DDOR_RETRIES"), s.getfloat("DDOR_RETRY_BACKOFF"), s.getfloat("DDOR_RETRY_BACKOFF_CAP"),
                   crawler.stats)

    def _delay(self, attempt: int, retry_after: str | None) -> float:
        if retry_after and retry_after.strip().isdigit():
            return min(float(retry_after), self.cap)
        return float(min(self.base * 2 ** attempt, self.cap))

    async def _again(self, request: Request, reason: str, retry_after: str | None = None) -> Request | None:
        attempt = int(request.meta.get("ddor_retry", 0))
        if attempt >= self.retries:
            self.stats.inc_value("ddor/retry/gave_up")
            return None
        delay = self._delay(attempt, retry_after)
        logger.info("retrying %s in %.1fs (%s)", request.url, delay, reason)
        self.stats.inc_value("ddor/retry/count")
        await asyncio.sleep(delay)
        retry = request.replace(dont_filter=True)
        retry.meta["ddor_retry"] = attempt + 1
        return retry

    async def process_response(self, request: Request, response: Response,
                               spider: object = None) -> Request | Response:
        if response.status in RETRY_CODES:
            retry_after = response.headers.get(b"Retry-After")
            again = await self._again(request, f"HTTP {response.status}",
                                      retry_after.decode("latin-1") if retry_after else None)
            if again is not None:
                return again
        return response

    async def process_exception(self, request: Request, exception: BaseException,
                                spider: object = None) -> Request | None:
        if isinstance(exception, RETRY_EXCEPTIONS) and not isinstance(exception, IgnoreRequest):
            return await self._again(request, type(exception).__name__)
        return None
