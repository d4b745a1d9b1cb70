"""One module per source, the way warn-scraper has one module per state.

A source declares where to start, how to recognise its documents (URL patterns, link text,
content type), how to parse one into a typed snapshot, and which snapshot kind it produces.
The crawl child process, politeness, the archive, storage, diff and outbox stay shared.
Adding a source: a module here with a `SOURCE`, its line in `SOURCES` below, a replica in
`tests/`, and its name in `DDOR_SOURCES` to enable it.
"""

from __future__ import annotations

from ddor_watch.scraper.sources import dhs_list, doj_list
from ddor_watch.scraper.sources.base import Source, SourceKind
from ddor_watch.scraper.sources.ddor import DDOR

SOURCES: dict[str, Source] = {source.name: source for source in (DDOR, doj_list.SOURCE, dhs_list.SOURCE)}

__all__ = ["SOURCES", "Source", "SourceKind"]
