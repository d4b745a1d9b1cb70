"""DHS's list of "sanctuary jurisdictions" under Executive Order 14287 (published 29 May
2025, entries removed after jurisdictions contested them, page taken down 2 June 2025):
states, counties and cities, under headings or in a table."""

from ddor_watch.db.records import ListSnapshot
from ddor_watch.scraper.sources.base import Source, SourceKind
from ddor_watch.scraper.sources.lists import parse_list_page


def parse(body: bytes, content_type: str, url: str) -> ListSnapshot:
    return parse_list_page("dhs-list", body, content_type, url)


SOURCE = Source(
    name="dhs-list", agency="DHS", title="sanctuary jurisdictions list", kind=SourceKind.JURISDICTION_LIST,
    start_urls=("https://www.dhs.gov/sanctuary-jurisdictions",),
    url_patterns=(r"dhs\.gov/.*sanctuary",), link_text=r"sanctuary\s+jurisdiction",
    content_types=("text/html", "application/pdf"), parse=parse,
)
