"""Read a published jurisdiction list by its structure: headings such as STATES / COUNTIES /
CITIES, each over list items or table rows. Page chrome (navigation, header, footer, forms)
is never read, so a redesign that keeps the list changes nothing. A page that answers but
holds no such list raises ListLayoutError: layout drift, never "everyone was removed".
"""

from __future__ import annotations

import io
import re

from parsel import Selector

from ddor_watch.db.inert import sanitise
from ddor_watch.db.records import ListEntry, ListLevel, ListSnapshot
from ddor_watch.scraper.sources.base import ListLayoutError
from ddor_watch.scraper.sources.places import level_of_heading, resolve

_CHROME = "ancestor::nav or ancestor::header or ancestor::footer or ancestor::form or ancestor::aside"
_HEADING_TAGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
MAX_ENTRIES = 5000     # a list page is a few hundred entries; more is not this page any more


def _text(node: Selector) -> str:
    return " ".join(sanitise(" ".join(node.xpath(".//text()").getall()))[0].split())


def parse_list_page(source: str, body: bytes, content_type: str, url: str) -> ListSnapshot:
    if "pdf" in content_type.lower() or body.startswith(b"%PDF-"):
        return ListSnapshot(source, url, _entries_from_lines(_pdf_lines(body)))
    page = Selector(text=body.decode("utf-8", "replace"))
    found = page.xpath("//main") or page.xpath("//body")
    root = found[0] if found else page
    entries: list[ListEntry] = []
    heading: tuple[str, ListLevel] | None = None
    for node in root.xpath(f".//*[self::h1 or self::h2 or self::h3 or self::h4 or self::h5 or self::h6 "
                              f"or self::li or self::tr or self::dt or self::p/strong][not({_CHROME})]"):
        tag = node.root.tag if hasattr(node.root, "tag") else ""
        text = _text(node)
        if not text:
            continue
        if tag in _HEADING_TAGS or tag in {"strong", "dt"} or (tag == "tr" and node.xpath("./th")):
            level = level_of_heading(text) if len(text) <= 80 else None
            heading = (text, level) if level is not None else (None if tag in _HEADING_TAGS else heading)
            continue
        if heading is None:
            continue
        if tag == "tr":
            cells = [_text(cell) for cell in node.xpath("./td")]
            text = ", ".join(c for c in cells if c)
        if tag == "li" and node.xpath(".//li"):
            continue   # a nested list: its own items are read
        entries.append(resolve(heading[0], heading[1], text))
        if len(entries) > MAX_ENTRIES:
            raise ListLayoutError(f"{url}: more than {MAX_ENTRIES} entries; not a jurisdiction list")
    if not entries:
        raise ListLayoutError(f"{url}: no States / Counties / Cities list found on the page")
    return ListSnapshot(source, url, tuple(entries))


def _pdf_lines(body: bytes) -> list[str]:
    import pdfplumber

    lines: list[str] = []
    with pdfplumber.open(io.BytesIO(body)) as pdf:
        for page in pdf.pages[:50]:
            lines += [" ".join(sanitise(line)[0].split()) for line in (page.extract_text() or "").splitlines()]
            page.close()
    return [line for line in lines if line]


def _entries_from_lines(lines: list[str]) -> tuple[ListEntry, ...]:
    entries: list[ListEntry] = []
    heading: tuple[str, ListLevel] | None = None
    for line in lines:
        level = level_of_heading(line) if len(line) <= 40 and not re.search(r",\s*[A-Z]{2}$", line) else None
        if level is not None:
            heading = (line, level)
        elif heading is not None:
            entries.append(resolve(heading[0], heading[1], line))
    if not entries:
        raise ListLayoutError("no States / Counties / Cities list found in the PDF")
    return tuple(entries)
