"""ICE's 287(g) program: the page links two workbooks, Participating Agencies and Pending
Agencies, whose file names change with every update (participatingAgencies07182025pm.xlsx).
They are found on the page by link text and address, and each is read by its headers."""

from ddor_watch.scraper.sources.base import LinkedDocument, Source, SourceKind
from ddor_watch.scraper.sources.workbook import read_agreements

SOURCE = Source(
    name="ice-287g", agency="ICE", title="287(g) list", kind=SourceKind.AGREEMENT_LIST,
    start_urls=("https://www.ice.gov/identify-and-arrest/287g",),
    parse=read_agreements, sandboxed=True, follow_entry_links=True,
    documents=(
        LinkedDocument("participating", r"participating", r"participating[^/]*\.xlsx?(\?|$)"),
        LinkedDocument("pending", r"pending", r"pending[^/]*\.xlsx?(\?|$)"),
    ),
)
