"""ICE's Declined Detainer Outcome Report: PDFs found through the newsroom (scraper.spiders)
and parsed by scraper.pdf. Its start pages and patterns are settings (DDOR_START_URLS,
DDOR_LANDING_URLS, DDOR_LINK_PATTERNS, DDOR_LINK_TEXT_PATTERN); these are the defaults."""

from ddor_watch.scraper.sources.base import Source, SourceKind

DDOR = Source(
    name="ddor", agency="ICE", title="Declined Detainer Outcome Report", kind=SourceKind.DDOR_REPORT,
    start_urls=("https://www.ice.gov/newsroom", "https://www.ice.gov/declined-detainer-outcome-report"),
    url_patterns=(r"/ddor/.*\.pdf$", r"declined[-_]detainer.*\.pdf$"),
    link_text=r"declined\s+detainer|detainer\s+outcome|\bDDOR\b",
    content_types=("application/pdf",),
)
