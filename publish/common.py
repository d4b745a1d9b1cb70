"""Shared publishing helpers: each network's length rules and the thread packer."""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable

import grapheme

from ddor_watch.db.errors import PublishError

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


_SENTENCE_END = re.compile(r"(?<=[.!?;])\s+")


def split_to_fit(text: str, measure: Callable[[str], int], limit: int) -> list[str]:
    """Pieces of `text` that each measure at most `limit`: whole sentences where they fit,
    else whole words; a single word longer than the limit is cut with an ellipsis."""
    if measure(text) <= limit:
        return [text]
    pieces: list[str] = []
    current = ""
    for unit in _units(text, measure, limit):
        candidate = f"{current} {unit}".strip()
        if current and measure(candidate) > limit:
            pieces.append(current)
            current = unit
        else:
            current = candidate
    if current:
        pieces.append(current)
    return pieces


def _units(text: str, measure: Callable[[str], int], limit: int) -> list[str]:
    units: list[str] = []
    for sentence in _SENTENCE_END.split(text):
        if measure(sentence) <= limit:
            units.append(sentence)
            continue
        for word in sentence.split(" "):
            while measure(word) > limit:
                cut = max(1, limit - 1)
                while cut > 1 and measure(word[:cut] + "\u2026") > limit:
                    cut -= 1
                units.append(word[:cut] + "\u2026")
                word = word[cut:]
            units.append(word)
    return [u for u in units if u]


def _continued(title: str) -> str:
    """The header of a section's next post: its label (before any colon), marked continued."""
    label = title.split(":", 1)[0].strip()
    if len(label) > 60:
        label = " ".join(label[:60].split(" ")[:-1]) + "\u2026"
    return f"{label} (cont.):"


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
        # A title longer than a post (ICE's caveat is one) is split like prose: its first
        # piece titles the section, the rest follow as items.
        title_pieces = split_to_fit(section[0], measure, limit - 12)
        title, items = title_pieces[0], [*title_pieces[1:], *section[1:]]
        whole = "\n".join(section)
        # Start a fresh post when the section would fit in one but not in what is left here.
        if current and (measure("\n".join([*current, "", whole])) > limit >= measure(whole)
                        or measure("\n".join([*current, "", title, *(items[:1])])) > limit):
            flush()
        if current:
            current.append("")
        current.append(title)
        for item in items:
            # A piece must fit in a fresh post under the continuation label.
            for piece in split_to_fit(item, measure, limit - measure(_continued(title)) - 2):
                if measure("\n".join([*current, piece])) > limit:
                    flush()
                    current.append(_continued(title))
                current.append(piece)
    flush()
    over = [post for post in posts if measure(post) > limit]
    if over:  # the packing above must make this impossible; never hand a network a post it refuses
        raise PublishError(channel, f"a thread part measures {measure(over[0])}, over the {limit} limit")
    return posts
