"""Shared publishing helpers: each network's length rules and the thread packer."""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable

import grapheme

with warnings.catch_warnings():
    # twitter-text-parser (last release 2023) imports pkg_resources, which warns on import.
    warnings.simplefilter("ignore", UserWarning)
    from twitter_text import parse_tweet

URL = re.compile(r"https?://\S+")

LIMITS = {"x": 280, "mastodon": 500, "bluesky": 300}


def x_length(text: str) -> int:
    """X's weighted length: every URL (even a bare domain) 23, CJK and emoji 2."""
    weighted: int = parse_tweet(text).weightedLength
    return weighted


def mastodon_length(text: str) -> int:
    """Mastodon counts every URL as 23 characters."""
    return len(URL.sub("x" * 23, text))


def bluesky_length(text: str) -> int:
    count: int = grapheme.length(text)
    return count


LENGTH: dict[str, Callable[[str], int]] = {"x": x_length, "mastodon": mastodon_length, "bluesky": bluesky_length}


def short_url(url: str, limit: int = 48) -> str:
    """A URL as Bluesky displays it: no scheme, no www, cut with an ellipsis (the facet keeps it whole)."""
    shown = re.sub(r"^https?://(www\.)?", "", url)
    return shown if len(shown) <= limit else shown[: limit - 1] + "\u2026"


def fits(channel: str, text: str) -> bool:
    return LENGTH[channel](text) <= LIMITS[channel]


def _split_long(line: str, measure: Callable[[str], int], limit: int) -> list[str]:
    words, pieces, current = line.split(" "), [], ""
    for word in words:
        candidate = f"{current} {word}".strip()
        if current and measure(candidate) > limit:
            pieces.append(current)
            current = word
        else:
            current = candidate
    if current:
        pieces.append(current)
    return pieces


def pack_thread(head: str, sections: list[list[str]], channel: str) -> list[str]:
    """The head post, then sections (title line + item lines) packed into as few posts as fit."""
    measure, limit = LENGTH[channel], LIMITS[channel]
    posts = [head.strip()]
    current: list[str] = []

    def flush() -> None:
        if current:
            posts.append("\n".join(current))
            current.clear()

    for section in sections:
        if not section:
            continue
        title, items = section[0], section[1:]
        whole = "\n".join(section)
        # Start a fresh post when the section would fit in one but not in what is left here.
        if current and (measure("\n".join([*current, "", whole])) > limit >= measure(whole)
                        or measure("\n".join([*current, "", title, *(items[:1])])) > limit):
            flush()
        if current:
            current.append("")
        current.append(title)
        for item in items:
            for piece in _split_long(item, measure, limit - measure(title) - 12):
                if measure("\n".join([*current, piece])) > limit:
                    flush()
                    current.append(f"{title} (cont.)")
                current.append(piece)
    flush()
    return posts
