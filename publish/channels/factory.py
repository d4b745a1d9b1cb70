"""Which client serves each channel: live when enabled and configured, else the dry run."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ddor_watch.db.session import Database
from ddor_watch.publish.channels.dryrun import DryRunChannel


def configured(config: Any, name: str) -> bool:
    return {
        "x": all((config.x_consumer_key, config.x_consumer_secret, config.x_access_token,
                  config.x_access_token_secret)),
        "mastodon": bool(config.mastodon_base_url and config.mastodon_access_token),
        "bluesky": bool(config.bluesky_handle and config.bluesky_app_password),
        "email": bool(config.smtp_host),
    }[name]


def is_live(config: Any, name: str, dry_run: bool | None = None) -> bool:
    return not dry_run and config.publish_enabled and configured(config, name)


def build_channels(config: Any, db: Database, dry_run: bool | None = None) -> dict[str, Any]:
    from ddor_watch.publish.channels.email import EmailChannel, build_email
    from ddor_watch.publish.unsubscribe import unsubscribe_url

    def url_for(recipient: str) -> str:
        return unsubscribe_url(config, db, recipient)

    outbox = Path(config.data_dir) / "outbox"
    channels: dict[str, Any] = {}
    for name in ("x", "mastodon", "bluesky", "email"):
        if not is_live(config, name, dry_run):
            builder = (lambda item: build_email(config, item, url_for(item.recipient))) if name == "email" else None
            channels[name] = DryRunChannel(name, outbox, builder)
        elif name == "x":
            from ddor_watch.publish.channels.x import XChannel

            channels[name] = XChannel(config)
        elif name == "mastodon":
            from ddor_watch.publish.channels.mastodon import MastodonChannel

            channels[name] = MastodonChannel(config)
        elif name == "bluesky":
            from ddor_watch.publish.channels.bluesky import BlueskyChannel

            channels[name] = BlueskyChannel(config)
        else:
            channels[name] = EmailChannel(config, url_for)
    return channels
