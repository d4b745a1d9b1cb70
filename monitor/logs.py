"""Logging: readable lines by default, JSON lines with --log-format json. Secrets never logged."""

from __future__ import annotations

import json
import logging
import re

_SECRET = re.compile(r"(?i)(password|secret|token|authorization)(['\"]?\s*[:=]\s*['\"]?)([^\s'\",}]+)")


def redact(text: str) -> str:
    return _SECRET.sub(lambda m: f"{m[1]}{m[2]}****", text)


_KNOWN_SECRETS: set[str] = set()


def forget_in_logs(values: list[str]) -> None:
    """Configured credentials, removed from every log line whatever logger wrote it."""
    _KNOWN_SECRETS.update(v for v in values if len(v) >= 4)


def redact_known(text: str) -> str:
    for value in sorted(_KNOWN_SECRETS, key=len, reverse=True):
        text = text.replace(value, "****")
    return redact(text)


class _Redacting(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        return redact_known(super().format(record))


class _Json(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {"time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"), "level": record.levelname,
                 "logger": record.name, "message": redact_known(record.getMessage())}
        if record.exc_info:
            entry["exc"] = redact_known(self.formatException(record.exc_info))
        return json.dumps(entry, ensure_ascii=False)


def setup_logging(fmt: str = "text", level: int = logging.WARNING) -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(_Json() if fmt == "json" else _Redacting("%(asctime)s %(levelname)-7s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for noisy in ("pdfminer", "scrapy", "twisted", "matplotlib", "PIL", "alembic", "httpx", "urllib3"):
        logging.getLogger(noisy).setLevel(max(level, logging.WARNING))
    # These log request signatures, headers and tokens at DEBUG: never below WARNING, even
    # with --debug (a maintainer's debug log is shared in issues).
    for credential_logger in ("oauthlib", "requests_oauthlib", "tweepy", "atproto", "atproto_client", "httpcore",
                              "mastodon", "requests"):
        logging.getLogger(credential_logger).setLevel(logging.WARNING)


def service_logging() -> None:
    """A long-running service (`ddor run`, `ddor serve`) logs its routine lines (INFO): it has
    no terminal to answer on, so its journal must say what it did."""
    root = logging.getLogger()
    if root.level > logging.INFO:
        root.setLevel(logging.INFO)
