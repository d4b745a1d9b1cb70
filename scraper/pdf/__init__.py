"""PDF bytes in, `ParsedReport` out. Pure: no database, no network, no clock."""

from ddor_watch.scraper.pdf.parser import parse_report

__all__ = ["parse_report"]
