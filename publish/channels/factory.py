"""Which client serves each channel: live when enabled and configured, else the dry run."""

from __future__ import annotations

import functools

from ddor_watch.db.records import ChannelName, PendingDelivery
from ddor_watch.db.session import Database
from ddor_watch.publish.channels.base import Channel
from ddor_watch.publish.channels.dryrun import DryRunChannel, Planner
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


def planner(settings: PublishSettings, name: ChannelName) -> Planner:
    """The request planner of a social network, bound to its configured endpoint."""
    if name is ChannelName.X:
        from ddor_watch.publish.channels import x

        return functools.partial(x.planned_requests, api_base=settings.x.api_base)
    if name is ChannelName.MASTODON:
        from ddor_watch.publish.channels import mastodon

        base = settings.mastodon.base_url or "https://<your instance>"
        return functools.partial(mastodon.planned_requests, base_url=base)
    from ddor_watch.publish.channels import bluesky

    return functools.partial(bluesky.planned_requests, base_url=settings.bluesky.base_url,
                             site_url=settings.bluesky.site_url)


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
            if name is ChannelName.EMAIL:
                channels[name] = DryRunChannel(name, settings.data.outbox, email_builder=email_preview)
            else:
                channels[name] = DryRunChannel(name, settings.data.outbox, planner=planner(settings, name))
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
