"""The public page in a real browser: Debian's Chromium, headless, against the running bot.

Chromium asks in the language it is started in (``--lang`` and ``--accept-lang`` set the
``Accept-Language`` it sends), exactly as a visitor's browser would. Without Chromium these tests are
skipped, saying so, unless ``SUMMITBOT_REQUIRE_BROWSER=1`` (CI sets it): then they fail.
"""

from __future__ import annotations

import asyncio
import os
import shutil
from pathlib import Path

import pytest

from tests.conftest import Harness
from tests.test_web import SUMMIT, SUMMIT_HI, SUMMIT_RU, UNCONFIRMED_HI, UNCONFIRMED_RU, card, links, parse

BROWSERS = ("chromium", "chromium-browser")
CHROMIUM = next((found for name in BROWSERS if (found := shutil.which(name))), None)
REQUIRED = os.environ.get("SUMMITBOT_REQUIRE_BROWSER") == "1"
PATIENCE = 120.0  # seconds for one headless run on a busy two-core machine


@pytest.fixture
def chromium() -> str:
    if CHROMIUM is None:
        reason = "no Chromium on this machine (apt-get install chromium)"
        if REQUIRED:
            pytest.fail(f"SUMMITBOT_REQUIRE_BROWSER=1 but {reason}")
        pytest.skip(reason)
    return CHROMIUM


async def headless(browser: str, profile: Path, lang: str, *args: str) -> bytes:
    """One headless Chromium run, isolated in its own profile, that reaches nothing but 127.0.0.1."""
    process = await asyncio.create_subprocess_exec(
        browser,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--hide-scrollbars",
        f"--user-data-dir={profile}",
        f"--lang={lang}",
        f"--accept-lang={lang}",
        *args,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.DEVNULL,
    )
    try:
        dom, _ = await asyncio.wait_for(process.communicate(), PATIENCE)
    except TimeoutError:
        process.kill()
        await process.wait()
        raise
    assert process.returncode == 0
    return dom


async def test_a_russian_browser_shows_the_summit_card_in_russian_with_countdown_status_and_calendar_link(
    bot: Harness, chromium: str, tmp_path: Path
) -> None:
    async with bot.running():
        dom = await headless(chromium, tmp_path / "profile", "ru", "--dump-dom", f"{bot.web_url}/")
    page = parse(dom.decode())
    assert page.get("lang") == "ru"
    summit = card(page, SUMMIT)
    assert summit["title"] == SUMMIT_RU
    assert summit["countdown"] == "через 65 дней"
    assert summit["Статус"] == UNCONFIRMED_RU
    assert links(page)["Скачать календарь (.ics)"] == "/calendar.ics?lang=ru"
    assert links(page)["Подписаться в приложении-календаре"].endswith("/calendar.ics?lang=ru")


async def test_a_hindi_visitor_sees_the_page_in_hindi(bot: Harness, chromium: str, tmp_path: Path) -> None:
    async with bot.running():
        dom = await headless(chromium, tmp_path / "profile", "hi", "--dump-dom", f"{bot.web_url}/")
    page = parse(dom.decode())
    assert page.get("lang") == "hi"
    summit = card(page, SUMMIT)
    assert summit["title"] == SUMMIT_HI
    assert summit["countdown"] == "65 दिन में"
    assert summit["स्थिति"] == UNCONFIRMED_HI
    assert links(page)["कैलेंडर डाउनलोड करें (.ics)"] == "/calendar.ics?lang=hi"


async def test_lang_in_the_address_wins_over_the_browsers_language(
    bot: Harness, chromium: str, tmp_path: Path
) -> None:
    async with bot.running():
        dom = await headless(chromium, tmp_path / "profile", "en", "--dump-dom", f"{bot.web_url}/?lang=ru")
    assert card(parse(dom.decode()), SUMMIT)["title"] == SUMMIT_RU


async def test_the_page_renders_to_a_screenshot(bot: Harness, chromium: str, tmp_path: Path) -> None:
    """A picture for a person to look at: kept in ``SUMMITBOT_SCREENSHOTS`` when that names a folder."""
    keep = os.environ.get("SUMMITBOT_SCREENSHOTS")
    shot = (Path(keep) if keep else tmp_path) / "page-ru.png"
    shot.parent.mkdir(parents=True, exist_ok=True)
    async with bot.running():
        await headless(
            chromium,
            tmp_path / "profile",
            "ru",
            f"--screenshot={shot}",
            "--window-size=1200,1600",
            f"{bot.web_url}/",
        )
    picture = shot.read_bytes()
    assert picture.startswith(b"\x89PNG\r\n\x1a\n")
    assert len(picture) > 20_000  # a page with text on it, not a blank canvas
