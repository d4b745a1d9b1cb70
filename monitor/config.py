"""Every setting, declared once: its type, default, help text and whether it is a secret.

Values come from (highest first) command-line overrides, the environment (`DDOR_<NAME>`), a
file named by `DDOR_<NAME>_FILE` (secrets), then `ddor.toml` (lower-case names; no secrets),
then the defaults here. pydantic-settings reads and validates them; an invalid value, an
unknown key or a missing config file is one `BadInput` line naming the setting. `ddor config
show`, the README table and `deploy/ddor.env.example` are checked against this class by a
test. Each room is handed only its slice (`crawl_job`, `publish_settings`, ...), never this.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic.fields import FieldInfo
from pydantic_settings import (
    BaseSettings,
    EnvSettingsSource,
    NoDecode,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from ddor_watch.db.errors import BadInput
from ddor_watch.db.paths import DataDir
from ddor_watch.db.records import ChannelName
from ddor_watch.publish.settings import (
    AppriseSettings,
    BlueskySettings,
    MastodonSettings,
    PublishSettings,
    SmtpSecurity,
    SmtpSettings,
    UnsubscribeSettings,
    XSettings,
)
from ddor_watch.scraper.pdf.sandbox import ParseLimits

if TYPE_CHECKING:
    from sqlalchemy.engine import URL

ENV_PREFIX = "DDOR_"
CommaList = Annotated[tuple[str, ...], NoDecode]


def _compiles(pattern: str) -> None:
    try:
        re.compile(pattern)
    except re.error as error:  # not a ValueError, so pydantic would not report it as the setting's
        raise ValueError(f"not a regular expression: {error}") from None


def _secret(default: str = "", help: str = "") -> Any:
    return Field(SecretStr(default), description=help, json_schema_extra={"secret": True})


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix=ENV_PREFIX, extra="forbid", frozen=True, validate_default=True)

    data_dir: Path = Field(Path("./data"),
                           description="Folder for the SQLite file, the PDF archive, maps and the outbox.")
    database_url: SecretStr = Field(SecretStr(""), description=(
        "SQLAlchemy URL; empty means SQLite at <data_dir>/ddor.sqlite3 (its password is masked when shown)."))
    start_urls: CommaList = Field(("https://www.ice.gov/news/releases",), description=(
        "Comma-separated newsroom listings where the spider starts (paginated with ?page=N)."))
    landing_urls: CommaList = Field(("https://www.ice.gov/declined-detainer-outcome-report",), description=(
        "Comma-separated report landing pages; one that links no report raises a layout-drift alert."))
    link_patterns: CommaList = Field((r"/doclib/ddor/", r"ddor[^/]*\.pdf$", r"declined[-_]detainer[^/]*\.pdf$"),
                                     description="Comma-separated regular expressions; a link whose URL matches "
                                                 "one is a report.")
    link_text_pattern: str = Field(
        r"declined\s+detainer|detainer\s+outcome|\bDDOR\b|non-?cooperative\s+jurisdiction",
        description="Regular expression; a link whose text matches it (PDF or release page) is followed.")
    sources: CommaList = Field(("ddor", "ice-287g"), description=(
        "Comma-separated sources to watch: `ddor` (ICE's report), `ice-287g` (ICE's 287(g) workbooks), "
        "`doj-list`, `dhs-list` (see `ddor sources`)."))
    source_urls: CommaList = Field((), description=(
        "Comma-separated `name=URL` start pages replacing a list source's default, e.g. `doj-list=https://…`."))
    follow_per_check: int = Field(20, ge=0, description=(
        "Documents that new list entries link (287(g) MOAs) fetched and archived per check, at most."))
    flap_window: int = Field(3, ge=0, description=(
        "A list update that brings a list back to how it stood within this many updates is held, not posted "
        "(a flapping page); 0 turns it off."))
    list_drop_hold: float = Field(0.2, gt=0, le=1, description=(
        "Share of a list (0–1) whose removal in one update holds the change for a maintainer, whatever its "
        "cause."))
    max_listing_pages: int = Field(3, ge=1, le=100, description="How many newsroom listing pages to follow.")
    user_agent: str = Field("ddor-watch/0.1 (+https://github.com/ddor-watch/ddor-watch; research bot)",
                            min_length=1, description="Identifying User-Agent with a contact URL.")
    download_max_bytes: int = Field(50 * 2**20, gt=0, description=(
        "Largest document (PDF, list page, workbook) we download, in bytes."))
    download_timeout: int = Field(60, gt=0, description="Seconds before one request times out.")
    download_delay: float = Field(2.0, ge=0, description="Seconds between requests to one site (AutoThrottle start).")
    retry_backoff: float = Field(5.0, ge=0, description=(
        "First wait in seconds before retrying a 429, 5xx or timeout (doubles each time)."))
    crawl_timeout: int = Field(900, gt=0, description="Seconds a whole crawl (child process) may take.")
    retry_after_max: float = Field(120.0, ge=0, description=(
        "Longest Retry-After in seconds the crawl waits for; a URL asking for more is skipped this cycle."))
    max_links_per_page: int = Field(50, ge=1, description=(
        "Most report or release links followed from one page; more is reported as an error."))
    parse_timeout: float = Field(120.0, gt=0, description=(
        "Seconds one PDF may take to parse (in a child process); past it the document is refused."))
    parse_memory_mb: int = Field(512, ge=128, description=(
        "Address space in MB of the child process that parses one PDF (a 300-page report needs less); "
        "past it the document is refused."))
    parse_workers: int = Field(0, ge=0, description=(
        "Parallel parsing processes for `ddor ingest --reparse-all`; 0 means one per core."))
    schedule: str = Field("0 8-20 * * mon-fri", description="Cron expression for `ddor run`.")
    timezone: str = Field("America/New_York", description="Time zone of the schedule.")
    jitter: int = Field(120, ge=0, description="Random delay in seconds added to each scheduled check.")
    expected_cadence_days: int = Field(7, gt=0, description="How often ICE is expected to publish.")
    overdue_factor: float = Field(2.0, gt=0, description="Alert 'overdue' when no new report appeared for this "
                                                         "many cadences.")
    unhealthy_after_hours: int = Field(24, gt=0, description=(
        "`ddor status` fails when no crawl succeeded for this long."))
    publish_enabled: bool = Field(False, description=(
        "Live sending switch; without it (or without credentials) channels run dry."))
    max_attempts: int = Field(6, ge=1, description="Delivery attempts before a message is marked failed.")
    public_url: str = Field("http://127.0.0.1:8025", description=(
        "Public base URL of `ddor serve` (subscription and unsubscribe links in mail)."))
    site_dir: str = Field("", description=(
        "Folder of the public static site `ddor check` rebuilds after a new report (default: `site` in the "
        "data dir)."))
    site_url: str = Field("", description=(
        "Public URL of that site; when set, posts and digests link each report's page and feeds use it."))
    trusted_proxies: CommaList = Field((), description=(
        "Comma-separated addresses or networks of the reverse proxies in front of `ddor serve`; only their "
        "X-Forwarded-For is believed (per-address limits). Empty: the peer is the client."))
    serve_header_timeout: float = Field(10.0, gt=0, description=(
        "Seconds a connection to `ddor serve` may take to send its request headers."))
    serve_client_connections: int = Field(20, ge=1, description=(
        "Connections one address may hold open to `ddor serve` (trusted proxies exempt)."))
    contact: str = Field("", description=(
        "How readers reach the maintainers (an address or a page), for the About page."))
    code_url: str = Field("https://github.com/ddor-watch/ddor-watch", description=(
        "Where the code is, for the About page."))
    x_media_api_base: str = Field("https://api.x.com", description=(
        "Where X media uploads go (the v2 media endpoints). Posts go to tweepy's own address "
        "(https://api.twitter.com/2/tweets), which this does not move."))
    x_consumer_key: SecretStr = _secret(help="X app consumer key.")
    x_consumer_secret: SecretStr = _secret(help="X app consumer secret.")
    x_access_token: SecretStr = _secret(help="X user access token.")
    x_access_token_secret: SecretStr = _secret(help="X user access token secret.")
    mastodon_base_url: str = Field("", description="Mastodon instance URL.")
    mastodon_access_token: SecretStr = _secret(help="Mastodon access token.")
    bluesky_base_url: str = Field("https://bsky.social/xrpc", description="Bluesky PDS XRPC URL.")
    bluesky_handle: str = Field("", description="Bluesky handle.")
    bluesky_app_password: SecretStr = _secret(help="Bluesky app password.")
    apprise_urls: SecretStr = _secret(help=(
        "Apprise URLs, separated by spaces or commas (slack://…, discord://…, tgram://…, json://host/path): "
        "each gets every post, as one target."))
    x_language: str = Field("en", description=(
        "Language of the X account's posts (en, es: any with a catalog); an account per language."))
    mastodon_language: str = Field("en", description="Language of the Mastodon account's posts.")
    bluesky_language: str = Field("en", description="Language of the Bluesky account's posts.")
    apprise_language: str = Field("en", description="Language of the posts sent to Apprise targets.")
    smtp_host: str = Field("", description="SMTP server for digests and alerts.")
    smtp_port: int = Field(587, ge=1, le=65535, description="SMTP port.")
    smtp_security: Literal["starttls", "tls", "none"] = Field("starttls", description="starttls, tls or none.")
    smtp_ca_file: str = Field("", description="Extra CA bundle to trust for a private SMTP relay.")
    smtp_username: SecretStr = _secret(help="SMTP login.")
    smtp_password: SecretStr = _secret(help="SMTP password.")
    email_from: str = Field("ddor-watch <ddor-watch@localhost>", description="From address of digests.")
    alert_email: str = Field("", description="Maintainers' address for alerts.")
    unsubscribe_secret: SecretStr = _secret(help="HMAC key for unsubscribe tokens.")

    @field_validator("start_urls", "landing_urls", "link_patterns", "sources", "source_urls", "trusted_proxies",
                     mode="before")
    @classmethod
    def _comma_separated(cls, value: Any) -> Any:
        if isinstance(value, str):
            return tuple(part.strip() for part in value.split(",") if part.strip())
        return value

    @field_validator("x_language", "mastodon_language", "bluesky_language", "apprise_language")
    @classmethod
    def _known_language(cls, value: str) -> str:
        from ddor_watch.publish.i18n import LANGUAGES

        if value not in LANGUAGES:
            raise ValueError(f"unknown language {value!r}; known: {', '.join(LANGUAGES)} (a language is a catalog "
                             "in templates/locale/)")
        return value

    @field_validator("sources")
    @classmethod
    def _known_sources(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        from ddor_watch.scraper.sources import SOURCES

        unknown = [name for name in value if name not in SOURCES]
        if unknown:
            raise ValueError(f"unknown source {unknown[0]!r}; known: {', '.join(SOURCES)}")
        return value

    @field_validator("trusted_proxies")
    @classmethod
    def _networks(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        from ddor_watch.publish.web_server import parse_networks

        parse_networks(value)   # raises ValueError, a one-line error, for anything not an address
        return value

    @field_validator("source_urls")
    @classmethod
    def _source_urls(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        from ddor_watch.scraper.sources import SOURCES

        for item in value:
            name, equals, url = item.partition("=")
            if not equals or name.strip() not in SOURCES or not url.strip().startswith(("http://", "https://")):
                raise ValueError(f"{item!r} is not name=URL with a known source name")
        return value

    def start_pages(self, source: str) -> tuple[str, ...]:
        """A list source's start pages: from DDOR_SOURCE_URLS, else the module's default."""
        from ddor_watch.scraper.sources import SOURCES

        given = tuple(url.strip() for name, _, url in (i.partition("=") for i in self.source_urls)
                      if name.strip() == source)
        return given or SOURCES[source].start_urls

    @field_validator("link_patterns")
    @classmethod
    def _patterns_compile(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for pattern in value:
            _compiles(pattern)
        return value

    @field_validator("link_text_pattern")
    @classmethod
    def _pattern_compiles(cls, value: str) -> str:
        _compiles(value)
        return value

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {value!r}") from None
        return value

    @field_validator("schedule")
    @classmethod
    def _cron(cls, value: str) -> str:
        from apscheduler.triggers.cron import CronTrigger

        fields = value.split()
        if len(fields) != 5:
            raise ValueError("expected 5 cron fields: minute hour day month day-of-week")
        try:
            CronTrigger(minute=fields[0], hour=fields[1], day=fields[2], month=fields[3], day_of_week=fields[4])
        except (ValueError, KeyError) as error:
            raise ValueError(f"not a cron expression: {error}") from None
        return value

    # -- derived values -----------------------------------------------------------------------
    @property
    def data(self) -> DataDir:
        return DataDir(self.data_dir)

    @property
    def site_folder(self) -> Path:
        return Path(self.site_dir) if self.site_dir else self.data.root / "site"

    @property
    def db_url(self) -> str:
        return self.database_url.get_secret_value() or self.data.sqlite_url

    def with_overrides(self, **values: Any) -> Settings:
        """A copy with command-line values (None means: not given), validated like the rest."""
        given = {k: v for k, v in values.items() if v is not None}
        return _validated(lambda: Settings.model_validate({**self._raw(), **given}))

    def _raw(self) -> dict[str, Any]:
        return {name: (value.get_secret_value() if isinstance(value, SecretStr) else value)
                for name, value in self}

    @classmethod
    def settings_customise_sources(cls, settings_cls: type[BaseSettings], init_settings: PydanticBaseSettingsSource,
                                   env_settings: PydanticBaseSettingsSource,
                                   dotenv_settings: PydanticBaseSettingsSource,
                                   file_secret_settings: PydanticBaseSettingsSource,
                                   ) -> tuple[PydanticBaseSettingsSource, ...]:
        # Only `Settings(...)` with explicit values uses these defaults; load_config builds
        # its own sources from the environment mapping and TOML path it is given.
        return (init_settings,)


def is_secret(field: FieldInfo) -> bool:
    extra = field.json_schema_extra
    return isinstance(extra, dict) and bool(extra.get("secret"))


def env_name(name: str) -> str:
    return f"{ENV_PREFIX}{name.upper()}"


class _Environment(EnvSettingsSource):
    """The environment as given (a mapping, so tests and the demo never read os.environ)."""

    def __init__(self, settings_cls: type[BaseSettings], environ: Mapping[str, str]) -> None:
        self._environ = environ
        super().__init__(settings_cls)

    def _load_env_vars(self) -> Mapping[str, str | None]:
        return {key.lower(): value for key, value in self._environ.items()}


class _SecretFiles(PydanticBaseSettingsSource):
    """`DDOR_<NAME>_FILE=/run/secrets/...` for secrets (Docker and systemd credentials)."""

    def __init__(self, settings_cls: type[BaseSettings], environ: Mapping[str, str]) -> None:
        super().__init__(settings_cls)
        self._environ = environ

    def get_field_value(self, field: FieldInfo, field_name: str) -> tuple[Any, str, bool]:
        return None, field_name, False

    def __call__(self) -> dict[str, Any]:
        values: dict[str, Any] = {}
        for name, field in Settings.model_fields.items():
            variable = f"{env_name(name)}_FILE"
            if is_secret(field) and variable in self._environ:
                try:
                    values[name] = Path(self._environ[variable]).read_text().strip()
                except OSError as error:
                    raise BadInput(f"{variable}: cannot read {self._environ[variable]}: {error.strerror}") from None
        return values


class _Toml(TomlConfigSettingsSource):
    """ddor.toml with lower-case names; secrets and unknown keys are refused."""

    def __call__(self) -> dict[str, Any]:
        values = super().__call__()
        for key in values:
            field = Settings.model_fields.get(key)
            if field is None:
                raise BadInput(f"{self.toml_file_path}: unknown setting {key!r}")
            if is_secret(field):
                raise BadInput(f"{self.toml_file_path}: {key} is a secret; set {env_name(key)} in the environment "
                               "instead")
        return values


def _validated(build: Any) -> Settings:
    try:
        settings: Settings = build()
    except ValidationError as error:
        first = error.errors()[0]
        name = str(first["loc"][0]) if first["loc"] else "settings"
        where = env_name(name) if name in Settings.model_fields else name
        raise BadInput(f"{where}: {first['msg']} (got {first.get('input')!r})"[:300]) from None
    return settings


def _known_variable(key: str) -> bool:
    """A setting's variable, its `_FILE` twin when it is a secret, or DDOR_CONFIG."""
    name = key.removeprefix(ENV_PREFIX).lower()
    if name in Settings.model_fields or key == f"{ENV_PREFIX}CONFIG":
        return True
    base = name.removesuffix("_file")
    return name.endswith("_file") and base in Settings.model_fields and is_secret(Settings.model_fields[base])


def load_config(environ: Mapping[str, str] | None = None, toml_path: str | Path | None = None, *,
                read_default_file: bool = True) -> Settings:
    """Settings from an environment mapping (default: os.environ) and a TOML file.

    An explicitly named file (argument or DDOR_CONFIG) must exist; the default `ddor.toml`
    in the working directory is optional (and skipped with `read_default_file=False`, for
    runs on embedded defaults such as the demo).
    """
    env = dict(os.environ if environ is None else environ)
    named = toml_path or env.get(f"{ENV_PREFIX}CONFIG")
    path = Path(named or "ddor.toml")
    if named and not path.is_file():
        raise BadInput(f"{path}: no such config file")
    use_file = path.is_file() and (bool(named) or read_default_file)
    unknown = [key for key in env if key.startswith(ENV_PREFIX) and not _known_variable(key)]
    if unknown:
        raise BadInput(f"{unknown[0]}: unknown setting (see `ddor config show` for the names)")

    class _Loaded(Settings):
        @classmethod
        def settings_customise_sources(cls, settings_cls: type[BaseSettings],
                                       init_settings: PydanticBaseSettingsSource,
                                       env_settings: PydanticBaseSettingsSource,
                                       dotenv_settings: PydanticBaseSettingsSource,
                                       file_secret_settings: PydanticBaseSettingsSource,
                                       ) -> tuple[PydanticBaseSettingsSource, ...]:
            sources: list[PydanticBaseSettingsSource] = [
                init_settings, _Environment(settings_cls, env), _SecretFiles(settings_cls, env)]
            if use_file:
                sources.append(_Toml(settings_cls, toml_file=path))
            return tuple(sources)

    def build() -> Settings:
        try:
            loaded = _Loaded()
        except ValueError as error:
            if isinstance(error, ValidationError):
                raise
            # tomllib's decode error (and pydantic-settings' own) arrive as ValueError.
            raise BadInput(f"{path}: {error}") from None
        return Settings.model_validate(loaded._raw())

    return _validated(build)


def shown(settings: Settings) -> list[tuple[str, str, str]]:
    """(variable, value, help) with secrets and database passwords masked, for `ddor config show`."""
    rows = []
    for name, field in Settings.model_fields.items():
        value = getattr(settings, name)
        if name == "database_url":
            text = _masked_url(value.get_secret_value())
        elif isinstance(value, SecretStr):
            secret = value.get_secret_value()
            text = "" if not secret else "****" + ("" if len(secret) < 12 else secret[-2:])
        elif isinstance(value, tuple):
            text = ",".join(value)
        else:
            text = str(value)
        rows.append((env_name(name), text, field.description or ""))
    return rows


def _database_url(url: str) -> URL | None:
    """The database URL parsed, or None when it is empty or not a URL SQLAlchemy reads."""
    if not url:
        return None
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        return make_url(url)
    except ArgumentError:
        return None


def _masked_url(url: str) -> str:
    parsed = _database_url(url)
    if parsed is None:
        return "****" if url else ""
    return parsed.render_as_string(hide_password=True)


def default_of(name: str) -> str:
    """The default as the README and the example env file write it."""
    field = Settings.model_fields[name]
    value = field.default
    if isinstance(value, SecretStr):
        return ""
    if isinstance(value, tuple):
        return ",".join(value)
    if isinstance(value, Path) and not value.is_absolute():
        return f"./{value}"
    return str(value)


def parse_limits(settings: Settings) -> ParseLimits:
    """The parser sandbox's slice."""
    return ParseLimits(timeout=settings.parse_timeout, memory_mb=settings.parse_memory_mb)


def publish_settings(settings: Settings) -> PublishSettings:
    """The publishing room's slice."""
    data = settings.data
    return PublishSettings(
        data=data, enabled=settings.publish_enabled, max_attempts=settings.max_attempts,
        x=XSettings(settings.x_media_api_base, settings.x_consumer_key.get_secret_value(),
                    settings.x_consumer_secret.get_secret_value(), settings.x_access_token.get_secret_value(),
                    settings.x_access_token_secret.get_secret_value()),
        mastodon=MastodonSettings(settings.mastodon_base_url, settings.mastodon_access_token.get_secret_value()),
        bluesky=BlueskySettings(str(data.bluesky_session), settings.bluesky_base_url, settings.bluesky_handle,
                                settings.bluesky_app_password.get_secret_value(), settings.site_url),
        smtp=smtp_settings(settings),
        unsubscribe=UnsubscribeSettings(settings.public_url, str(data.unsubscribe_secret),
                                        settings.unsubscribe_secret.get_secret_value()),
        alert_email=settings.alert_email,
        apprise=AppriseSettings(tuple(url for url in re.split(r"[\s,]+", settings.apprise_urls.get_secret_value())
                                      if url)),
        post_languages=((ChannelName.X, settings.x_language), (ChannelName.MASTODON, settings.mastodon_language),
                        (ChannelName.BLUESKY, settings.bluesky_language),
                        (ChannelName.APPRISE, settings.apprise_language)),
    )


def smtp_settings(settings: Settings) -> SmtpSettings:
    return SmtpSettings(settings.smtp_host, settings.smtp_port, SmtpSecurity(settings.smtp_security),
                        settings.smtp_ca_file, settings.smtp_username.get_secret_value(),
                        settings.smtp_password.get_secret_value(), settings.email_from)


def settings_table() -> list[str]:
    """The README's configuration table, generated from the declarations above."""
    lines = ["| variable | default | meaning |", "| --- | --- | --- |"]
    for name, field in Settings.model_fields.items():
        default = "(secret)" if is_secret(field) else (f"`{default_of(name)}`" if default_of(name) else "(empty)")
        # A pipe inside a cell (regular expressions) would end the cell: GitHub needs it escaped.
        cells = (f"`{env_name(name)}`", default, field.description or "")
        lines.append("| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |")
    return lines


def secret_values(settings: Settings) -> list[str]:
    """Every credential configured, and the database URL's password, for log redaction."""
    values = [value.get_secret_value() for name, value in settings if isinstance(value, SecretStr)
              and name != "database_url"]
    parsed = _database_url(settings.database_url.get_secret_value())
    if parsed is not None and parsed.password:
        values.append(str(parsed.password))
    return [v for v in values if v]


def setting_warnings(settings: Settings) -> list[str]:
    """Valid but risky choices, shown by `ddor config show` and `ddor status`."""
    found = []
    if settings.smtp_host and not settings.public_url.lower().startswith("https://"):
        found.append(f"DDOR_PUBLIC_URL {settings.public_url} is not https: the unsubscribe links in every digest "
                     "would travel and be clicked in the clear")
    if settings.smtp_host and settings.smtp_security == "none" and settings.smtp_username.get_secret_value():
        loopback = settings.smtp_host in ("localhost", "127.0.0.1", "::1")
        found.append(f"DDOR_SMTP_SECURITY=none with a login: the SMTP password would go to {settings.smtp_host} in "
                     "clear text" + (" (allowed only because the server is on this machine)" if loopback
                                     else "; ddor-watch refuses to log in there until it uses starttls or tls"))
    return found
