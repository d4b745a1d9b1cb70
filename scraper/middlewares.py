"""Retries with exponential backoff (honouring Retry-After) for 429, 5xx and timeouts.

Scrapy's RetryMiddleware retries at once; a struggling government server deserves a pause.
The wait is an asyncio sleep inside the download, so nothing else blocks.
"""

from __future__ import annotations

import asyncio
import logging
from urllib.parse import urljoin

import scrapy.exceptions
from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response
from scrapy.statscollectors import StatsCollector
from twisted.internet.error import ConnectionRefusedError, DNSLookupError, TCPTimedOutError, TimeoutError

from ddor_watch.scraper.links import same_origin

logger = logging.getLogger(__name__)

RETRY_CODES = {408, 429, 500, 502, 503, 504, 522, 524}
# Scrapy 2.14+ raises its own exceptions for timeouts and lost connections, older ones
# Twisted's; both are transient.
RETRY_EXCEPTIONS: tuple[type[BaseException], ...] = (
    TimeoutError, TCPTimedOutError, ConnectionRefusedError, DNSLookupError, ConnectionError,
    *(getattr(scrapy.exceptions, name) for name in ("DownloadTimeoutError", "DownloadConnectionRefusedError",
                                                    "DownloadFailedError", "ResponseDataLossError")
      if hasattr(scrapy.exceptions, name)),
)
REDIRECT_CODES = {301, 302, 303, 307, 308}
MAX_REDIRECTS = 5


class BackoffRetryMiddleware:
    def __init__(self, retries: int, base: float, cap: float, stats: StatsCollector,
                 retry_after_max: float = 120.0) -> None:
        self.retries, self.base, self.cap, self.stats = retries, base, cap, stats
        self.retry_after_max = retry_after_max

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> BackoffRetryMiddleware:
        if crawler.stats is None:
            raise RuntimeError("the crawler has no stats collector")
        s = crawler.settings
        # Set from the CrawlJob by scraper/settings.py: no second copy of the defaults here.
        return cls(s.getint("DDOR_RETRIES"), s.getfloat("DDOR_RETRY_BACKOFF"), s.getfloat("DDOR_RETRY_BACKOFF_CAP"),
                   crawler.stats, s.getfloat("DDOR_RETRY_AFTER_MAX"))

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
            header = response.headers.get(b"Retry-After")
            retry_after = header.decode("latin-1").strip() if header else None
            if retry_after and retry_after.isdigit() and float(retry_after) > self.retry_after_max:
                # A server that asks for hours is not waited for: this URL is skipped this
                # cycle (an error, so repeated skips alert) and the rest of the crawl goes on.
                request.meta["ddor_retry_after_refused"] = float(retry_after)
                return response
            again = await self._again(request, f"HTTP {response.status}", retry_after)
            if again is not None:
                return again
        return response

    async def process_exception(self, request: Request, exception: BaseException,
                                spider: object = None) -> Request | None:
        if isinstance(exception, RETRY_EXCEPTIONS) and not isinstance(exception, IgnoreRequest):
            return await self._again(request, type(exception).__name__)
        return None


class SameOriginRedirectMiddleware:
    """Follow redirects within one origin (scheme, host, port); refuse the rest.

    Scrapy's own RedirectMiddleware is off: the spider handles every status itself (to see
    304s), and a redirect to another site, or a loop, must be an error of the crawl, never an
    "ok, 0 links".
    """

    def process_response(self, request: Request, response: Response, spider: object = None) -> Request | Response:
        location = response.headers.get(b"Location")
        if response.status not in REDIRECT_CODES or not location:
            return response
        target = urljoin(request.url, location.decode("latin-1").strip())
        chain: list[str] = [*request.meta.get("ddor_redirects", []), request.url]
        if not same_origin(request.url, target):
            raise IgnoreRequest(f"redirected to another origin ({target}); not followed")
        if target in chain or len(chain) > MAX_REDIRECTS:
            raise IgnoreRequest(f"redirect loop or chain longer than {MAX_REDIRECTS} ({' -> '.join(chain[-3:])})")
        followed = request.replace(url=target, method="GET", body=b"", dont_filter=True)
        followed.meta["ddor_redirects"] = chain
        return followed
