"""`ddor serve`: the subscription app wired to this installation's settings and database."""

from __future__ import annotations

from pathlib import Path

from starlette.applications import Starlette

from ddor_watch.db.session import Database
from ddor_watch.monitor.config import Settings, publish_settings, smtp_settings
from ddor_watch.publish.web import WebSettings, create_app, mail_sender


def web_app(settings: Settings, db: Database, site_dir: Path | None = None) -> Starlette:
    site = site_dir or settings.site_folder
    from ddor_watch.publish.web_server import parse_networks
    from ddor_watch.scraper.pdf.normalize import STATE_NAMES
    from ddor_watch.scraper.sources import SOURCES

    choices = tuple((name, f"{SOURCES[name].agency}'s {SOURCES[name].title}") for name in settings.sources)
    return create_app(WebSettings(settings.public_url, site if site.is_dir() else None, sources=choices,
                                  states=frozenset(STATE_NAMES), trusted=parse_networks(settings.trusted_proxies)),
                      publish_settings(settings).unsubscribe, db,
                      mail_sender(smtp_settings(settings), settings.data.outbox / "confirmations"))
