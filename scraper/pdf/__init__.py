"""PDF bytes in, `ParsedReport` out. Pure: no database, no network, no clock.

`parse_report` is imported on first use: the CLI and the crawl child load this package for its
small modules (limits, normalisation) and must not pay for pdfplumber unless they parse.
"""

from __future__ import annotations

from typing import Any

__all__ = ["parse_report"]


def __getattr__(name: str) -> Any:
    if name == "parse_report":
        from ddor_watch.scraper.pdf.parser import parse_report

        return parse_report
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
