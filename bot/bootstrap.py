"""The composition root: the one place that builds summitbot from its parts.

``build_application`` wires settings, clock, events file, store, sender, notifier, handlers and (in
webhook mode) the webhook's route into a python-telegram-bot ``Application``; tests call it with a
manual clock and a fake Bot API's address, the terminal with an in-process Bot API. ``running`` starts
and stops it the same way everywhere. The web side (``bot.web``: page, calendar, /healthz, /metrics)
starts and stops with it, on ``Boot.listen``. Every process joins the election (``bot.leadership``);
only the leader ticks the notifier, sends the outbox and, in polling mode, polls.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import tempfile
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from aiohttp.web import AbstractRouteDef
from sqlalchemy.engine import make_url
from telegram import BotCommand, Update
from telegram.error import InvalidToken, NetworkError, TelegramError
from telegram.ext import Application, ApplicationBuilder, ContextTypes, JobQueue
from telegram.request import BaseRequest

from bot import edits, handlers
from bot.catalog import LiveCatalog, Reloaded
from bot.clock import Clock, ManualClock, ShiftedClock, SystemClock
from bot.delivery import Limits, Sender
from bot.languages import DEFAULT, SUPPORTED
from bot.leadership import Leadership, elect
from bot.logs import setup_logging
from bot.notifier import Notifier
from bot.service import Summit
from bot.settings import TELEGRAM_API, Settings, SettingsError, load_settings
from bot.transport import AiohttpRequest
from bot.updates import TolerantBot
from bot.web.health import RoleProvider, Ticks, always_leader
from bot.web.metrics import Metrics, TimedApplication
from bot.web.server import ListenError, Site, WebServer
from bot.webhook import webhook_route
from bot.wording import chat as replies
from bot.wording.language import Language, language

if TYPE_CHECKING:
    from bot.storage import Store

log = logging.getLogger(__name__)

BOOT = "boot"
TICK_EVERY = 30.0
FORGET_UPDATES = timedelta(days=1)  # Telegram gives up retrying an update long before this
ALARM = {"misfire_grace_time": None, "coalesce": True}

App = Application[Any, Any, Any, Any, Any, Any]


@dataclass
class Boot:
    """Everything the running bot holds; reachable from handlers and jobs through ``bot_data``."""

    settings: Settings
    clock: Clock
    catalog: LiveCatalog
    metrics: Metrics
    ticks: Ticks
    listen: tuple[str, int] | None
    """Where the web server listens (port 0: any free port, as tests ask); None: no web server."""
    role: RoleProvider = always_leader
    """Asked on every /healthz and /metrics: ``build_application`` points it at the election
    (``bot.leadership``), which ``on_startup`` joins."""
    routes: list[AbstractRouteDef] = field(default_factory=list)
    """More routes for the web server (a webhook's), added before ``on_startup`` starts it."""
    summit: Summit | None = None
    notifier: Notifier | None = None
    web: WebServer | None = None
    leadership: Leadership | None = None
    poll_interval: float = 0.0
    webhook_set: bool = False
    cleanups: list[Callable[[], None]] = field(default_factory=list)


def boot_of(app: App) -> Boot:
    return cast(Boot, app.bot_data[BOOT])


def build_application(
    settings: Settings, clock: Clock, *, request: BaseRequest | None = None, token: str | None = None
) -> App:
    """Build (not start) the bot; a bad events file raises ``EventsFileError`` here, before anything runs."""
    catalog = LiveCatalog.load(settings.events)
    secret = token or (settings.token.get_secret_value() if settings.token else None)
    if secret is None:
        raise SettingsError("TELEGRAM_BOT_TOKEN: required to talk to a Bot API server")
    requests = (request, request) if request is not None else (AiohttpRequest(), AiohttpRequest(1))
    builder = ApplicationBuilder().bot(TolerantBot(secret, settings.base_url, *requests))
    metrics = Metrics()
    builder = builder.application_class(TimedApplication, {"observe": metrics.update_seconds.observe})
    app = builder.build()
    listen = (settings.http_host, settings.http_port) if settings.http_port else None
    boot = Boot(settings, clock, catalog, metrics, Ticks(clock.now()), listen)
    boot.role = lambda: boot.leadership.role() if boot.leadership is not None else "follower"
    app.bot_data[BOOT] = boot
    if settings.webhook_path is not None and settings.webhook_secret is not None:
        secret_token = settings.webhook_secret.get_secret_value()
        boot.routes.append(webhook_route(settings.webhook_path, secret_token, app, _claim(boot)))
    handlers.register(app)
    return app


def _claim(boot: Boot) -> Callable[[int], Awaitable[bool]]:
    async def claim(update_id: int) -> bool:
        if boot.summit is None:
            raise RuntimeError("the store is not open yet")
        return await boot.summit.store.claim_update(update_id, boot.clock.now())

    return claim


async def on_startup(app: App) -> None:
    """Open the store, register the command menu, and arm the alarm clock and the file watch."""
    from bot.storage import Store

    boot = boot_of(app)
    store = await Store.open(boot.settings.db)
    boot.summit = Summit(boot.catalog, store, boot.clock, boot.settings.admins)
    await boot.summit.load()
    jobs = app.job_queue
    if jobs is None:
        raise RuntimeError("python-telegram-bot was installed without its job-queue extra")
    leadership = elect(
        boot.settings.db,
        elected=lambda: _take_duties(app),
        deposed=lambda: _drop_duties(app),
        woken=lambda: _wake_now(jobs),
    )
    boot.leadership = leadership
    limits = Limits(per_second=boot.settings.rate)
    sender = Sender(store, app.bot, boot.clock, limits, boot.metrics, may_send=leadership.is_leader)
    boot.notifier = Notifier(boot.catalog, store, sender, boot.clock, on_tick=boot.ticks.ticked)
    app.bot_data[handlers.SUMMIT] = boot.summit
    await _serve(app, store)
    await _register_commands(app)
    jobs.run_repeating(_tick, interval=TICK_EVERY, name="tick", job_kwargs=ALARM)
    jobs.run_repeating(_reload, interval=boot.settings.reload_seconds, name="reload", job_kwargs=ALARM)
    boot.summit.on_release = boot.summit.on_enqueued = lambda: _outbox_changed(app, jobs)
    if isinstance(boot.clock, ManualClock):
        boot.cleanups.append(boot.clock.on_jump(lambda: _wake_now(jobs)))
    with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
        asyncio.get_running_loop().add_signal_handler(signal.SIGHUP, _reload_now, app)
    await leadership.start()


async def _take_duties(app: App) -> None:
    """This replica now leads: updates come to it (polling) or Telegram is told where to post them
    (webhook; every replica takes them in), and the notifier ticks at once."""
    boot = boot_of(app)
    boot.ticks.restart(boot.clock.now())
    if boot.settings.webhook_url is None:
        updater = app.updater
        if updater is None:
            raise RuntimeError("application built without an updater")
        if not updater.running:  # start_polling deletes any webhook first, as Telegram requires
            await updater.start_polling(poll_interval=boot.poll_interval, allowed_updates=Update.ALL_TYPES)
    else:
        await _set_webhook(app)
    await _ring(app)


async def _set_webhook(app: App) -> None:
    boot = boot_of(app)
    secret = boot.settings.webhook_secret
    await app.bot.set_webhook(
        cast(str, boot.settings.webhook_url),
        secret_token=secret.get_secret_value() if secret is not None else None,
        allowed_updates=Update.ALL_TYPES,
    )
    boot.webhook_set = True
    log.info("webhook set: Telegram posts updates to %s", boot.settings.webhook_url)


async def _drop_duties(app: App) -> None:
    """No longer the leader: stop polling (the sender stopped itself: it asks before every message)."""
    boot = boot_of(app)
    boot.webhook_set = False
    if app.updater is not None and app.updater.running:
        await app.updater.stop()


def _outbox_changed(app: App, jobs: JobQueue[Any]) -> None:
    """A handler wrote to the outbox (or released a held edit): the leader sends it now."""
    boot = boot_of(app)
    if boot.leadership is not None and not boot.leadership.is_leader():
        boot.leadership.nudge()
        return
    _wake_now(jobs)


async def _serve(app: App, store: Store) -> None:
    """The web side, from the bot's own parts; ``bot.username`` is getMe's, which ``initialize`` asked."""
    boot = boot_of(app)
    if boot.listen is None:
        return
    site = Site(
        clock=boot.clock,
        catalog=boot.catalog,
        store=store,
        metrics=boot.metrics,
        ticks=boot.ticks,
        role=lambda: boot.role(),
        bot_username=app.bot.username,
    )
    boot.web = WebServer(site, *boot.listen, routes=boot.routes)
    await boot.web.start()


async def _register_commands(app: App) -> None:
    """The command menu in English for everyone, and in each other language for its speakers
    (``setMyCommands``' ``language_code``): a Russian client shows Russian descriptions."""
    for code in SUPPORTED:
        commands = [BotCommand(name, text) for name, text in replies.commands(language(code))]
        await app.bot.set_my_commands(commands, language_code=None if code == DEFAULT else code)


async def on_shutdown(app: App) -> None:
    boot = boot_of(app)
    if boot.web is not None:
        await boot.web.stop()
    while boot.cleanups:
        boot.cleanups.pop()()
    with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
        asyncio.get_running_loop().remove_signal_handler(signal.SIGHUP)
    if boot.summit is not None:
        await boot.summit.store.close()


async def _tick(context: ContextTypes.DEFAULT_TYPE) -> None:
    await _ring(context.application)


async def _ring(app: App) -> None:
    """The alarm rang (or the bot started): send what is owed, then set the alarm for what comes next.

    Only the leader does: a follower's alarm rings and it goes back to sleep.
    """
    boot = boot_of(app)
    if boot.notifier is None or boot.leadership is None or not boot.leadership.is_leader():
        return
    if boot.settings.webhook_url is not None and not boot.webhook_set:
        try:
            await _set_webhook(app)
        except TelegramError as exc:
            log.warning("could not set the webhook (%s); trying again at the next tick", exc)
    if boot.summit is not None:
        await boot.summit.store.forget_updates(boot.clock.now() - FORGET_UPDATES)
    await boot.notifier.tick()
    wake = await boot.notifier.next_wake()
    jobs = app.job_queue
    if jobs is None:
        return
    for job in jobs.get_jobs_by_name("wake"):
        job.schedule_removal()
    if wake is not None:
        delay = max((wake - boot.clock.now()).total_seconds(), 0.0)
        jobs.run_once(_tick, delay, name="wake", job_kwargs=ALARM)


async def _reload(context: ContextTypes.DEFAULT_TYPE) -> None:
    """Poll the events file; a good edit replaces the catalog and re-plans, a bad one is only logged.

    Reading, waiting for the file to settle and parsing take a worker thread, not the event loop, and
    this job returns at once (a poll while one is under way does nothing), so chats are answered
    meanwhile and the scheduler never sees a slow job.
    """
    _start_reload(context.application, force=False)


def _wake_now(jobs: JobQueue[Any]) -> None:
    """The clock jumped (tests, replays): whatever became owed meanwhile is owed now."""
    jobs.run_once(_tick, 0, name="jump", job_kwargs=ALARM)


def _reload_now(app: App) -> None:
    """SIGHUP: the operator asks for a reload now rather than within ``reload_seconds``."""
    _start_reload(app, force=True)


def _start_reload(app: App, *, force: bool) -> None:
    """A poll that fires while the bot is stopping is dropped: nobody would await the task."""
    if not app.running:
        return
    app.create_task(_reload_off_the_loop(app, force=force), name="reload")


async def _reload_off_the_loop(app: App, *, force: bool) -> None:
    boot = boot_of(app)
    result = await asyncio.to_thread(boot.catalog.reload, force=force)
    if not isinstance(result, Reloaded):
        return
    if app.job_queue is not None and app.running:
        app.job_queue.run_once(_tick, 0, name="replan", job_kwargs=ALARM)
    try:
        edits.log_edit(result.old, result.new, boot.clock.now())
    except Exception:  # the log line is a courtesy: the notes themselves are the notifier's
        log.exception("could not summarise the edit of the events file for the log")


@contextlib.asynccontextmanager
async def running(app: App, *, poll_interval: float = 0.0) -> AsyncIterator[App]:
    """Start the bot inside an event loop someone else owns: it joins the election, and polls (polling
    mode) while it leads."""
    boot_of(app).poll_interval = poll_interval
    async with app:
        try:
            await on_startup(app)
            await app.start()
            try:
                yield app
            finally:
                leadership = boot_of(app).leadership
                if leadership is not None:
                    await leadership.stop()
                await app.stop()
        finally:
            await on_shutdown(app)


async def _until_signalled(app: App) -> None:
    """``summitbot run``: serve until SIGINT or SIGTERM, then stop in order (duties, lock, server)."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    async with running(app):
        await stop.wait()


def make_clock(as_of: datetime | None) -> Clock:
    return ShiftedClock(as_of) if as_of is not None else SystemClock()


def run(events: Path | None, as_of: str | None, lang: str | None = None) -> int:
    """``summitbot run``: Telegram when a token is set, otherwise the terminal chat."""
    from bot.cli import UsageError, parse_as_of

    try:
        settings = load_settings(**({"events": events} if events else {}))
    except SettingsError as exc:
        raise UsageError(str(exc)) from None
    catalog = LiveCatalog.load(settings.events)
    clock = make_clock(parse_as_of(as_of, catalog.current.zone) if as_of else None)
    if settings.token is None:
        return _terminal(settings, clock, language(lang))
    secret = settings.token.get_secret_value()
    setup_logging(secret)
    app = build_application(settings, clock)
    try:
        asyncio.run(_introduce(app))
    except InvalidToken:
        raise UsageError(
            f"TELEGRAM_BOT_TOKEN: the Bot API server at {settings.api_url} rejected it"
        ) from None
    except NetworkError as exc:
        reason = str(exc).replace(secret, "<token>")
        if settings.api_url == TELEGRAM_API:
            raise UsageError(
                f"cannot reach Telegram at {settings.api_url} ({reason}); check the network, or set "
                "SUMMITBOT_API_URL to use another Bot API server"
            ) from None
        raise UsageError(f"SUMMITBOT_API_URL: cannot reach {settings.api_url} ({reason})") from None
    try:
        asyncio.run(_until_signalled(app))
    except ListenError as exc:
        raise UsageError(str(exc)) from None
    return 0


def _terminal(settings: Settings, clock: Clock, lang: Language) -> int:
    """The terminal chat, on a database of its own unless one is named, so a demo never leaks into the
    real bot's subscribers."""
    from bot.terminal import chat

    setup_logging(None, logging.WARNING)
    with tempfile.TemporaryDirectory(prefix="summitbot-terminal-") as scratch:
        if not settings.names_database:
            settings = settings.model_copy(update={"db": f"sqlite+aiosqlite:///{Path(scratch) / 'chat.db'}"})
        try:
            return asyncio.run(chat(settings, clock, lang))
        except KeyboardInterrupt:
            return 0


async def _introduce(app: App) -> None:
    """One getMe and one connection to the database before polling, so a wrong token, address or
    database is one line, not a retry loop's traceback."""
    async with app.bot:
        await _check_database(boot_of(app).settings.db)


async def _check_database(url: str) -> None:
    from bot.cli import UsageError
    from bot.storage import Store

    try:
        store = await Store.open(url)
    except Exception as exc:  # any driver's failure becomes the operator's one line
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        password = make_url(url).password
        if password:
            reason = reason.replace(str(password), "***")
        raise UsageError(f"SUMMITBOT_DB: cannot open the database ({reason})") from None
    await store.close()
