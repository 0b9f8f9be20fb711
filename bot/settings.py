"""Settings from the environment (and ``.env``): read once, validated, never echoing the token."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

TELEGRAM_API = "https://api.telegram.org"
_TOKEN = re.compile(r"^\d+:[A-Za-z0-9_-]+$")


class SettingsError(Exception):
    """A setting is missing or wrong; the message names the variable, never its secret value."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", frozen=True, populate_by_name=True
    )

    token: SecretStr | None = Field(default=None, validation_alias="TELEGRAM_BOT_TOKEN")
    api_url: str = Field(default=TELEGRAM_API, validation_alias="SUMMITBOT_API_URL")
    events: Path = Field(default=Path("config/events.yaml"), validation_alias="SUMMITBOT_EVENTS")
    db: str = Field(default="sqlite+aiosqlite:///data/summitbot.db", validation_alias="SUMMITBOT_DB")
    admins: Annotated[frozenset[int], NoDecode] = Field(
        default=frozenset(), validation_alias="SUMMITBOT_ADMINS"
    )
    rate: float = Field(default=30.0, gt=0, le=1000, validation_alias="SUMMITBOT_RATE")
    reload_seconds: float = Field(default=2.0, gt=0, le=3600, validation_alias="SUMMITBOT_RELOAD_SECONDS")

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
        if not re.match(r"^https?://[^\s/]+", value):
            raise ValueError("must be an http:// or https:// address, e.g. http://127.0.0.1:8081")
        return value.rstrip("/")

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


_NAMES = {name: str(field.validation_alias) for name, field in Settings.model_fields.items()}


def load_settings(**overrides: object) -> Settings:
    """Build settings or raise ``SettingsError`` with one line per bad variable (no values shown)."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]  # pydantic-settings accepts field names at run time
    except ValidationError as exc:
        lines = []
        for error in exc.errors():
            field = str(error["loc"][0]) if error["loc"] else "settings"
            message = str(error["msg"]).removeprefix("Value error, ")
            lines.append(f"{_NAMES.get(field, field)}: {message}")
        raise SettingsError("; ".join(lines)) from None
