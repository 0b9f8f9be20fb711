"""Settings from the environment (and ``.env``): read once, validated, never echoing a secret.

The operator writes the URLs people usually write (``sqlite:///bot.db``, ``postgresql://…``), so the
database URL is turned into the async driver's here, and anything else is refused in one line that
names the variable but not its value (it may hold a password or the bot's token).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, TypeVar
from urllib.parse import urlsplit

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

TELEGRAM_API = "https://api.telegram.org"
DEFAULT_DB = "sqlite+aiosqlite:///data/summitbot.db"
_TOKEN = re.compile(r"^\d+:[A-Za-z0-9_-]+$")
_TOKEN_IN_URL = re.compile(r"\d{3,}:[A-Za-z0-9_-]{10,}")
_SECRET = re.compile(r"[A-Za-z0-9_-]{1,256}")
_ASYNC_DRIVERS = {"sqlite": "aiosqlite", "postgresql": "asyncpg"}
_BACKENDS = {"sqlite": "sqlite", "postgresql": "postgresql", "postgres": "postgresql"}
DB_EXAMPLES = "sqlite:///data/summitbot.db or postgresql://user:password@host/dbname"


class SettingsError(Exception):
    """A setting is missing or wrong; the message names the variable, never its secret value."""


def async_database_url(value: str) -> str:
    """The URL for the async engine: ``sqlite://`` gets aiosqlite, ``postgresql://`` gets asyncpg."""
    try:
        url: URL = make_url(value.strip())
    except ArgumentError:
        raise ValueError(f"is not a database URL (use {DB_EXAMPLES})") from None
    backend, _, driver = url.drivername.partition("+")
    if backend not in _BACKENDS:
        raise ValueError(f"only SQLite and PostgreSQL are supported (use {DB_EXAMPLES})")
    backend = _BACKENDS[backend]
    wanted = _ASYNC_DRIVERS[backend]
    if driver and driver != wanted:
        raise ValueError(f"the {driver} driver is not supported here; leave it out ({DB_EXAMPLES})")
    if backend == "sqlite" and url.database in (None, "", ":memory:"):
        raise ValueError("an in-memory database forgets every subscriber at restart; name a file")
    if backend == "postgresql" and not url.database:
        raise ValueError(f"names no database (use {DB_EXAMPLES})")
    return url.set(drivername=f"{backend}+{wanted}").render_as_string(hide_password=False)


class FileSettings(BaseSettings):
    """What the offline commands (check, plan, ics) need: the events file, from the same places."""

    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", frozen=True, populate_by_name=True
    )

    events: Path = Field(default=Path("config/events.yaml"), validation_alias="SUMMITBOT_EVENTS")


class Settings(FileSettings):
    token: SecretStr | None = Field(default=None, validation_alias="TELEGRAM_BOT_TOKEN")
    api_url: str = Field(default=TELEGRAM_API, validation_alias="SUMMITBOT_API_URL")
    db: str = Field(default=DEFAULT_DB, validation_alias="SUMMITBOT_DB")
    admins: Annotated[frozenset[int], NoDecode] = Field(
        default=frozenset(), validation_alias="SUMMITBOT_ADMINS"
    )
    rate: float = Field(default=30.0, gt=0, le=1000, validation_alias="SUMMITBOT_RATE")
    reload_seconds: float = Field(default=2.0, gt=0, le=3600, validation_alias="SUMMITBOT_RELOAD_SECONDS")
    http_host: str = Field(
        default="0.0.0.0",  # noqa: S104 - a container's port is reached from outside it; README says how to narrow
        min_length=1,
        validation_alias="SUMMITBOT_HTTP_HOST",
    )
    http_port: int = Field(default=8080, ge=0, le=65535, validation_alias="SUMMITBOT_HTTP_PORT")
    """The page, the calendar, /healthz and /metrics; 0 turns the web server off."""
    webhook_url: str | None = Field(default=None, validation_alias="SUMMITBOT_WEBHOOK_URL")
    """Webhook mode: the public https address Telegram posts updates to; unset: long polling."""
    webhook_secret: SecretStr | None = Field(default=None, validation_alias="SUMMITBOT_WEBHOOK_SECRET")
    """What Telegram sends in ``X-Telegram-Bot-Api-Secret-Token`` with every update (webhook mode)."""

    @field_validator("token", mode="before")
    @classmethod
    def _token(cls, value: object) -> object:
        if value in (None, ""):
            return None
        if not isinstance(value, str) or not _TOKEN.match(value.strip()):
            raise ValueError("does not look like a bot token (digits, a colon, then letters, digits, _ or -)")
        return value.strip()

    @field_validator("api_url")
    @classmethod
    def _api_url(cls, value: str) -> str:
        if _TOKEN_IN_URL.search(value):
            raise ValueError(
                "holds what looks like a bot token; give only the server's address, e.g. "
                f"{TELEGRAM_API}, and the token in TELEGRAM_BOT_TOKEN"
            )
        if not re.match(r"^https?://[^\s/]+", value):
            raise ValueError("must be an http:// or https:// address, e.g. http://127.0.0.1:8081")
        return value.rstrip("/")

    @field_validator("webhook_url", mode="before")
    @classmethod
    def _webhook_url(cls, value: object) -> object:
        if value in (None, ""):
            return None
        if not isinstance(value, str):
            return value
        parsed = urlsplit(value.strip())
        if parsed.scheme != "https" or not parsed.hostname or parsed.query or parsed.fragment:
            raise ValueError(
                "must be the public https:// address Telegram posts updates to, e.g. "
                "https://summits.example.org/telegram"
            )
        if _TOKEN_IN_URL.search(value):
            raise ValueError("holds what looks like a bot token; use a path of your own, e.g. /telegram")
        return value.strip()

    @field_validator("webhook_secret", mode="before")
    @classmethod
    def _webhook_secret(cls, value: object) -> object:
        if value in (None, ""):
            return None
        if not isinstance(value, str) or not _SECRET.fullmatch(value.strip()):
            raise ValueError("must be 1 to 256 characters: letters A-Z and a-z, digits, _ and -")
        return value.strip()

    @model_validator(mode="after")
    def _webhook_pair(self) -> Settings:
        if self.webhook_url is not None and self.webhook_secret is None:
            raise ValueError(
                "SUMMITBOT_WEBHOOK_SECRET: required with SUMMITBOT_WEBHOOK_URL, so that only Telegram "
                "can post updates"
            )
        return self

    @property
    def webhook_path(self) -> str | None:
        """Where every replica takes webhook posts in: the path of ``webhook_url`` (``/`` if it has none)."""
        if self.webhook_url is None:
            return None
        return urlsplit(self.webhook_url).path or "/"

    @field_validator("db")
    @classmethod
    def _db(cls, value: str) -> str:
        return async_database_url(value)

    @field_validator("admins", mode="before")
    @classmethod
    def _admins(cls, value: object) -> object:
        if isinstance(value, str):
            parts = [p for p in re.split(r"[,\s]+", value) if p]
            if not all(re.fullmatch(r"-?\d+", p) for p in parts):
                raise ValueError("must be Telegram user ids separated by commas, e.g. 12345,67890")
            return frozenset(int(p) for p in parts)
        return value

    @property
    def base_url(self) -> str:
        """What python-telegram-bot prefixes to ``<token>/<method>``."""
        return f"{self.api_url}/bot"

    @property
    def names_database(self) -> bool:
        """Whether the operator chose the database (environment or ``.env``) rather than the default."""
        return "db" in self.model_fields_set


_S = TypeVar("_S", bound=FileSettings)
_NAMES = {name: str(field.validation_alias) for name, field in Settings.model_fields.items()}


def _load(kind: type[_S], overrides: dict[str, object]) -> _S:
    try:
        return kind(**overrides)  # type: ignore[arg-type]  # pydantic-settings takes field names at run time
    except ValidationError as exc:
        lines = []
        for error in exc.errors():
            message = str(error["msg"]).removeprefix("Value error, ")
            if not error["loc"]:  # a rule over several settings names them itself
                lines.append(message)
                continue
            field = str(error["loc"][0])
            lines.append(f"{_NAMES.get(field, field)}: {message}")
        raise SettingsError("; ".join(lines)) from None


def load_settings(**overrides: object) -> Settings:
    """Build settings or raise ``SettingsError`` with one line per bad variable (no values shown)."""
    return _load(Settings, overrides)


def load_file_settings(**overrides: object) -> FileSettings:
    """Only the events file's setting, so a bad token does not stop ``summitbot check``."""
    return _load(FileSettings, overrides)
