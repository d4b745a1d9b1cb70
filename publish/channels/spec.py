"""What a channel module declares, and what the registry builds channels from.

A channel is one module in this folder with a `SPEC`: its name, whether it gets posts (a
thread rendered from `templates/<name>/`) or the digest, when it is configured, how to build
its live client and its dry run, who receives each message, and whether a message carries a
title. Its post limit and length count stand beside the others in `publish/common.py`
(`LIMITS`, `LENGTH`). Nothing outside the module and the registry names a channel.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ddor_watch.db.records import ChannelName
from ddor_watch.db.session import Database
from ddor_watch.publish.channels.base import Channel
from ddor_watch.publish.settings import PublishSettings


def one_recipient(settings: PublishSettings) -> list[str]:
    """A channel that posts to one account has one recipient, the account ("")."""
    return [""]


@dataclass(frozen=True)
class ChannelSpec:
    name: ChannelName
    posts: bool                                                   # a thread of posts (else: the digest, per subscriber)
    configured: Callable[[PublishSettings], bool]
    live: Callable[[PublishSettings, Database], Channel]
    dry_run: Callable[[PublishSettings, Database], Channel]       # writes exactly what `live` would send
    recipients: Callable[[PublishSettings], list[str]] = one_recipient
    titled: bool = False                                          # messages carry the digest's subject as title
