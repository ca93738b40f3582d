"""Settings: documented defaults, a `gazette.toml` file, and `GAZETTE_*` environment variables.

Precedence, highest first: environment variables, the TOML file, the defaults below. Nested
fields use a double underscore in the environment: `GAZETTE_CLUSTER__WINDOW_HOURS=48` sets
`[cluster] window_hours = 48`. Every value is validated on load; a bad one stops Gazette with a
message that names the file, the field and the value (`ConfigError`).
"""

from __future__ import annotations

import ipaddress
import os
import tomllib
from pathlib import Path
from typing import Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SecretStr,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

from gazette.errors import ConfigError

CONFIG_ENV = "GAZETTE_CONFIG"
DEFAULT_CONFIG_NAME = "gazette.toml"


class Section(BaseModel):
    model_config = ConfigDict(extra="forbid")


class SiteSettings(Section):
    title: str = "Gazette"
    description: str = "Multi-source news, every sentence cited."
    base_url: str = "http://127.0.0.1:8000"
    # "development" shows labelled placeholders in empty ad slots; "production" renders nothing.
    mode: Literal["development", "production"] = "production"
    stories_per_page: int = Field(default=30, ge=1, le=500)


class FetchSettings(Section):
    user_agent: str = "Gazette/0.1 (+https://github.com/gazette-news/gazette)"
    # Time limits, in seconds: to connect, between two reads, and for a whole response. The
    # last one stops servers that drip a byte at a time from holding a run.
    connect_timeout_seconds: float = Field(default=10.0, gt=0, le=120)
    timeout_seconds: float = Field(default=20.0, gt=0, le=300)
    total_timeout_seconds: float = Field(default=60.0, gt=0, le=900)
    max_bytes: int = Field(default=5_000_000, ge=1_000)
    max_redirects: int = Field(default=5, ge=0, le=20)
    # Politeness: requests in flight overall and per host, and the pause between two requests
    # to one host (a longer Crawl-delay in robots.txt wins, up to max_crawl_delay_seconds).
    max_connections: int = Field(default=20, ge=1, le=500)
    per_host_connections: int = Field(default=2, ge=1, le=50)
    per_host_delay_seconds: float = Field(default=1.0, ge=0, le=300)
    max_crawl_delay_seconds: float = Field(default=30.0, ge=0, le=3600)
    respect_robots_txt: bool = True
    # Retries after 429, 5xx and network errors: exponential backoff with jitter from
    # retry_backoff_seconds; a Retry-After longer than max_retry_delay_seconds is not waited for.
    retries: int = Field(default=3, ge=0, le=10)
    retry_backoff_seconds: float = Field(default=1.0, ge=0, le=60)
    max_retry_delay_seconds: float = Field(default=60.0, ge=0, le=3600)
    # How often a source is polled unless it says otherwise, and how many of a feed's items
    # are taken per poll (newest first).
    default_interval_minutes: float = Field(default=30.0, gt=0)
    max_items_per_feed: int = Field(default=300, ge=1, le=100_000)
    # Private, loopback and link-local networks that may be fetched anyway (CIDR notation).
    # Empty by default: Gazette never reaches such addresses unless told to.
    allow_networks: list[str] = Field(default_factory=list)
    # Serve every http(s) URL from this directory tree (<dir>/<host>/<path>) instead of the
    # network: used by the offline demo and by tests. Relative paths are relative to the file.
    mirror_dir: Path | None = None

    @field_validator("allow_networks")
    @classmethod
    def _networks_parse(cls, value: list[str]) -> list[str]:
        for network in value:
            try:
                ipaddress.ip_network(network, strict=False)
            except ValueError as exc:
                raise ValueError(f"not an IP network: {network!r}") from exc
        return value


class ClusterSettings(Section):
    # Only stories with a report in this many hours before an article are candidates for it.
    window_hours: float = Field(default=72.0, gt=0)
    # An article joins a story when it scores at least this share of what two reports of one
    # event score between themselves (the story's cohesion; see gazette/cluster/incremental.py).
    join_threshold: float = Field(default=0.6, gt=0, lt=2)
    # Words of the text, after the title, that the embedding sees.
    lead_words: int = Field(default=120, ge=0)
    # The language of reports that declare none and are too short to tell (see gazette/language.py).
    language: str = Field(default="en", pattern=r"^[a-z]{2,3}$")


class LLMSettings(Section):
    """An optional language model behind any OpenAI-compatible chat-completions endpoint
    (Ollama, vLLM, llama.cpp server, hosted APIs). With no `url`, Gazette writes without one."""

    # The API root, as OpenAI clients take it ("http://127.0.0.1:11434/v1"), or the full
    # .../chat/completions address.
    url: str = ""
    model: str = ""
    api_key: SecretStr = SecretStr("")
    temperature: float = Field(default=0.2, ge=0, le=2)
    max_tokens: int = Field(default=1500, ge=100, le=32_000)
    # A whole request may take this long; models on a CPU are slow.
    timeout_seconds: float = Field(default=120.0, gt=0, le=3600)
    # Retries after a timeout, a network error, 429 or 5xx, or an answer that is not the JSON
    # asked for; backoff doubles from retry_backoff_seconds (a Retry-After header wins, up to
    # max_retry_delay_seconds).
    retries: int = Field(default=2, ge=0, le=10)
    retry_backoff_seconds: float = Field(default=2.0, ge=0, le=60)
    max_retry_delay_seconds: float = Field(default=60.0, ge=0, le=3600)
    # At most this many requests a minute (0: no limit), for hosted APIs' rate limits.
    requests_per_minute: float = Field(default=0, ge=0)
    # After the endpoint failed every retry, stories are written without it for this long.
    down_seconds: float = Field(default=300.0, ge=0)

    @field_validator("url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        value = value.strip()
        if value and not value.startswith(("http://", "https://")):
            raise ValueError("must be an http:// or https:// address")
        return value

    @property
    def enabled(self) -> bool:
        return bool(self.url)


class WriteSettings(Section):
    max_words: int = Field(default=250, ge=40, le=5000)
    # Publish new articles at once; False keeps them for an editor's approval.
    auto_publish: bool = True
    llm: LLMSettings = Field(default_factory=LLMSettings)

    @model_validator(mode="after")
    def _model_named(self) -> WriteSettings:
        if self.llm.enabled and not self.llm.model:
            raise ValueError("write.llm.url is set, so write.llm.model must name the model")
        return self


class AdSlotSettings(Section):
    name: str = Field(min_length=1, pattern=r"^[a-z0-9][a-z0-9_-]*$")
    placement: Literal["header", "article", "sidebar", "footer"]
    # Trusted markup from the publisher; empty means the slot is unsold.
    html: str = ""


class CommentSettings(Section):
    enabled: bool = True
    max_length: int = Field(default=4000, ge=10)
    # True holds new comments until a moderator approves them.
    require_approval: bool = False


class Settings(BaseSettings):
    """All of Gazette's settings. Build one with `load_settings`."""

    model_config = SettingsConfigDict(
        env_prefix="GAZETTE_", env_nested_delimiter="__", extra="forbid"
    )

    database_url: str = "sqlite:///gazette.db"
    site: SiteSettings = Field(default_factory=SiteSettings)
    fetch: FetchSettings = Field(default_factory=FetchSettings)
    cluster: ClusterSettings = Field(default_factory=ClusterSettings)
    write: WriteSettings = Field(default_factory=WriteSettings)
    comments: CommentSettings = Field(default_factory=CommentSettings)
    ads: list[AdSlotSettings] = Field(
        default_factory=lambda: [
            AdSlotSettings(name="header", placement="header"),
            AdSlotSettings(name="in-article", placement="article"),
            AdSlotSettings(name="sidebar", placement="sidebar"),
        ]
    )

    @field_validator("database_url")
    @classmethod
    def _known_database(cls, value: str) -> str:
        if not value.startswith(("sqlite:", "postgresql:", "postgresql+psycopg:")):
            raise ValueError("must start with sqlite: or postgresql:")
        return value

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # The file's values arrive as init arguments; the environment overrides them.
        return env_settings, init_settings


def find_config_file(explicit: Path | None = None) -> Path | None:
    """The config file to read: the one given, else $GAZETTE_CONFIG, else ./gazette.toml."""
    if explicit is not None:
        if not explicit.is_file():
            raise ConfigError(f"config file not found: {explicit}")
        return explicit
    from_env = os.environ.get(CONFIG_ENV)
    if from_env:
        path = Path(from_env)
        if not path.is_file():
            raise ConfigError(f"config file not found: {path} (from ${CONFIG_ENV})")
        return path
    default = Path.cwd() / DEFAULT_CONFIG_NAME
    return default if default.is_file() else None


def load_settings(config_file: Path | None = None, **overrides: object) -> Settings:
    """Read and validate the settings; `overrides` replace top-level values from the file."""
    path = find_config_file(config_file)
    data: dict = {}
    if path is not None:
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ConfigError(f"{path}: not valid TOML: {exc}") from exc
    data.update(overrides)
    try:
        settings = Settings(**data)
    except ValidationError as exc:
        raise ConfigError(describe_validation_error(exc, path)) from exc
    mirror = settings.fetch.mirror_dir
    if mirror is not None and not mirror.is_absolute() and path is not None:
        settings.fetch.mirror_dir = (path.parent / mirror).resolve()
    return settings


def describe_validation_error(exc: ValidationError, path: Path | None) -> str:
    where = str(path) if path else "settings"
    lines = [f"invalid configuration in {where} (or GAZETTE_* environment):"]
    for error in exc.errors():
        field = ".".join(str(part) for part in error["loc"]) or "(top level)"
        lines.append(f"  {field}: {error['msg']} (got {error.get('input')!r})")
    return "\n".join(lines)


def default_config_text() -> str:
    """A commented gazette.toml with every default, written by `gazette init`."""
    return f"""# Gazette configuration. Every value shown is the default; environment variables
# GAZETTE_<SECTION>__<FIELD> override this file (for example GAZETTE_SITE__MODE=development).

database_url = "sqlite:///gazette.db"   # or postgresql+psycopg://user@host/dbname

[site]
title = "Gazette"
description = "Multi-source news, every sentence cited."
base_url = "http://127.0.0.1:8000"
mode = "production"        # "development" shows labelled placeholders in empty ad slots
stories_per_page = 30

[fetch]
user_agent = "{FetchSettings().user_agent}"
connect_timeout_seconds = 10.0
timeout_seconds = 20.0             # between two reads
total_timeout_seconds = 60.0       # for a whole response
max_bytes = 5000000
max_redirects = 5
max_connections = 20
per_host_connections = 2
per_host_delay_seconds = 1.0
max_crawl_delay_seconds = 30.0
respect_robots_txt = true
retries = 3
retry_backoff_seconds = 1.0
max_retry_delay_seconds = 60.0
default_interval_minutes = 30.0
max_items_per_feed = 300
allow_networks = []        # e.g. ["10.0.0.0/8"] to allow fetching from a private network
# mirror_dir = "site"      # serve http(s) URLs from a local directory tree (offline use)

[cluster]
window_hours = 72.0
join_threshold = 0.6
lead_words = 120
language = "en"            # for reports that declare no language and are too short to tell

[write]
max_words = 250
auto_publish = true

[write.llm]                # optional: an OpenAI-compatible endpoint; empty url = no LLM
url = ""                   # e.g. "http://127.0.0.1:11434/v1" (Ollama)
model = ""                 # e.g. "llama3.1:8b"
api_key = ""               # or GAZETTE_WRITE__LLM__API_KEY
temperature = 0.2
max_tokens = 1500
timeout_seconds = 120.0
retries = 2
retry_backoff_seconds = 2.0
max_retry_delay_seconds = 60.0
requests_per_minute = 0    # 0: no limit
down_seconds = 300.0       # after every retry failed, write without the LLM this long

[comments]
enabled = true
max_length = 4000
require_approval = false

[[ads]]
name = "header"
placement = "header"
html = ""
"""
