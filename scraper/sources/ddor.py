"""ICE's Declined Detainer Outcome Report: PDFs found through the newsroom (scraper.spiders)
and parsed by scraper.pdf. How its links are recognised is configuration (DDOR_START_URLS,
DDOR_LANDING_URLS, DDOR_LINK_PATTERNS, DDOR_LINK_TEXT_PATTERN), declared with the settings."""

from ddor_watch.db.records import REPORT_SOURCE
from ddor_watch.scraper.sources.base import Source, SourceKind

SOURCE = Source(name=REPORT_SOURCE, agency="ICE", title="Declined Detainer Outcome Report", kind=SourceKind.DDOR_REPORT,
                start_urls=("https://www.ice.gov/newsroom", "https://www.ice.gov/declined-detainer-outcome-report"))
