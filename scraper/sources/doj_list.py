"""DOJ's list of "sanctuary jurisdictions" under Executive Order 14287 (first published
5 Aug 2025): STATES, COUNTIES and CITIES headings over lists of entries such as
"Baltimore County, MD" and "San Francisco City, CA"."""

from ddor_watch.scraper.sources.base import Source, SourceKind
from ddor_watch.scraper.sources.list_page import parse_list_page

SOURCE = Source(name="doj-list", agency="DOJ", title="sanctuary jurisdiction list",
                kind=SourceKind.JURISDICTION_LIST, start_urls=("https://www.justice.gov/ag/sanctuary-jurisdictions",),
                parse=parse_list_page)
