"""Logging that cannot leak the bot token: httpx logs every URL, and Telegram's URLs contain it."""

from __future__ import annotations

import logging


class RedactToken(logging.Filter):
    """Replaces the token wherever it appears in a record's final text (URLs, exceptions, arguments)."""

    def __init__(self, secret: str) -> None:
        super().__init__()
        self._secret = secret

    def filter(self, record: logging.LogRecord) -> bool:
        text = record.getMessage()
        if self._secret and self._secret in text:
            record.msg, record.args = text.replace(self._secret, "<token>"), None
        if record.exc_info and self._secret:
            formatted = logging.Formatter().formatException(record.exc_info)
            if self._secret in formatted:
                record.msg = f"{record.msg}\n{formatted.replace(self._secret, '<token>')}"
                record.exc_info, record.exc_text = None, None
        return True


def setup_logging(secret: str | None, level: int = logging.INFO) -> None:
    logging.basicConfig(format="%(asctime)s %(levelname)s %(name)s: %(message)s", level=level)
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("alembic").setLevel(logging.WARNING)  # bot.storage.schema says what it migrated
    logging.getLogger("bm25s").setLevel(logging.WARNING)  # it sets itself to DEBUG at import
    if secret:
        protect(secret)


def protect(secret: str) -> None:
    """Attach the redaction to every handler of the root logger (where all records end up)."""
    redact = RedactToken(secret)
    for handler in logging.getLogger().handlers:
        handler.addFilter(redact)
