"""Every channel, from its module's declaration. Adding one: a module in this folder with a
`SPEC`, its line here, its templates (`templates/<name>/`), its value in `ChannelName`, its
settings (`monitor/config.py`, `publish/settings.py`) and its limit in `publish/common.py`."""

from __future__ import annotations

from ddor_watch.db.records import ChannelName
from ddor_watch.publish.channels import apprise, bluesky, email, mastodon, x
from ddor_watch.publish.channels.spec import ChannelSpec

CHANNELS: dict[ChannelName, ChannelSpec] = {spec.name: spec for spec in (
    x.SPEC, mastodon.SPEC, bluesky.SPEC, email.SPEC, apprise.SPEC)}

# The channels that get posts (a thread rendered from their templates), in a stable order.
POSTING: tuple[ChannelSpec, ...] = tuple(spec for spec in CHANNELS.values() if spec.posts)
# The channel that carries the digest to each subscriber who follows what changed.
DIGEST: ChannelSpec = next(spec for spec in CHANNELS.values() if not spec.posts)
