"""Read a published jurisdiction list by its structure: headings such as STATES / COUNTIES /
CITIES, each over list items or table rows. Page chrome (navigation, header, footer, forms)
is never read, so a redesign that keeps the list changes nothing. A page that answers but
holds no such list raises ListLayoutError: layout drift, never "everyone was removed".
"""

from __future__ import annotations

import io
import re

import lxml.html
from lxml import etree
from parsel import Selector

from ddor_watch.db.inert import sanitise
from ddor_watch.db.records import ListEntry, ListLevel, ListReading
from ddor_watch.scraper.sources.base import ListLayoutError
from ddor_watch.scraper.sources.places import level_of_heading, resolve

_CHROME = "ancestor::nav or ancestor::header or ancestor::footer or ancestor::form or ancestor::aside"
_HEADING_TAGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
MAX_ENTRIES = 5000     # a list page is a few hundred entries; more is not this page any more


def _text(node: Selector) -> str:
    return " ".join(sanitise(" ".join(node.xpath(".//text()").getall()))[0].split())


def _whole_page(body: bytes, url: str) -> Selector:
    """The page's tree, or ListLayoutError when the parser could not read it whole. libxml2
    stops building the tree past its depth limit and, with recovery on, carries on as if the
    page had ended there: the rest of the list would read as removed. huge_tree stays off (a
    page nested thousands deep is not a list page) and any resource or fatal error refuses."""
    parser = lxml.html.HTMLParser(recover=True, huge_tree=False, remove_comments=True)
    text = body.decode("utf-8", "replace")
    root = etree.fromstring(text.encode("utf-8"), parser) if text.strip() else None
    fatal = [e for e in parser.error_log if e.level_name == "FATAL" or "RESOURCE_LIMIT" in e.type_name]
    if fatal:
        raise ListLayoutError(f"{url}: the page could not be read whole (line {fatal[0].line}: "
                              f"{fatal[0].message.strip()}); nothing read from it counts")
    if root is None:
        raise ListLayoutError(f"{url}: the page is empty")
    return Selector(root=root)


def parse_list_page(body: bytes, content_type: str, url: str, part: str = "") -> ListReading:
    """A ListParser for jurisdiction lists (DOJ, DHS): an HTML page or a PDF."""
    if "pdf" in content_type.lower() or body.startswith(b"%PDF-"):
        return ListReading(url, _entries_from_lines(_pdf_lines(body)))
    page = _whole_page(body, url)
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
    return ListReading(url, tuple(entries))


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
