"""One typed settings object: defaults, then `ddor.toml`, then the environment.

Every setting is declared once with its default and help text; the README's configuration
table is checked against this list by a test. Secrets come only from the environment (or
`<NAME>_FILE` pointing at a file) and are masked whenever settings are shown.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

from ddor_watch.db.errors import BadInput


@dataclass(frozen=True)
class Setting:
    name: str
    env: str
    default: Any
    help: str
    secret: bool = False


SETTINGS: tuple[Setting, ...] = (
    Setting("data_dir", "DDOR_DATA_DIR", "./data", "Folder for the SQLite file, the PDF archive, maps and the outbox."),
    Setting("database_url", "DDOR_DATABASE_URL", "", "SQLAlchemy URL; empty means SQLite at <data_dir>/ddor.sqlite3."),
    Setting("start_urls", "DDOR_START_URLS", "https://www.ice.gov/news/releases",
            "Comma-separated newsroom listings where the spider starts (paginated with ?page=N)."),
    Setting("landing_urls", "DDOR_LANDING_URLS", "https://www.ice.gov/declined-detainer-outcome-report",
            "Comma-separated report landing pages; one that links no report raises a layout-drift alert."),
    Setting("link_patterns", "DDOR_LINK_PATTERNS", r"/doclib/ddor/,ddor[^/]*\.pdf$,declined[-_]detainer[^/]*\.pdf$",
            "Comma-separated regular expressions; a link whose URL matches one is a report."),
    Setting("link_text_pattern", "DDOR_LINK_TEXT_PATTERN",
            r"declined\s+detainer|detainer\s+outcome|\bDDOR\b|non-?cooperative\s+jurisdiction",
            "Regular expression; a link whose text matches it (PDF or release page) is followed."),
    Setting("max_listing_pages", "DDOR_MAX_LISTING_PAGES", 3, "How many newsroom listing pages to follow."),
    Setting("user_agent", "DDOR_USER_AGENT",
            "ddor-watch/0.1 (+https://github.com/ddor-watch/ddor-watch; research bot)",
            "Identifying User-Agent with a contact URL."),
    Setting("download_max_bytes", "DDOR_DOWNLOAD_MAX_BYTES", 50 * 2**20, "Largest PDF we download, in bytes."),
    Setting("download_timeout", "DDOR_DOWNLOAD_TIMEOUT", 60, "Seconds before one request times out."),
    Setting("download_delay", "DDOR_DOWNLOAD_DELAY", 2.0, "Seconds between requests to one site (AutoThrottle start)."),
    Setting("retry_backoff", "DDOR_RETRY_BACKOFF", 5.0,
            "First wait in seconds before retrying a 429, 5xx or timeout (doubles each time)."),
    Setting("crawl_timeout", "DDOR_CRAWL_TIMEOUT", 900, "Seconds a whole crawl (child process) may take."),
    Setting("schedule", "DDOR_SCHEDULE", "0 8-20 * * mon-fri", "Cron expression for `ddor run`."),
    Setting("timezone", "DDOR_TIMEZONE", "America/New_York", "Time zone of the schedule."),
    Setting("jitter", "DDOR_JITTER", 120, "Random delay in seconds added to each scheduled check."),
    Setting("expected_cadence_days", "DDOR_EXPECTED_CADENCE_DAYS", 7, "How often ICE is expected to publish."),
    Setting("overdue_factor", "DDOR_OVERDUE_FACTOR", 2.0,
            "Alert 'overdue' when no new report appeared for this many cadences."),
    Setting("unhealthy_after_hours", "DDOR_UNHEALTHY_AFTER_HOURS", 24,
            "`ddor status` fails when no crawl succeeded for this long."),
    Setting("publish_enabled", "DDOR_PUBLISH_ENABLED", False,
            "Live sending switch; without it (or without credentials) channels run dry."),
    Setting("max_attempts", "DDOR_MAX_ATTEMPTS", 6, "Delivery attempts before a message is marked failed."),
    Setting("public_url", "DDOR_PUBLIC_URL", "http://127.0.0.1:8025",
            "Base URL of the unsubscribe endpoint (`ddor serve`)."),
    Setting("x_api_base", "DDOR_X_API_BASE", "https://api.x.com", "X API base URL."),
    Setting("x_consumer_key", "DDOR_X_CONSUMER_KEY", "", "X app consumer key.", secret=True),
    Setting("x_consumer_secret", "DDOR_X_CONSUMER_SECRET", "", "X app consumer secret.", secret=True),
    Setting("x_access_token", "DDOR_X_ACCESS_TOKEN", "", "X user access token.", secret=True),
    Setting("x_access_token_secret", "DDOR_X_ACCESS_TOKEN_SECRET", "", "X user access token secret.", secret=True),
    Setting("mastodon_base_url", "DDOR_MASTODON_BASE_URL", "", "Mastodon instance URL."),
    Setting("mastodon_access_token", "DDOR_MASTODON_ACCESS_TOKEN", "", "Mastodon access token.", secret=True),
    Setting("bluesky_base_url", "DDOR_BLUESKY_BASE_URL", "https://bsky.social/xrpc", "Bluesky PDS XRPC URL."),
    Setting("bluesky_handle", "DDOR_BLUESKY_HANDLE", "", "Bluesky handle."),
    Setting("bluesky_app_password", "DDOR_BLUESKY_APP_PASSWORD", "", "Bluesky app password.", secret=True),
    Setting("smtp_host", "DDOR_SMTP_HOST", "", "SMTP server for digests and alerts."),
    Setting("smtp_port", "DDOR_SMTP_PORT", 587, "SMTP port."),
    Setting("smtp_security", "DDOR_SMTP_SECURITY", "starttls", "starttls, tls or none."),
    Setting("smtp_ca_file", "DDOR_SMTP_CA_FILE", "", "Extra CA bundle to trust for a private SMTP relay."),
    Setting("smtp_username", "DDOR_SMTP_USERNAME", "", "SMTP login.", secret=True),
    Setting("smtp_password", "DDOR_SMTP_PASSWORD", "", "SMTP password.", secret=True),
    Setting("email_from", "DDOR_EMAIL_FROM", "ddor-watch <ddor-watch@localhost>", "From address of digests."),
    Setting("alert_email", "DDOR_ALERT_EMAIL", "", "Maintainers' address for alerts."),
    Setting("unsubscribe_secret", "DDOR_UNSUBSCRIBE_SECRET", "", "HMAC key for unsubscribe tokens.", secret=True),
)

_BY_NAME = {s.name: s for s in SETTINGS}


@dataclass(frozen=True)
class Config:
    data_dir: str = "./data"
    database_url: str = ""
    start_urls: str = ""
    landing_urls: str = ""
    link_patterns: str = ""
    link_text_pattern: str = ""
    max_listing_pages: int = 3
    user_agent: str = ""
    download_max_bytes: int = 0
    download_timeout: int = 60
    download_delay: float = 2.0
    retry_backoff: float = 5.0
    crawl_timeout: int = 900
    schedule: str = ""
    timezone: str = ""
    jitter: int = 0
    expected_cadence_days: int = 7
    overdue_factor: float = 2.0
    unhealthy_after_hours: int = 24
    publish_enabled: bool = False
    max_attempts: int = 6
    public_url: str = ""
    x_api_base: str = ""
    x_consumer_key: str = ""
    x_consumer_secret: str = ""
    x_access_token: str = ""
    x_access_token_secret: str = ""
    mastodon_base_url: str = ""
    mastodon_access_token: str = ""
    bluesky_base_url: str = ""
    bluesky_handle: str = ""
    bluesky_app_password: str = ""
    smtp_host: str = ""
    smtp_port: int = 587
    smtp_security: str = "starttls"
    smtp_ca_file: str = ""
    smtp_username: str = ""
    smtp_password: str = ""
    email_from: str = ""
    alert_email: str = ""
    unsubscribe_secret: str = ""

    @property
    def data_path(self) -> Path:
        return Path(self.data_dir)

    @property
    def db_url(self) -> str:
        return self.database_url or f"sqlite:///{(self.data_path / 'ddor.sqlite3').resolve()}"

    def list_of(self, name: str) -> list[str]:
        return [part.strip() for part in str(getattr(self, name)).split(",") if part.strip()]

    def with_overrides(self, **values: Any) -> Config:
        return replace(self, **{k: v for k, v in values.items() if v is not None})

    def shown(self) -> list[tuple[str, str, str]]:
        """(name, value, help) with secrets masked, for `ddor config show`."""
        rows = []
        for setting in SETTINGS:
            value = getattr(self, setting.name)
            if setting.secret and value:
                value = "****" + ("" if len(str(value)) < 12 else str(value)[-2:])
            rows.append((setting.env, str(value), setting.help))
        return rows


def _coerce(setting: Setting, raw: Any) -> Any:
    if isinstance(setting.default, bool):
        if isinstance(raw, bool):
            return raw
        return str(raw).strip().lower() in {"1", "true", "yes", "on"}
    try:
        if isinstance(setting.default, int):
            return int(raw)
        if isinstance(setting.default, float):
            return float(raw)
    except ValueError:
        raise BadInput(f"{setting.env}: expected a number, got {raw!r}") from None
    return str(raw)


def load_config(environ: dict[str, str] | None = None, toml_path: str | Path | None = None) -> Config:
    env = dict(os.environ if environ is None else environ)
    values: dict[str, Any] = {s.name: s.default for s in SETTINGS}
    path = Path(toml_path or env.get("DDOR_CONFIG", "ddor.toml"))
    if path.is_file():
        try:
            file_values = tomllib.loads(path.read_text())
        except tomllib.TOMLDecodeError as error:
            raise BadInput(f"{path}: {error}") from None
        for key, raw in file_values.items():
            setting = _BY_NAME.get(key)
            if setting is None:
                raise BadInput(f"{path}: unknown setting {key!r}")
            if setting.secret:
                raise BadInput(f"{path}: {key} is a secret; set {setting.env} in the environment instead")
            values[key] = _coerce(setting, raw)
    for setting in SETTINGS:
        if setting.env in env:
            values[setting.name] = _coerce(setting, env[setting.env])
        elif setting.secret and f"{setting.env}_FILE" in env:
            values[setting.name] = Path(env[f"{setting.env}_FILE"]).read_text().strip()
    known = {f.name for f in fields(Config)}
    return Config(**{k: v for k, v in values.items() if k in known})
