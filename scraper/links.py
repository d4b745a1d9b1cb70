"""Recognise report links, release links and pagination on any newsroom markup.

Discovery goes by URL patterns, link text and `rel="next"`, never by CSS classes, so a
redesign of the listing does not blind the bot.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urljoin, urlparse

_SKIP_SCHEMES = ("javascript:", "mailto:", "tel:", "data:")
_NEXT_TEXT = re.compile(r"^\s*(next(\s+page)?|›|»|>|older)\s*[›»>]?\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class LinkRules:
    url_patterns: tuple[re.Pattern[str], ...]
    text_pattern: re.Pattern[str]
    allowed_hosts: frozenset[str]
    # (host, explicit port or None) of each start URL: a link to the same host on another
    # port is another server and is not followed.
    allowed_origins: frozenset[tuple[str, int | None]] = frozenset()

    @classmethod
    def build(cls, url_patterns: list[str], text_pattern: str, start_urls: list[str]) -> LinkRules:
        return cls(tuple(re.compile(p, re.IGNORECASE) for p in url_patterns),
                   re.compile(text_pattern, re.IGNORECASE),
                   frozenset(urlparse(u).hostname or "" for u in start_urls),
                   frozenset(_host_port(u) for u in start_urls))


def _host_port(url: str) -> tuple[str, int | None]:
    parsed = urlparse(url)
    try:
        port = parsed.port
    except ValueError:
        port = -1  # a malformed port matches no origin
    return parsed.hostname or "", port


def same_origin(a: str, b: str) -> bool:
    """Scheme, host and port all equal (the port as written, or the scheme's default)."""
    first, second = urlparse(a), urlparse(b)
    defaults = {"http": 80, "https": 443}
    try:
        return (first.scheme, first.hostname, first.port or defaults.get(first.scheme)) == \
            (second.scheme, second.hostname, second.port or defaults.get(second.scheme))
    except ValueError:
        return False


def absolute(base: str, href: str | None) -> str | None:
    """The absolute URL of a link worth considering, or None (scripts, mail, fragments)."""
    if not href:
        return None
    href = href.strip()
    if not href or href.startswith("#") or href.lower().startswith(_SKIP_SCHEMES):
        return None
    url = urljoin(base, href).split("#", 1)[0]
    return url if urlparse(url).scheme in {"http", "https"} else None


def on_site(url: str, rules: LinkRules) -> bool:
    host, port = _host_port(url)
    return any((host == allowed or host.endswith("." + allowed)) and port == allowed_port
               for allowed, allowed_port in rules.allowed_origins)


def is_pdf_url(url: str) -> bool:
    return urlparse(url).path.lower().endswith(".pdf")


def is_report_link(url: str, text: str, rules: LinkRules) -> bool:
    if not on_site(url, rules):
        return False
    if any(p.search(url) for p in rules.url_patterns):
        return True
    return is_pdf_url(url) and bool(rules.text_pattern.search(text))


def is_release_link(url: str, text: str, rules: LinkRules) -> bool:
    """A press release (not a PDF) whose link text mentions the report."""
    return on_site(url, rules) and not is_pdf_url(url) and bool(rules.text_pattern.search(text))


def is_next_link(text: str, rel: str | None) -> bool:
    return "next" in (rel or "").lower().split() or bool(_NEXT_TEXT.match(text or ""))


def next_page_url(current: str, links: list[str]) -> str | None:
    """A pager without a "next" link: the link to this listing with `page` one higher."""
    from urllib.parse import parse_qs

    here = urlparse(current)
    page = int(parse_qs(here.query).get("page", ["0"])[0] or 0)
    for link in links:
        there = urlparse(link)
        if there.path == here.path and parse_qs(there.query).get("page") == [str(page + 1)]:
            return link
    return None
