"""Shared publishing helpers: each network's length rules and the thread packer."""

from __future__ import annotations

import datetime as dt
import re
import warnings
from collections.abc import Callable
from dataclasses import dataclass

import grapheme

from ddor_watch.db.errors import PublishError
from ddor_watch.db.records import ChannelName
from ddor_watch.publish.i18n import N_

with warnings.catch_warnings():
    # twitter-text-parser (last release 2023) imports pkg_resources, which warns on import.
    warnings.simplefilter("ignore", UserWarning)
    from twitter_text import parse_tweet

URL = re.compile(r"https?://\S+")

# A post's length limit and how each network counts, by channel (posting channels only).
LIMITS: dict[str, int] = {ChannelName.X: 280, ChannelName.MASTODON: 500, ChannelName.BLUESKY: 300,
                          ChannelName.APPRISE: 1900}   # Apprise: under Discord's 2,000, the smallest common target


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


LENGTH: dict[str, Callable[[str], int]] = {ChannelName.X: x_length, ChannelName.MASTODON: mastodon_length,
                                           ChannelName.BLUESKY: bluesky_length, ChannelName.APPRISE: len}


def day_text(value: dt.date) -> str:
    """ "May 16, 2025": how every post, digest and page gives a day (a moment by its own day)."""
    return f"{value:%b} {value.day}, {value.year}"


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


# The one sentence the packer writes itself: where the rest of a cut list can be read (its
# translations are in the catalogs: `pybabel extract` finds it by the N_ marker).
MORE = N_("and {count} more: {url}")
ELLIPSIS = "\u2026"
MAX_FOLLOW_UPS = 3


@dataclass(frozen=True)
class Block:
    """One follow-up as the template wrote it: a list (title + items) or one paragraph of prose."""

    title: str
    items: tuple[str, ...] = ()
    prose: bool = False


def truncate(text: str, measure: Callable[[str], int], limit: int) -> str:
    """`text` cut at a word boundary to measure at most `limit`, with an ellipsis when cut."""
    if measure(text) <= limit:
        return text
    return split_to_fit(text, measure, limit - measure(ELLIPSIS))[0].rstrip(" ,;:") + ELLIPSIS


def pack_list(block: Block, measure: Callable[[str], int], limit: int, more_url: str, more: str = MORE) -> str:
    """One post: the title and as many whole items as fit, then "and N more" with the link."""
    lines = [truncate(block.title, measure, limit // 2)]
    for index, item in enumerate(block.items):
        rest = len(block.items) - index - 1
        line = truncate(item, measure, limit // 2)
        tail = [more.format(count=rest, url=more_url)] if rest else []
        if measure("\n".join([*lines, line, *tail])) > limit:
            lines.append(more.format(count=rest + 1, url=more_url))
            break
        lines.append(line)
    return "\n".join(lines)


def pack_prose(block: Block, measure: Callable[[str], int], limit: int, more_url: str) -> str:
    """One post of prose: whole if it fits, else cut at a word with an ellipsis and the link."""
    if measure(block.title) <= limit:
        return block.title
    link = f" ({more_url})"
    return truncate(block.title, measure, limit - measure(link)) + link


def pack_thread(head: str, blocks: list[Block], channel: str, more_url: str, more: str = MORE) -> list[str]:
    """The head post, then at most three follow-ups, each one post within the network's limit.

    Lists come first; a prose block (ICE's caveat, a correction's row count) goes only into a
    slot the lists left free. Whatever a post cannot hold stays in the digest and the full list
    behind `more_url`.
    """
    measure, limit = LENGTH[channel], LIMITS[channel]
    posts = [head.strip()]
    for block in blocks:
        if len(posts) > MAX_FOLLOW_UPS:
            break
        if block.prose:
            posts.append(pack_prose(block, measure, limit, more_url))
        elif block.items:
            posts.append(pack_list(block, measure, limit, more_url, more))
    over = [post for post in posts if measure(post) > limit]
    if over:  # the packing above must make this impossible; never hand a network a post it refuses
        raise PublishError(channel, f"a thread part measures {measure(over[0])}, over the {limit} limit")
    return posts
