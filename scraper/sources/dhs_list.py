"""DHS's list of "sanctuary jurisdictions" under Executive Order 14287 (published 29 May
2025, entries removed after jurisdictions contested them, page taken down 2 June 2025):
states, counties and cities, under headings or in a table."""

from ddor_watch.scraper.sources.base import Source, SourceKind
from ddor_watch.scraper.sources.list_page import parse_list_page

SOURCE = Source(name="dhs-list", agency="DHS", title="sanctuary jurisdictions list",
                kind=SourceKind.JURISDICTION_LIST, start_urls=("https://www.dhs.gov/sanctuary-jurisdictions",),
                parse=parse_list_page)
