"""DOJ's list of "sanctuary jurisdictions" under Executive Order 14287 (first published
5 Aug 2025): STATES, COUNTIES and CITIES headings over lists of entries such as
"Baltimore County, MD" and "San Francisco City, CA"."""

from ddor_watch.db.records import ListSnapshot
from ddor_watch.scraper.sources.base import Source, SourceKind
from ddor_watch.scraper.sources.lists import parse_list_page


def parse(body: bytes, content_type: str, url: str) -> ListSnapshot:
    return parse_list_page("doj-list", body, content_type, url)


SOURCE = Source(
    name="doj-list", agency="DOJ", title="sanctuary jurisdiction list", kind=SourceKind.JURISDICTION_LIST,
    start_urls=("https://www.justice.gov/ag/sanctuary-jurisdictions",),
    url_patterns=(r"justice\.gov/.*sanctuary",), link_text=r"sanctuary\s+jurisdiction",
    content_types=("text/html", "application/pdf"), parse=parse,
)
