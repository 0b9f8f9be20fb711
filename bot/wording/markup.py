"""Telegram HTML for plain text: escaped, and wrapped in one tag that opens and closes on its line."""

from __future__ import annotations

from html import escape


def bold(text: str) -> str:
    return f"<b>{escape(text)}</b>"


def italic(text: str) -> str:
    return f"<i>{escape(text)}</i>"
