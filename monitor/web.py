"""`ddor serve`: the subscription app wired to this installation's settings and database."""

from __future__ import annotations

from pathlib import Path

from starlette.applications import Starlette

from ddor_watch.db.session import Database
from ddor_watch.monitor.config import Settings, publish_settings, smtp_settings
from ddor_watch.publish.web import WebSettings, create_app, mail_sender


def web_app(settings: Settings, db: Database, site_dir: Path | None = None) -> Starlette:
    site = site_dir or settings.site_folder
    return create_app(WebSettings(settings.public_url, site if site.is_dir() else None),
                      publish_settings(settings).unsubscribe, db,
                      mail_sender(smtp_settings(settings), settings.data.outbox / "confirmations"))
