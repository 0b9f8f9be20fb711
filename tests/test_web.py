"""The bot seen from outside: the public page, the calendar feed, /healthz and /metrics over HTTP.

Most tests talk to the web side through aiohttp's test client, built from the same parts the bot
uses (seed events file, store, manual clock); the last ones ask the running bot on its own port.
"""

from __future__ import annotations

import asyncio
import io
import socket
import xml.etree.ElementTree as ET
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import aiohttp
import html5lib
import icalendar
import pytest
import pytest_asyncio
from aiohttp.test_utils import TestClient, TestServer
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy.ext.asyncio import create_async_engine

from bot.bootstrap import boot_of, build_application, running
from bot.catalog import LiveCatalog
from bot.clock import ManualClock
from bot.settings import Settings, SettingsError, load_settings
from bot.storage import DeliveryState, Store
from bot.terminal import chat
from bot.web.feed import Feeds, etag_of
from bot.web.health import Role, RoleProvider, Ticks, always_leader
from bot.web.metrics import Metrics, message_kind
from bot.web.probe import probe
from bot.web.server import Site, build_app, negotiate
from bot.wording.language import language
from tests.conftest import SEED, Harness, bot_env, build, spawn_bot
from tests.fakebotapi import TOKEN, FakeBotApiServer
from tests.ports import free_port

SUMMIT = "summit-2025"
SUMMIT_RU = "23-й ежегодный индийско-российский саммит"
SUMMIT_HI = "23वां भारत-रूस वार्षिक शिखर सम्मेलन"
UNCONFIRMED_RU = "Не подтверждено ни одним из правительств"
UNCONFIRMED_HI = "किसी भी सरकार ने पुष्टि नहीं की है"
RUSSIAN = "ru-RU,ru;q=0.9,en-US;q=0.8,en;q=0.7"


@dataclass
class Web:
    client: TestClient[aiohttp.web.Request, aiohttp.web.Application]
    site: Site
    clock: ManualClock

    async def get(self, path: str, **headers: str) -> aiohttp.ClientResponse:
        return await self.client.get(path, headers=headers)

    async def page(self, path: str = "/", **headers: str) -> ET.Element:
        answer = await self.get(path, **headers)
        assert answer.status == 200
        return parse(await answer.text())


def parse(html: str) -> ET.Element:
    """The page as a browser's parser builds it; a single HTML5 parse error fails the test."""
    parser = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False)
    page: ET.Element = parser.parse(html)
    return page


def text_of(element: ET.Element | None) -> str:
    assert element is not None
    return " ".join("".join(element.itertext()).split())


def card(page: ET.Element, event_id: str, part: str = "upcoming") -> dict[str, str]:
    """An event's card as a reader sees it: title, countdown, and each labelled line."""
    article = page.find(f".//article[@aria-labelledby='{part}-{event_id}']")
    assert article is not None, f"no {part} card for {event_id}"
    shown = {
        "title": text_of(article.find("h3")),
        "countdown": text_of(article.find("p[@class='countdown']")),
        "source": text_of(article.find("p[@class='source']")),
    }
    labels = [text_of(dt) for dt in article.iter("dt")]
    values = [text_of(dd) for dd in article.iter("dd")]
    return shown | dict(zip(labels, values, strict=True))


def links(page: ET.Element) -> dict[str, str]:
    return {text_of(a): a.get("href", "") for a in page.iter("a")}


async def make_web(site: Site, clock: ManualClock) -> AsyncIterator[Web]:
    async with TestClient(TestServer(build_app(site))) as client:
        yield Web(client, site, clock)


def make_site(
    store: Store, catalog: LiveCatalog, clock: ManualClock, role: RoleProvider = always_leader
) -> Site:
    ticks = Ticks(clock.now())
    ticks.ticked(clock.now())
    return Site(
        clock=clock,
        catalog=catalog,
        store=store,
        metrics=Metrics(),
        ticks=ticks,
        bot_username="SummitBot",
        role=role,
    )


@pytest_asyncio.fixture
async def store(tmp_path: Path) -> AsyncIterator[Store]:
    opened = await Store.open(f"sqlite+aiosqlite:///{tmp_path / 'web.db'}")
    yield opened
    await opened.close()


@pytest.fixture
def live(events_file: Path) -> LiveCatalog:
    catalog = LiveCatalog.load(events_file)
    catalog.pause = lambda: None
    return catalog


@pytest_asyncio.fixture
async def web(store: Store, live: LiveCatalog, clock: ManualClock) -> AsyncIterator[Web]:
    async for each in make_web(make_site(store, live, clock), clock):
        yield each


# ---------------------------------------------------------------- the page


async def test_a_russian_visitor_reads_the_summit_card_in_russian_with_its_countdown_and_status(
    web: Web,
) -> None:
    answer = await web.get("/", **{"Accept-Language": RUSSIAN})
    page = parse(await answer.text())
    assert page.get("lang") == "ru"
    assert answer.headers["Content-Language"] == "ru"
    assert "Accept-Language" in answer.headers["Vary"]
    assert answer.headers["Content-Type"] == "text/html; charset=utf-8"
    summit = card(page, SUMMIT)
    assert summit["title"] == SUMMIT_RU
    assert summit["countdown"] == "через 65 дней"
    assert summit["Когда"] == "5—6 декабря 2025 г."
    assert summit["Где"] == "Нью-Дели"
    assert summit["Статус"] == UNCONFIRMED_RU
    assert summit["source"].startswith("Источник: Источники, знакомые с планами визита")
    assert text_of(page.find(".//h2[@id='upcoming']")) == "Предстоящие"


async def test_a_hindi_visitor_reads_the_page_in_hindi(web: Web) -> None:
    page = await web.page("/", **{"Accept-Language": "hi-IN,hi;q=0.9,en;q=0.5"})
    assert page.get("lang") == "hi"
    summit = card(page, SUMMIT)
    assert summit["title"] == SUMMIT_HI
    assert summit["countdown"] == "65 दिन में"
    assert summit["स्थिति"] == UNCONFIRMED_HI


async def test_lang_in_the_address_overrides_the_browser_and_an_unknown_one_is_ignored(web: Web) -> None:
    assert (await web.page("/?lang=hi", **{"Accept-Language": RUSSIAN})).get("lang") == "hi"
    assert (await web.page("/?lang=xx", **{"Accept-Language": RUSSIAN})).get("lang") == "ru"
    assert (await web.page("/")).get("lang") == "en"


@pytest.mark.parametrize(
    ("header", "chosen"),
    [
        ("ru-RU,ru;q=0.9,en;q=0.8", "ru"),
        ("en;q=0.5, hi;q=0.9", "hi"),
        ("hi_IN", "hi"),
        ("RU", "ru"),
        ("de-DE,fr;q=0.8", "en"),
        ("ru;q=0, hi;q=0.1", "hi"),
        ("ru;q=oops, hi", "hi"),
        ("*", "en"),
        ("", "en"),
    ],
)
def test_the_visitors_language_is_negotiated_by_preference_among_ours(header: str, chosen: str) -> None:
    assert negotiate(header) == chosen


async def test_the_page_links_to_the_bot_and_to_the_calendar_in_the_visitors_language(web: Web) -> None:
    page = await web.page("/", **{"Accept-Language": RUSSIAN})
    shown = links(page)
    assert shown["Открыть @SummitBot в Telegram"] == "https://t.me/SummitBot"
    assert shown["Скачать календарь (.ics)"] == "/calendar.ics?lang=ru"
    host = f"{web.client.host}:{web.client.port}"
    assert shown["Подписаться в приложении-календаре"] == f"webcal://{host}/calendar.ics?lang=ru"
    assert shown["हिन्दी"] == "/?lang=hi"


async def test_a_strange_host_header_costs_only_the_webcal_link(web: Web) -> None:
    page = await web.page("/", Host='evil.example/"><b>')
    shown = links(page)
    assert "Subscribe in your calendar app" not in shown
    assert shown["Download the calendar (.ics)"] == "/calendar.ics?lang=en"


async def test_every_page_is_valid_html5_with_one_h1_landmarks_and_its_language(web: Web) -> None:
    for code in ("en", "ru", "hi"):
        page = await web.page(f"/?lang={code}")
        assert page.get("lang") == code
        assert len(list(page.iter("h1"))) == 1
        for landmark in ("header", "nav", "main", "footer"):
            assert page.find(f".//{landmark}") is not None, landmark
        assert page.find(".//meta[@name='viewport']") is not None


async def test_the_page_runs_no_script_and_loads_nothing_from_elsewhere(web: Web) -> None:
    answer = await web.get("/")
    page = parse(await answer.text())
    assert list(page.iter("script")) == []
    assert list(page.iter("img")) == []
    assert {link.get("href", "")[:1] for link in page.iter("link")} == {"/"}
    assert "default-src 'none'" in answer.headers["Content-Security-Policy"]
    css = await web.get("/page.css")
    assert css.status == 200
    assert css.headers["Content-Type"] == "text/css; charset=utf-8"
    assert "url(" not in await css.text()  # no font, image or import from anywhere
    again = await web.get("/page.css", **{"If-None-Match": css.headers["ETag"]})
    assert again.status == 304


async def test_an_event_that_is_over_moves_to_the_recent_events(web: Web) -> None:
    web.clock.set(web.clock.now().replace(year=2025, month=12, day=9))
    page = await web.page("/")
    summit = card(page, SUMMIT, part="recent")
    assert summit["countdown"] == "ended 3 days ago"
    assert page.find(f".//article[@aria-labelledby='upcoming-{SUMMIT}']") is None


async def test_text_from_the_events_file_is_shown_as_text_never_as_markup(
    store: Store, clock: ManualClock
) -> None:
    hostile = '<script>alert("x")</script> & <b>bold</b>'
    catalog = build(
        {"id": "e", "title": hostile, "when": {"date": "2025-12-05"}, "place": "Delhi & <i>Mumbai</i>"}
    )
    site = make_site(store, LiveCatalog(Path("test.yaml"), catalog, "digest"), clock)
    async for web in make_web(site, clock):
        page = await web.page("/")
        assert list(page.iter("script")) == []
        assert list(page.iter("b")) == []
        shown = card(page, "e")
        assert shown["title"] == hostile
        assert shown["Where"] == "Delhi & <i>Mumbai</i>"


# ---------------------------------------------------------------- the calendar


async def test_the_calendar_is_text_calendar_in_the_asked_language_defaulting_to_the_browsers(
    web: Web,
) -> None:
    answer = await web.get("/calendar.ics?lang=ru")
    assert answer.status == 200
    assert answer.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert answer.headers["Cache-Control"].startswith("public, max-age=")
    feed = icalendar.Calendar.from_ical(await answer.read())
    titles = {str(e["uid"]): str(e["summary"]) for e in feed.walk("VEVENT")}
    assert titles[f"{SUMMIT}@summitbot"] == SUMMIT_RU
    hindi = icalendar.Calendar.from_ical(
        await (await web.get("/calendar.ics", **{"Accept-Language": "hi"})).read()
    )
    assert {str(e["summary"]) for e in hindi.walk("VEVENT")} >= {SUMMIT_HI}


def confirm_the_summit_by_india(events_file: Path) -> None:
    edited = events_file.read_text().replace("confirmed_by: []            #", "confirmed_by: [india] #", 1)
    events_file.write_text(edited)


async def test_a_calendar_app_polling_again_gets_304_until_the_feed_says_something_new(
    web: Web, live: LiveCatalog, events_file: Path
) -> None:
    first = await web.get("/calendar.ics?lang=en")
    etag = first.headers["ETag"]
    assert etag.startswith('W/"')
    web.clock.advance(timedelta(minutes=10))
    polled = await web.get("/calendar.ics?lang=en", **{"If-None-Match": etag})
    assert polled.status == 304
    assert await polled.read() == b""
    assert polled.headers["ETag"] == etag

    await asyncio.to_thread(confirm_the_summit_by_india, events_file)
    live.reload(force=True)
    edited = await web.get("/calendar.ics?lang=en", **{"If-None-Match": etag})
    assert edited.status == 200
    assert edited.headers["ETag"] != etag

    web.clock.set(web.clock.now().replace(month=12, day=9))  # the summit is over: its texts change tense
    ended = await web.get("/calendar.ics?lang=en", **{"If-None-Match": edited.headers["ETag"]})
    assert ended.status == 200


async def test_the_feed_is_built_once_while_nothing_it_says_changes(
    live: LiveCatalog, clock: ManualClock
) -> None:
    feeds = Feeds(live)
    first = feeds.get(clock.now(), language("ru"))
    later = feeds.get(clock.now() + timedelta(hours=5), language("ru"))
    assert later.body == first.body  # the same bytes, DTSTAMP included: nothing was rebuilt


def test_two_replicas_name_the_same_feed_alike_though_their_stamps_differ(
    live: LiveCatalog, clock: ManualClock
) -> None:
    one = Feeds(live).get(clock.now(), language("en"))
    other = Feeds(live).get(clock.now() + timedelta(minutes=3), language("en"))
    assert one.body != other.body
    assert one.etag == other.etag == etag_of(other.body)
    assert Feeds(live).get(clock.now(), language("hi")).etag != one.etag


# ---------------------------------------------------------------- /healthz


async def test_healthz_is_200_with_the_database_reachable_and_a_recent_tick(web: Web) -> None:
    web.clock.advance(timedelta(seconds=30))
    answer = await web.get("/healthz")
    assert answer.status == 200
    assert answer.headers["Cache-Control"] == "no-store"
    report = await answer.json()
    assert report == {
        "status": "ok",
        "process": "up",
        "database": "reachable",
        "role": "leader",
        "last_tick": {"at": "2025-10-01T03:30:00+00:00", "age_seconds": 30.0},
        "problems": [],
    }


async def test_healthz_is_503_when_the_database_is_unreachable_and_names_neither_it_nor_its_password(
    live: LiveCatalog, clock: ManualClock
) -> None:
    url = "postgresql+asyncpg://summitbot:hunter2@127.0.0.1:9/summitbot"
    unreachable = Store(create_async_engine(url))
    async for web in make_web(make_site(unreachable, live, clock), clock):
        answer = await web.get("/healthz")
        body = await answer.text()
        assert answer.status == 503
        assert (await answer.json())["database"] == "unreachable"
        assert (await answer.json())["problems"] == ["database_unreachable"]
        for secret in ("hunter2", "127.0.0.1:9", "postgresql", "summitbot:"):
            assert secret not in body
        metrics = await (await web.get("/metrics")).text()
        assert "summitbot_outbox_pending NaN" in metrics
    await unreachable.close()


@pytest.mark.parametrize(("role", "status"), [("leader", 503), ("follower", 200)])
async def test_a_leader_whose_notifier_missed_three_ticks_is_unhealthy_a_follower_is_not(
    store: Store, live: LiveCatalog, clock: ManualClock, role: Role, status: int
) -> None:
    async for web in make_web(make_site(store, live, clock, role=lambda: role), clock):
        web.clock.advance(timedelta(seconds=89))
        assert (await web.get("/healthz")).status == 200
        web.clock.advance(timedelta(seconds=2))
        answer = await web.get("/healthz")
        assert answer.status == status
        report = await answer.json()
        assert report["role"] == role
        assert report["problems"] == (["tick_stale"] if role == "leader" else [])


async def test_a_leader_that_never_ticked_gets_the_same_grace_from_its_start(
    store: Store, live: LiveCatalog, clock: ManualClock
) -> None:
    site = make_site(store, live, clock)
    site.ticks = Ticks(clock.now())
    async for web in make_web(site, clock):
        assert (await (await web.get("/healthz")).json())["last_tick"] is None
        assert (await web.get("/healthz")).status == 200
        web.clock.advance(timedelta(seconds=91))
        answer = await web.get("/healthz")
        assert answer.status == 503
        assert (await answer.json())["problems"] == ["no_tick_yet"]


# ---------------------------------------------------------------- /metrics


def samples(exposition: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(exposition)
        for sample in family.samples
    }


@pytest.mark.parametrize(
    ("key", "kind"),
    [
        ("summit-2025/lead/7d/2025-11-28T03:30:00+00:00", "lead"),
        ("summit-2025/today/-/2025-12-05T00:00:00+00:00", "today"),
        ("lavrov/month/-/2025-11-01T00:00:00+00:00", "month"),
        ("change/summit-2025/3", "note"),
        ("something/else", "other"),
    ],
)
def test_each_message_is_counted_under_its_kind(key: str, kind: str) -> None:
    assert message_kind(key) == kind


def test_two_bots_in_one_process_keep_separate_metrics() -> None:
    one, other = Metrics(), Metrics()
    one.outcome("change/e/1", DeliveryState.SENT)
    assert one.registry.get_sample_value("summitbot_messages_sent_total", {"kind": "note"}) == 1
    assert other.registry.get_sample_value("summitbot_messages_sent_total", {"kind": "note"}) == 0


async def test_metrics_count_sends_failures_429s_updates_and_read_the_outbox_when_scraped(
    bot: Harness,
) -> None:
    chats = [501, 502, 503]
    async with bot.running():
        for chat in chats:
            await bot.ask(chat, "/subscribe")
        bot.fake.block_chat(503)
        bot.fake.fail_next("sendMessage", 429, "Too Many Requests: retry after 1", {"retry_after": 1})
        await bot.jump(bot.clock.now().replace(month=11, day=28))  # the summit's 7-day reminder
        async with aiohttp.ClientSession() as http, http.get(f"{bot.web_url}/metrics") as answer:
            assert answer.status == 200
            assert answer.headers["Content-Type"].startswith("text/plain")
            scraped = samples(await answer.text())
    assert scraped[("summitbot_messages_sent_total", (("kind", "lead"),))] == 2
    assert scraped[("summitbot_messages_failed_total", (("kind", "lead"),))] == 1
    assert scraped[("summitbot_messages_sent_total", (("kind", "note"),))] == 0
    assert scraped[("summitbot_telegram_429_responses_total", ())] == 1
    assert scraped[("summitbot_outbox_pending", ())] == 0
    assert scraped[("summitbot_leader", ())] == 1
    assert scraped[("summitbot_update_seconds_count", ())] >= len(chats)
    assert scraped[("summitbot_last_tick_timestamp_seconds", ())] == bot.clock.now().timestamp()
    assert any(name.startswith("process_") for name, _ in scraped)


# ---------------------------------------------------------------- the running bot


async def test_the_running_bot_serves_its_page_and_health_and_stops_serving_when_it_stops(
    bot: Harness,
) -> None:
    async with bot.running():
        url = bot.web_url
        async with aiohttp.ClientSession() as http:
            async with http.get(f"{url}/healthz") as answer:
                assert answer.status == 200
                report = await answer.json()
            async with http.get(f"{url}/", headers={"Accept-Language": RUSSIAN}) as answer:
                page = parse(await answer.text())
    assert report["role"] == "leader"
    assert report["last_tick"] is not None
    assert links(page)["Открыть @SummitBot в Telegram"] == "https://t.me/SummitBot"
    assert card(page, SUMMIT)["Статус"] == UNCONFIRMED_RU
    async with aiohttp.ClientSession() as http:
        with pytest.raises(aiohttp.ClientConnectionError):
            await http.get(f"{url}/healthz")


async def test_a_real_bot_process_answers_the_containers_health_probe_on_its_port(
    tmp_path: Path, fake_bot_api: FakeBotApiServer
) -> None:
    port = free_port()
    env = bot_env(
        tmp_path,
        TELEGRAM_BOT_TOKEN=TOKEN,
        SUMMITBOT_API_URL=fake_bot_api.root,
        SUMMITBOT_HTTP_HOST="127.0.0.1",
        SUMMITBOT_HTTP_PORT=str(port),
    )
    process = await spawn_bot(env, capture=False)
    try:
        for _ in range(300):
            if await asyncio.to_thread(probe, port, 1.0):
                break
            await asyncio.sleep(0.1)
        else:
            pytest.fail("the bot never answered /healthz")
    finally:
        process.terminate()
        await process.wait()
    assert not await asyncio.to_thread(probe, port, 1.0)


async def test_a_taken_port_stops_the_bot_with_one_line_naming_the_setting(
    tmp_path: Path, fake_bot_api: FakeBotApiServer
) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        env = bot_env(
            tmp_path,
            TELEGRAM_BOT_TOKEN=TOKEN,
            SUMMITBOT_API_URL=fake_bot_api.root,
            SUMMITBOT_HTTP_HOST="127.0.0.1",
            SUMMITBOT_HTTP_PORT=str(port),
        )
        process = await spawn_bot(env)
        _, stderr = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode == 2
    output = stderr.decode()
    assert "Traceback" not in output
    assert TOKEN not in output
    *logged, line = output.strip().splitlines()
    assert all(" INFO " in entry for entry in logged)  # the schema upgrade on a fresh database, no error
    assert line == (
        f"summitbot: SUMMITBOT_HTTP_PORT: cannot listen on 127.0.0.1:{port} (Address already in use); "
        "choose another port, or 0 to serve no page"
    )


@pytest.mark.parametrize("port", ["70000", "-1", "http"])
def test_a_port_that_is_no_port_is_refused_in_one_line(port: str) -> None:
    with pytest.raises(SettingsError) as caught:
        load_settings(events=SEED, http_port=port)
    assert str(caught.value).startswith("SUMMITBOT_HTTP_PORT: ")


def test_the_web_side_is_on_by_default_on_port_8080_and_0_turns_it_off() -> None:
    assert load_settings(events=SEED).http_port == 8080
    assert load_settings(events=SEED).http_host == "0.0.0.0"  # noqa: S104 - the documented default
    assert load_settings(events=SEED, http_port="0").http_port == 0


async def test_the_terminal_chat_opens_no_port_whatever_the_setting_says(
    settings: Settings, clock: ManualClock, caplog: pytest.LogCaptureFixture
) -> None:
    wanted = settings.model_copy(update={"http_port": free_port()})
    caplog.set_level("INFO", logger="bot.web.server")
    out = io.StringIO()
    assert await chat(wanted, clock, language("en"), stdin=io.StringIO("/next\n/quit\n"), stdout=out) == 0
    assert "23rd India–Russia annual summit" in out.getvalue()
    assert [r for r in caplog.records if r.name == "bot.web.server"] == []


async def test_a_route_given_before_start_is_served_beside_the_page_as_a_webhook_would_be(
    settings: Settings, clock: ManualClock
) -> None:
    received: list[object] = []

    async def webhook(request: aiohttp.web.Request) -> aiohttp.web.Response:
        received.append(await request.json())
        return aiohttp.web.Response()

    app = build_application(settings, clock)
    boot = boot_of(app)
    boot.listen = ("127.0.0.1", 0)
    boot.routes.append(aiohttp.web.post("/telegram", webhook))
    async with running(app):
        assert boot.web is not None
        url = f"http://127.0.0.1:{boot.web.port}"
        async with aiohttp.ClientSession() as http:
            async with http.post(f"{url}/telegram", json={"update_id": 1}) as answer:
                assert answer.status == 200
            async with http.get(f"{url}/healthz") as answer:
                assert answer.status == 200
    assert received == [{"update_id": 1}]
