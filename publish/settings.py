"""The slices of configuration the publishing room is handed (monitor builds them).

Each channel gets its own slice and nothing else. Secret fields are left out of `repr`, so a
slice in a log line or a traceback never shows a credential.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from ddor_watch.db.paths import DataDir
from ddor_watch.db.records import ChannelName


class SmtpSecurity(StrEnum):
    STARTTLS = "starttls"
    TLS = "tls"
    NONE = "none"


@dataclass(frozen=True)
class SmtpSettings:
    host: str = ""
    port: int = 587
    security: SmtpSecurity = SmtpSecurity.STARTTLS
    ca_file: str = ""
    username: str = field(default="", repr=False)
    password: str = field(default="", repr=False)
    email_from: str = "ddor-watch <ddor-watch@localhost>"

    @property
    def configured(self) -> bool:
        return bool(self.host)


@dataclass(frozen=True)
class XSettings:
    media_api_base: str = "https://api.x.com"
    consumer_key: str = field(default="", repr=False)
    consumer_secret: str = field(default="", repr=False)
    access_token: str = field(default="", repr=False)
    access_token_secret: str = field(default="", repr=False)

    @property
    def configured(self) -> bool:
        return all((self.consumer_key, self.consumer_secret, self.access_token, self.access_token_secret))


@dataclass(frozen=True)
class MastodonSettings:
    base_url: str = ""
    access_token: str = field(default="", repr=False)

    @property
    def configured(self) -> bool:
        return bool(self.base_url and self.access_token)


@dataclass(frozen=True)
class BlueskySettings:
    session_file: str
    base_url: str = "https://bsky.social/xrpc"
    handle: str = ""
    app_password: str = field(default="", repr=False)
    # The public site's address: links to its pages in a post become facets like the source link.
    site_url: str = ""

    @property
    def configured(self) -> bool:
        return bool(self.handle and self.app_password)


@dataclass(frozen=True)
class AppriseSettings:
    urls: tuple[str, ...] = field(default=(), repr=False)   # they carry tokens

    @property
    def configured(self) -> bool:
        return bool(self.urls)


@dataclass(frozen=True)
class UnsubscribeSettings:
    public_url: str
    secret_file: str
    secret: str = field(default="", repr=False)


@dataclass(frozen=True)
class PublishSettings:
    data: DataDir
    enabled: bool
    max_attempts: int
    x: XSettings
    mastodon: MastodonSettings
    bluesky: BlueskySettings
    smtp: SmtpSettings
    unsubscribe: UnsubscribeSettings
    alert_email: str = ""
    apprise: AppriseSettings = AppriseSettings()
    # Each posting account's language (DDOR_X_LANGUAGE, …); a channel not named posts in English.
    post_languages: tuple[tuple[ChannelName, str], ...] = ()

    def language(self, channel: ChannelName) -> str:
        return next((language for name, language in self.post_languages if name == channel), "en")
