"""Polite Scrapy settings for one crawl, from a CrawlJob."""

from __future__ import annotations

from typing import Any

from ddor_watch.scraper.job import CrawlJob


def scrapy_settings(job: CrawlJob) -> dict[str, Any]:
    return {
        "BOT_NAME": "ddor-watch",
        "USER_AGENT": job.user_agent,
        "ROBOTSTXT_OBEY": True,
        "AUTOTHROTTLE_ENABLED": True,
        "AUTOTHROTTLE_START_DELAY": max(job.download_delay, 0.01),
        "AUTOTHROTTLE_MAX_DELAY": 60.0,
        "AUTOTHROTTLE_TARGET_CONCURRENCY": 1.0,
        "DOWNLOAD_DELAY": job.download_delay,
        "CONCURRENT_REQUESTS": 4,
        "CONCURRENT_REQUESTS_PER_DOMAIN": 1,
        "DOWNLOAD_TIMEOUT": job.download_timeout,
        "DOWNLOAD_MAXSIZE": job.download_max_bytes,
        "DOWNLOAD_WARNSIZE": max(1, job.download_max_bytes // 2),
        "RETRY_ENABLED": False,
        "DDOR_RETRIES": job.retries,
        "DDOR_RETRY_BACKOFF": job.retry_backoff,
        # A struggling server gets at most five minutes between tries of one request.
        "DDOR_RETRY_BACKOFF_CAP": 300.0,
        "DDOR_RETRY_AFTER_MAX": job.retry_after_max,
        "DOWNLOADER_MIDDLEWARES": {"ddor_watch.scraper.middlewares.BackoffRetryMiddleware": 550,
                                   "ddor_watch.scraper.middlewares.SameOriginRedirectMiddleware": 600},
        "REDIRECT_ENABLED": False,
        "ITEM_PIPELINES": {"ddor_watch.scraper.pipelines.ArchivePipeline": 100},
        "COOKIES_ENABLED": False,
        "TELNETCONSOLE_ENABLED": False,
        "LOG_LEVEL": "WARNING",
        "LOG_ENABLED": True,
    }
