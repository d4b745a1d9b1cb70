"""One module per source, the way warn-scraper has one module per state.

A source declares where to start, which documents its page links (if it reads those rather
than the page), how to parse one into entries, and its kind, which decides the diff and the
templates. The crawl child process, politeness, the archive, storage, diff and outbox stay
shared and read only this registry. Adding a source: a module here with a `SOURCE`, its line
in `SOURCES` below, a replica in `monitor/samples/`, tests, and its name in `DDOR_SOURCES`.
"""

from __future__ import annotations

from ddor_watch.scraper.sources import ddor, dhs_list, doj_list, ice_287g
from ddor_watch.scraper.sources.base import LinkedDocument, Source, SourceKind

SOURCES: dict[str, Source] = {source.name: source for source in (
    ddor.SOURCE, doj_list.SOURCE, dhs_list.SOURCE, ice_287g.SOURCE)}

__all__ = ["SOURCES", "LinkedDocument", "Source", "SourceKind"]
