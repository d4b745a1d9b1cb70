"""Which client serves each channel: live when enabled and configured, else the dry run. The
registry's declarations decide; nothing here names a channel."""

from __future__ import annotations

from ddor_watch.db.records import ChannelName
from ddor_watch.db.session import Database
from ddor_watch.publish.channels.base import Channel
from ddor_watch.publish.channels.registry import CHANNELS
from ddor_watch.publish.settings import PublishSettings


def configured(settings: PublishSettings, name: ChannelName) -> bool:
    return CHANNELS[name].configured(settings)


def is_live(settings: PublishSettings, name: ChannelName, dry_run: bool | None = None) -> bool:
    return not dry_run and settings.enabled and configured(settings, name)


def build_channels(settings: PublishSettings, db: Database,
                   dry_run: bool | None = None) -> dict[ChannelName, Channel]:
    return {name: spec.live(settings, db) if is_live(settings, name, dry_run) else spec.dry_run(settings, db)
            for name, spec in CHANNELS.items()}
