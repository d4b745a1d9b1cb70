"""Which client serves each channel: live when enabled and configured, else the dry run."""

from __future__ import annotations

from ddor_watch.db.records import ChannelName, PendingDelivery
from ddor_watch.db.session import Database
from ddor_watch.publish.channels.base import Channel
from ddor_watch.publish.channels.dryrun import DryRunChannel
from ddor_watch.publish.settings import PublishSettings


def configured(settings: PublishSettings, name: ChannelName) -> bool:
    return {
        ChannelName.X: settings.x.configured,
        ChannelName.MASTODON: settings.mastodon.configured,
        ChannelName.BLUESKY: settings.bluesky.configured,
        ChannelName.EMAIL: settings.smtp.configured,
    }[name]


def is_live(settings: PublishSettings, name: ChannelName, dry_run: bool | None = None) -> bool:
    return not dry_run and settings.enabled and configured(settings, name)


def build_channels(settings: PublishSettings, db: Database,
                   dry_run: bool | None = None) -> dict[ChannelName, Channel]:
    from ddor_watch.publish.channels.email import EmailChannel, build_email
    from ddor_watch.publish.unsubscribe import unsubscribe_url

    def url_for(recipient: str) -> str:
        return unsubscribe_url(settings.unsubscribe, db, recipient)

    def email_preview(item: PendingDelivery) -> bytes:
        return bytes(build_email(settings.smtp.email_from, item, url_for(item.recipient)))

    channels: dict[ChannelName, Channel] = {}
    for name in ChannelName:
        if not is_live(settings, name, dry_run):
            channels[name] = DryRunChannel(name, settings.data.outbox,
                                           email_preview if name is ChannelName.EMAIL else None)
        elif name is ChannelName.X:
            from ddor_watch.publish.channels.x import XChannel

            channels[name] = XChannel(settings.x)
        elif name is ChannelName.MASTODON:
            from ddor_watch.publish.channels.mastodon import MastodonChannel

            channels[name] = MastodonChannel(settings.mastodon)
        elif name is ChannelName.BLUESKY:
            from ddor_watch.publish.channels.bluesky import BlueskyChannel

            channels[name] = BlueskyChannel(settings.bluesky)
        else:
            channels[name] = EmailChannel(settings.smtp, url_for)
    return channels
