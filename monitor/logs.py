"""Logging: readable lines by default, JSON lines with --log-format json. Secrets never logged."""

from __future__ import annotations

import json
import logging
import re

_SECRET = re.compile(r"(?i)(password|secret|token|authorization)(['\"]?\s*[:=]\s*['\"]?)([^\s'\",}]+)")


def redact(text: str) -> str:
    return _SECRET.sub(lambda m: f"{m[1]}{m[2]}****", text)


class _Redacting(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))


class _Json(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {"time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"), "level": record.levelname,
                 "logger": record.name, "message": redact(record.getMessage())}
        if record.exc_info:
            entry["exc"] = redact(self.formatException(record.exc_info))
        return json.dumps(entry, ensure_ascii=False)


def setup_logging(fmt: str = "text", level: int = logging.WARNING) -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(_Json() if fmt == "json" else _Redacting("%(asctime)s %(levelname)-7s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for noisy in ("pdfminer", "scrapy", "twisted", "matplotlib", "PIL", "alembic", "httpx", "urllib3"):
        logging.getLogger(noisy).setLevel(max(level, logging.WARNING))
