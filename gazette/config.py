"""Settings: documented defaults, a `gazette.toml` file, and `GAZETTE_*` environment variables.

Precedence, highest first: environment variables, the TOML file, the defaults below. Nested
fields use a double underscore in the environment: `GAZETTE_CLUSTER__WINDOW_HOURS=48` sets
`[cluster] window_hours = 48`. Every value is validated on load; a bad one stops Gazette with a
message that names the file, the field and the value (`ConfigError`).

Each field's `description` is written for the operator: the starter file that `gazette init`
writes, README.md's table and docs/configuration.md are all generated from these fields by
`gazette/settings_reference.py` (`make docs` rewrites the docs after a change here).
"""

from __future__ import annotations

import ipaddress
import os
import tomllib
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SecretStr,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    SettingsError,
)

from gazette.errors import ConfigError

CONFIG_ENV = "GAZETTE_CONFIG"
DEFAULT_CONFIG_NAME = "gazette.toml"

# Marks the settings that README.md's short table lists; docs/configuration.md lists them all.
MAIN_SETTING = {"main": True}


class Section(BaseModel):
    # A number must be finite: inf or nan in a duration stops every run that computes a date.
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)


class SiteSettings(Section):
    title: str = Field(
        default="Gazette",
        description="Name of the site, shown in page titles, the header and the feeds.",
        json_schema_extra=MAIN_SETTING,
    )
    description: str = Field(
        default="Multi-source news, every sentence cited.",
        description="One line about the site, for the pages' description, the footer and the "
        "feeds.",
    )
    base_url: str = Field(
        default="http://127.0.0.1:8000",
        description="Public address of the site, used for the links in the feeds, sitemaps and "
        "API.",
        json_schema_extra=MAIN_SETTING,
    )
    mode: Literal["development", "production"] = Field(
        default="production",
        description="`production` renders nothing in an ad slot that has no ad; `development` "
        "shows a labelled placeholder there, to check a layout.",
        json_schema_extra=MAIN_SETTING,
    )
    stories_per_page: int = Field(
        default=30,
        ge=1,
        le=500,
        description="Stories listed on each page of the home page, and on a tag's page.",
    )

    ads_txt: list[str] = Field(
        default_factory=list,
        description="Lines of the site's `/ads.txt` (IAB Tech Lab): the ad systems authorised to "
        "sell its ad space, one record a line. Empty: `/ads.txt` is not found.",
        examples=[["example-exchange.com, pub-0000000000, DIRECT"]],
    )
    metrics: bool = Field(
        default=True,
        description="Serve the pipeline's metrics for Prometheus at `/metrics` (the work waiting "
        "at each stage, items worked on, errors, workers alive). Turn off when the site is "
        "public and nothing should know those numbers.",
    )

    @field_validator("base_url")
    @classmethod
    def _site_address(cls, value: str) -> str:
        """Every link in the feeds, sitemaps and API and the desk's origin check start with it:
        a name without a scheme or a query would make them all broken links."""
        try:
            parts = urlsplit(value)
            parts.port  # noqa: B018 - raises ValueError for a port out of range
        except ValueError as exc:
            raise ValueError(f"not a valid address ({exc})") from exc
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError("must be an http:// or https:// address with a host")
        if parts.query or parts.fragment:
            raise ValueError("must have no query (?) or fragment (#)")
        return value


class FetchSettings(Section):
    user_agent: str = Field(
        default="Gazette/0.1 (+https://github.com/gazette-news/gazette)",
        description="User-Agent header of every request; also the name looked up in robots.txt.",
    )
    connect_timeout_seconds: float = Field(
        default=10.0, gt=0, le=120, description="Seconds to wait for a connection to a server."
    )
    timeout_seconds: float = Field(
        default=20.0,
        gt=0,
        le=300,
        description="Seconds to wait between two reads of a response before giving up.",
    )
    total_timeout_seconds: float = Field(
        default=60.0,
        gt=0,
        le=900,
        description="Seconds a whole response may take, so that a server that sends a byte at "
        "a time cannot hold up a run.",
    )
    max_bytes: int = Field(
        default=5_000_000,
        ge=1_000,
        description="Largest response body accepted, in bytes after decompression; a larger "
        "one is refused.",
    )
    max_redirects: int = Field(
        default=5,
        ge=0,
        le=20,
        description="Redirects followed for one request; a longer chain is an error.",
    )
    max_connections: int = Field(
        default=20, ge=1, le=500, description="Requests in flight at once, over all hosts."
    )
    per_host_connections: int = Field(
        default=2, ge=1, le=50, description="Requests in flight at once to one host."
    )
    per_host_delay_seconds: float = Field(
        default=1.0,
        ge=0,
        le=300,
        description="Pause between two requests to one host, in seconds. A longer Crawl-delay "
        "in the host's robots.txt wins, up to `max_crawl_delay_seconds`.",
    )
    max_crawl_delay_seconds: float = Field(
        default=30.0,
        ge=0,
        le=3600,
        description="Longest Crawl-delay from a robots.txt that is honoured, in seconds; a "
        "longer one is cut to this.",
    )
    respect_robots_txt: bool = Field(
        default=True,
        description="`true` obeys each site's robots.txt: addresses it disallows are not "
        "fetched, and its Crawl-delay is honoured. `false` ignores it.",
    )
    retries: int = Field(
        default=3,
        ge=0,
        le=10,
        description="Retries of a request after a 429 or 5xx status or a network error.",
    )
    retry_backoff_seconds: float = Field(
        default=1.0,
        ge=0,
        le=60,
        description="Pause before the first retry, in seconds; it doubles with each retry, "
        "give or take half (jitter). A Retry-After header from the server replaces it.",
    )
    max_retry_delay_seconds: float = Field(
        default=60.0,
        ge=0,
        le=3600,
        description="Longest pause before a retry, in seconds. A server whose Retry-After "
        "asks for longer is not retried: the request fails.",
    )
    default_interval_minutes: float = Field(
        default=30.0,
        gt=0,
        le=365 * 24 * 60,
        description="Minutes between two readings of a source, unless the source has its own "
        "interval (`gazette sources add --interval`).",
        json_schema_extra=MAIN_SETTING,
    )
    max_items_per_feed: int = Field(
        default=300,
        ge=1,
        le=100_000,
        description="Items taken from a feed at each reading, newest first; the source's "
        "status notes when more were listed.",
    )
    allow_networks: list[str] = Field(
        default_factory=list,
        description="Private, loopback and link-local networks that may be fetched anyway, in "
        "CIDR notation. Empty: Gazette never connects to such addresses.",
        examples=[["10.0.0.0/8"]],
        json_schema_extra=MAIN_SETTING,
    )
    mirror_dir: Path | None = Field(
        default=None,
        description="Answer every http(s) address from this folder tree (`<dir>/<host>/<path>`) "
        "instead of the network, for offline use such as the demo. A relative path is "
        "relative to the config file; the folder must exist. Unset: the network is used.",
        examples=["site"],
        json_schema_extra=MAIN_SETTING,
    )

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
    window_hours: float = Field(
        default=72.0,
        gt=0,
        le=365 * 24,
        description="A report may join only a story that had a report in this many hours "
        "before it; older stories are closed to it.",
        json_schema_extra=MAIN_SETTING,
    )
    join_threshold: float = Field(
        default=0.6,
        gt=0,
        lt=2,
        description="How closely a report must match a story to join it, as a share of the "
        "story's cohesion (how closely two reports of one event match each other). Lower joins "
        "more readily; docs/clustering.md explains the scores.",
        json_schema_extra=MAIN_SETTING,
    )
    lead_words: int = Field(
        default=120,
        ge=0,
        description="Words of an article's text, after its title, that its embedding reads.",
    )
    language: str = Field(
        default="en",
        pattern=r"^[a-z]{2,3}$",
        description="Language code assumed for reports that declare none and are too short to "
        "tell; stories never mix languages.",
        json_schema_extra=MAIN_SETTING,
    )


class LLMSettings(Section):
    url: str = Field(
        default="",
        description="Address of the OpenAI-compatible endpoint of the optional language model: "
        "its API root, as OpenAI clients take it, or its full `.../chat/completions` address. "
        "Empty: no language model is used.",
        examples=["http://127.0.0.1:11434/v1"],
        json_schema_extra=MAIN_SETTING,
    )
    model: str = Field(
        default="",
        description="Name of the model to ask for; needed when `url` is set.",
        examples=["llama3.1:8b"],
        json_schema_extra=MAIN_SETTING,
    )
    api_key: SecretStr = Field(
        default=SecretStr(""),
        description="Key sent as a bearer token, for endpoints that need one.",
        json_schema_extra=MAIN_SETTING,
    )
    temperature: float = Field(
        default=0.2,
        ge=0,
        le=2,
        description="Sampling temperature of every request; 0 is the most repeatable.",
    )
    max_tokens: int = Field(
        default=1500, ge=100, le=32_000, description="Most tokens the model may write per answer."
    )
    timeout_seconds: float = Field(
        default=120.0,
        gt=0,
        le=3600,
        description="Seconds a whole request may take; models on a CPU are slow.",
    )
    retries: int = Field(
        default=2,
        ge=0,
        le=10,
        description="Retries of a request after a timeout, a network error, a 429 or 5xx "
        "status, or an answer that is not the JSON asked for.",
    )
    retry_backoff_seconds: float = Field(
        default=2.0,
        ge=0,
        le=60,
        description="Pause before the first retry, in seconds; it doubles with each retry. A "
        "Retry-After header from the server replaces it.",
    )
    max_retry_delay_seconds: float = Field(
        default=60.0,
        ge=0,
        le=3600,
        description="Longest pause before a retry, in seconds, even when a Retry-After header "
        "asks for longer.",
    )
    requests_per_minute: float = Field(
        default=0,
        ge=0,
        description="Most requests a minute, for hosted APIs' rate limits; 0 means no limit.",
    )
    down_seconds: float = Field(
        default=300.0,
        ge=0,
        description="After a request failed every retry, stories are written without the model "
        "for this many seconds.",
    )

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
    max_words: int = Field(
        default=250,
        ge=40,
        le=5000,
        description="Length budget of an article's body, in words.",
        json_schema_extra=MAIN_SETTING,
    )
    auto_publish: bool = Field(
        default=True,
        description="`true` publishes new articles at once; `false` keeps them for an "
        "editor's approval.",
        json_schema_extra=MAIN_SETTING,
    )
    llm: LLMSettings = Field(
        default_factory=LLMSettings,
        description="An optional language model that words each article, reached through any "
        "OpenAI-compatible chat-completions endpoint (Ollama, vLLM, llama.cpp server, hosted "
        "APIs); every sentence it writes is checked against the sources. With no `url`, "
        "Gazette writes without one.",
    )

    @model_validator(mode="after")
    def _model_named(self) -> WriteSettings:
        if self.llm.enabled and not self.llm.model:
            raise ValueError("write.llm.url is set, so write.llm.model must name the model")
        return self


class AdSlotSettings(Section):
    name: str = Field(
        min_length=1,
        max_length=64,  # the database column's (gazette/db/models.py AdSlot.name)
        pattern=r"^[a-z0-9][a-z0-9_-]*$",
        description="Name of the slot (lowercase letters, digits, `-` and `_`; at most 64), by "
        "which each run finds it again.",
    )
    placement: Literal["header", "article", "sidebar", "footer"] = Field(
        description="Where the slot appears on the pages (`article`: inside a story)."
    )
    html: str = Field(
        default="",
        description="Markup of the ad: links (with their `rel`), images and simple formatting. "
        "Anything that could run code (scripts, event attributes, `javascript:` links, inline "
        "styles) is removed before a page shows it. Empty: the slot is unsold.",
    )


class CommentSettings(Section):
    enabled: bool = Field(
        default=True,
        description="`true` lets readers comment on stories; `false` closes comments.",
    )
    max_length: int = Field(
        default=4000,
        ge=10,
        le=100_000,
        description="Longest comment accepted, in characters; the form will not take more.",
    )
    require_approval: bool = Field(
        default=False,
        description="`true` holds new comments until a moderator approves them; `false` shows "
        "them at once.",
        json_schema_extra=MAIN_SETTING,
    )
    hold_first_comments: bool = Field(
        default=False,
        description="`true` holds a comment for a moderator when its address has no approved "
        "comment yet; once one is approved, that address's comments show at once (unless "
        "`require_approval` holds them all).",
    )
    max_links: int = Field(
        default=2,
        ge=0,
        le=100,
        description="Most links (web addresses) one comment may hold; one with more is refused.",
    )
    per_address_limit: int = Field(
        default=5,
        ge=1,
        le=10_000,
        description="Comments accepted from one address within `per_address_window_minutes`; "
        "further ones are refused (HTTP 429) until the oldest leaves the window. An IPv6 "
        "address counts as its /64 network.",
    )
    per_address_window_minutes: float = Field(
        default=10.0,
        gt=0,
        le=7 * 24 * 60,
        description="The window of `per_address_limit`, in minutes.",
    )
    per_page: int = Field(
        default=50, ge=1, le=1000, description="Comments shown on each page under a story."
    )


class DeskSettings(Section):
    session_idle_minutes: float = Field(
        default=120.0,
        ge=1,
        le=7 * 24 * 60,
        description="An editor's login ends after this many minutes without a page of the "
        "desk, and they must log in again.",
        json_schema_extra=MAIN_SETTING,
    )
    session_max_hours: float = Field(
        default=12.0,
        ge=0.1,
        le=90 * 24,
        description="A login ends this many hours after it began, however busy the editor.",
    )
    login_failures_per_account: int = Field(
        default=5,
        ge=1,
        le=1000,
        description="Failed logins to one account within `login_window_minutes` before "
        "further tries at that account are refused (HTTP 429) until the window has passed; a "
        "successful login starts the count again.",
    )
    login_failures_per_address: int = Field(
        default=20,
        ge=1,
        le=10_000,
        description="Failed logins from one client address (an IPv6 /64) within "
        "`login_window_minutes`, to any accounts, before further tries from it are refused "
        "(HTTP 429). Higher than the account's limit: a newsroom's editors may share an "
        "address.",
    )
    login_window_minutes: float = Field(
        default=15.0,
        gt=0,
        le=24 * 60,
        description="How far back, in minutes, the login limits count failed tries.",
    )
    secret_key: SecretStr = Field(
        default=SecretStr(""),
        description="Key that signs the session and form cookies (at least 32 characters; "
        "changing it logs everyone out). Empty: a random key is made the first time one is "
        "needed and kept in the database, where every web process finds it.",
    )

    @field_validator("secret_key")
    @classmethod
    def _long_enough(cls, value: SecretStr) -> SecretStr:
        if 0 < len(value.get_secret_value()) < 32:
            raise ValueError("must be empty or at least 32 characters long")
        return value


class CelerySettings(Section):
    broker_url: str = Field(
        default="redis://127.0.0.1:6379/0",
        description="Redis that carries the Celery engine's tasks (`gazette worker --engine "
        "celery`, `gazette scheduler`). It holds no data: tasks name a stage, the database "
        "holds the work, so a Redis that loses its queues loses nothing.",
        examples=["redis://:password@redis.internal:6379/0"],
        json_schema_extra=MAIN_SETTING,
    )
    queue_prefix: str = Field(
        default="gazette",
        pattern=r"^[A-Za-z0-9_-]+$",
        description="Start of the queues' names (`<prefix>.io`, `<prefix>.cpu`, "
        "`<prefix>.serial`), so that several deployments can share one Redis.",
    )
    sweep_seconds: float = Field(
        default=15.0,
        ge=1,
        le=3600,
        description="How often the scheduler enqueues every stage's step, in seconds: sources "
        "are read when due, and work whose task was lost (a Redis restart) is taken up again "
        "from the database.",
    )
    task_retries: int = Field(
        default=5,
        ge=0,
        le=50,
        description="Retries of a stage's step that failed as a whole (the database went away, "
        "an error no item caught), before the stage is parked with its error.",
    )
    retry_backoff_seconds: float = Field(
        default=2.0,
        gt=0,
        le=600,
        description="Wait before the first retry of a failed step, in seconds; it doubles with "
        "each retry, up to `retry_backoff_max_seconds`.",
    )
    retry_backoff_max_seconds: float = Field(
        default=120.0,
        gt=0,
        le=86_400,
        description="Longest wait between two retries of a failed step, in seconds.",
    )
    visibility_timeout_seconds: int = Field(
        default=3600,
        ge=60,
        description="Seconds after which Redis hands a task that was taken but never finished "
        "(its worker vanished) to another worker; longer than any step takes.",
    )

    @field_validator("broker_url")
    @classmethod
    def _redis_url(cls, value: str) -> str:
        if not value.startswith(("redis://", "rediss://", "redis+socket://")):
            raise ValueError("must be a redis://, rediss:// or redis+socket:// address")
        return value


def _default_ad_slots() -> list[AdSlotSettings]:
    return [
        AdSlotSettings(name="header", placement="header"),
        AdSlotSettings(name="in-article", placement="article"),
        AdSlotSettings(name="sidebar", placement="sidebar"),
    ]


class Settings(BaseSettings):
    """All of Gazette's settings. Build one with `load_settings`."""

    model_config = SettingsConfigDict(
        env_prefix="GAZETTE_", env_nested_delimiter="__", extra="forbid"
    )

    database_url: str = Field(
        default="sqlite:///gazette.db",
        description="Where Gazette keeps its data: a SQLite file (`sqlite:///path`, relative "
        "to the working directory) or a PostgreSQL database.",
        examples=["postgresql+psycopg://user@host/dbname"],
        json_schema_extra=MAIN_SETTING,
    )
    site: SiteSettings = Field(
        default_factory=SiteSettings, description="The website: its name, address and mode."
    )
    fetch: FetchSettings = Field(
        default_factory=FetchSettings,
        description="Reading sources: time and size limits, politeness towards the sites read, "
        "retries, and which networks may be reached.",
    )
    cluster: ClusterSettings = Field(
        default_factory=ClusterSettings,
        description="Grouping the reports of one event into a story.",
    )
    write: WriteSettings = Field(
        default_factory=WriteSettings,
        description="Writing one cited article per story, and publishing it.",
    )
    comments: CommentSettings = Field(
        default_factory=CommentSettings, description="Readers' comments under each story."
    )
    desk: DeskSettings = Field(
        default_factory=DeskSettings,
        description="The newsroom's desk at `/desk`: how long a login lasts, how many failed "
        "logins are allowed, the key that signs its cookies.",
    )
    celery: CelerySettings = Field(
        default_factory=CelerySettings,
        description="The Celery engine, for running the stages on several machines: its Redis "
        "broker, its queues, how often the scheduler sweeps, how failed steps are retried.",
    )
    ads: list[AdSlotSettings] = Field(
        default_factory=_default_ad_slots,
        description="Ad slots, one `[[ads]]` table each; the tables given replace the default "
        "slots as a whole. Every run creates the slots named here and sets their placement and "
        "markup, except the markup of a slot an editor set on the desk (`/desk/ads`, `gazette "
        "ads set`), which stays until the slot is handed back (`gazette ads reset`). Slots not "
        "named here, and whether a slot is switched off, are left alone.",
        json_schema_extra=MAIN_SETTING,
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
    except SettingsError as exc:  # a list or table in the environment that is not JSON
        raise ConfigError(_environment_error(exc)) from exc
    mirror = settings.fetch.mirror_dir
    if mirror is not None and not mirror.is_absolute() and path is not None:
        settings.fetch.mirror_dir = (path.parent / mirror).resolve()
    if mirror is not None and not settings.fetch.mirror_dir.is_dir():  # type: ignore[union-attr]
        where = str(path) if path else "settings"
        raise ConfigError(
            f"invalid configuration in {where} (or GAZETTE_* environment): fetch.mirror_dir: "
            f"no such folder: {settings.fetch.mirror_dir} (got {str(mirror)!r})"
        )
    return settings


def _environment_error(exc: SettingsError) -> str:
    """pydantic-settings says only 'error parsing value for field "fetch" from source
    "EnvSettingsSource"': the message names the variables and shows how to write a list."""
    field = str(exc).split('"')[1] if str(exc).count('"') >= 2 else ""
    name = f"GAZETTE_{field.upper()}"
    variables = f"{name} or a {name}__... variable" if field else "a GAZETTE_* variable"
    return (
        f"invalid configuration in the environment: {variables} is not valid JSON "
        f"({exc.__cause__}); lists and tables are written as JSON, such as "
        """GAZETTE_FETCH__ALLOW_NETWORKS='["10.0.0.0/8"]'"""
    )


def describe_validation_error(exc: ValidationError, path: Path | None) -> str:
    where = str(path) if path else "settings"
    lines = [f"invalid configuration in {where} (or GAZETTE_* environment):"]
    for error in exc.errors():
        field = ".".join(str(part) for part in error["loc"]) or "(top level)"
        lines.append(f"  {field}: {error['msg']} (got {error.get('input')!r})")
    return "\n".join(lines)
