"""The HTTP side of the bot: one aiohttp server for the page, the calendar, health and metrics.

The same server runs whether updates come by polling or by webhook: a webhook is one more route, given
to ``WebServer`` (``Boot.routes`` in the composition root) before it starts. It holds no state of its
own beyond caches; everything comes from ``Site``, which the composition root (``bot.bootstrap``) fills
with the bot's own clock, catalog, store and metrics.

Routes:

- ``GET /``: the public page, in the visitor's language (``?lang=`` or ``Accept-Language``);
- ``GET /calendar.ics``: the iCalendar feed in a language, with a weak ETag and 304s;
- ``GET /healthz``: JSON for load balancers, 200 or 503 (``bot.web.health``);
- ``GET /metrics``: Prometheus' text format (``bot.web.metrics``);
- ``GET /page.css``: the page's only other file.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import os
import re
from collections.abc import Iterable
from datetime import timedelta
from importlib import resources

from aiohttp import ETag, web
from aiohttp.typedefs import Handler
from babel.core import negotiate_locale
from prometheus_client.aiohttp import make_aiohttp_handler

from bot.catalog import LiveCatalog
from bot.clock import Clock
from bot.languages import SUPPORTED, pick, supported
from bot.storage import Store
from bot.web.feed import Feeds
from bot.web.health import STALE_AFTER, RoleProvider, Ticks, always_leader, assess
from bot.web.metrics import Metrics
from bot.web.page import Links, render, view
from bot.wording.language import Language, language

log = logging.getLogger(__name__)

DATABASE_TIMEOUT = 2.0  # seconds /healthz waits for SELECT 1: a probe must answer sooner than it gives up
PAGE_MAX_AGE = 60  # the page's countdowns may be a minute old
FEED_MAX_AGE = 300  # calendar apps come back at their own pace anyway; a 304 is cheap
SECURITY = {
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'; "
        "frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}
_HOST = re.compile(r"^(?:[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$")
_MAX_LANGUAGES = 20
_CSS = resources.files("bot.web").joinpath("static/page.css").read_bytes()
_CSS_ETAG = hashlib.sha256(_CSS).hexdigest()[:32]


class ListenError(Exception):
    """The port is taken or not ours to use: one line for the operator, naming the setting."""


class Site:
    """What the web side reads; ``role`` is asked on every request, so an election can change it."""

    def __init__(
        self,
        *,
        clock: Clock,
        catalog: LiveCatalog,
        store: Store,
        metrics: Metrics,
        ticks: Ticks,
        role: RoleProvider = always_leader,
        bot_username: str | None = None,
        stale_after: timedelta = STALE_AFTER,
    ) -> None:
        self.clock = clock
        self.catalog = catalog
        self.store = store
        self.metrics = metrics
        self.ticks = ticks
        self.role = role
        self.bot_username = bot_username
        self.stale_after = stale_after
        self.feeds = Feeds(catalog)
        self.database = DatabaseProbe(store)


class DatabaseProbe:
    """``SELECT 1`` with a deadline; a change between reachable and not is logged once, by type only
    (a driver's message may quote the database URL)."""

    def __init__(self, store: Store, timeout: float = DATABASE_TIMEOUT) -> None:
        self._store = store
        self._timeout = timeout
        self._reachable = True

    async def reachable(self) -> bool:
        try:
            await asyncio.wait_for(self._store.ping(), self._timeout)
        except Exception as exc:  # whatever the driver raises, the answer is "unreachable"
            if self._reachable:
                log.warning("the database does not answer (%s); /healthz says 503", type(exc).__name__)
            self._reachable = False
            return False
        if not self._reachable:
            log.info("the database answers again")
        self._reachable = True
        return True


SITE = web.AppKey("site", Site)


def negotiate(accept_language: str | None) -> str:
    """The visitor's language from ``Accept-Language`` (q-values honoured) among ours; else English."""
    preferred: list[tuple[float, int, str]] = []
    for position, part in enumerate((accept_language or "").split(",")[:_MAX_LANGUAGES]):
        tag, _, params = part.strip().partition(";")
        weight = 1.0
        name, _, value = params.strip().partition("=")
        if name.strip().lower() == "q":
            try:
                weight = float(value)
            except ValueError:
                continue
        if tag and weight > 0:
            preferred.append((-weight, position, tag.strip().lower().replace("_", "-")))
    chosen = negotiate_locale([tag for *_, tag in sorted(preferred)], list(SUPPORTED), sep="-")
    return pick(chosen)


def visitor_language(request: web.Request) -> Language:
    """``?lang=`` when it names one of ours, else the browser's ``Accept-Language``."""
    return language(supported(request.query.get("lang")) or negotiate(request.headers.get("Accept-Language")))


def _not_modified(request: web.Request, etag: ETag) -> bool:
    """Weak comparison (RFC 9110 §13.1.2), as ``If-None-Match`` asks for."""
    asked = request.if_none_match
    return asked is not None and any(tag.value in (etag.value, "*") for tag in asked)


def _language_headers(lang: Language) -> dict[str, str]:
    return {"Content-Language": lang.code, "Vary": "Accept-Language"}


async def page(request: web.Request) -> web.Response:
    site = request.app[SITE]
    lang = visitor_language(request)
    calendar = f"/calendar.ics?lang={lang.code}"
    host = request.host if _HOST.fullmatch(request.host or "") else None
    links = Links(
        bot=f"https://t.me/{site.bot_username}" if site.bot_username else None,
        calendar=calendar,
        webcal=f"webcal://{host}{calendar}" if host else None,
    )
    html = render(view(site.catalog.current, site.clock.now(), lang, links, site.bot_username))
    headers = {**SECURITY, **_language_headers(lang), "Cache-Control": f"public, max-age={PAGE_MAX_AGE}"}
    return web.Response(text=html, content_type="text/html", charset="utf-8", headers=headers)


async def calendar(request: web.Request) -> web.Response:
    site = request.app[SITE]
    lang = visitor_language(request)
    feed = site.feeds.get(site.clock.now(), lang)
    etag = ETag(value=feed.etag, is_weak=True)
    headers = {**_language_headers(lang), "Cache-Control": f"public, max-age={FEED_MAX_AGE}"}
    if _not_modified(request, etag):
        response = web.Response(status=304, headers=headers)
    else:
        headers["Content-Disposition"] = f'inline; filename="summitbot-{lang.code}.ics"'
        response = web.Response(
            body=feed.body, content_type="text/calendar", charset="utf-8", headers=headers
        )
    response.etag = etag
    return response


async def stylesheet(request: web.Request) -> web.Response:
    etag = ETag(value=_CSS_ETAG)
    headers = {"Cache-Control": "public, max-age=3600", "X-Content-Type-Options": "nosniff"}
    if _not_modified(request, etag):
        response = web.Response(status=304, headers=headers)
    else:
        response = web.Response(body=_CSS, content_type="text/css", charset="utf-8", headers=headers)
    response.etag = etag
    return response


async def healthz(request: web.Request) -> web.Response:
    site = request.app[SITE]
    report = assess(
        now=site.clock.now(),
        database=await site.database.reachable(),
        role=site.role(),
        ticks=site.ticks,
        stale_after=site.stale_after,
    )
    return web.json_response(
        report.as_json(), status=200 if report.healthy else 503, headers={"Cache-Control": "no-store"}
    )


def metrics_handler(site: Site) -> Handler:
    exposition = make_aiohttp_handler(site.metrics.registry)

    async def metrics(request: web.Request) -> web.StreamResponse:
        """Values that live elsewhere (the outbox's depth, the role, the last tick) are read now."""
        try:
            pending = float(await asyncio.wait_for(site.store.count_pending(), DATABASE_TIMEOUT))
        except Exception:  # the database is down: the gauge says "unknown", /healthz says why
            pending = float("nan")
        site.metrics.outbox_pending.set(pending)
        site.metrics.leader.set(1 if site.role() == "leader" else 0)
        if site.ticks.last is not None:
            site.metrics.last_tick.set(site.ticks.last.timestamp())
        return await exposition(request)

    return metrics


def build_app(site: Site, routes: Iterable[web.AbstractRouteDef] = ()) -> web.Application:
    """The routes above, and any others given (the webhook's): aiohttp takes none once it runs."""
    app = web.Application()
    app[SITE] = site
    app.router.add_routes(routes)
    app.router.add_get("/", page)
    app.router.add_get("/calendar.ics", calendar)
    app.router.add_get("/page.css", stylesheet)
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/metrics", metrics_handler(site))
    return app


class WebServer:
    """Starts and stops the aiohttp server inside the bot's event loop; ``port`` is the one bound (so
    tests can ask for port 0 and learn which one the system chose)."""

    def __init__(self, site: Site, host: str, port: int, routes: Iterable[web.AbstractRouteDef] = ()) -> None:
        self.app = build_app(site, routes)
        self.host = host
        self.requested_port = port
        self._runner: web.AppRunner | None = None

    async def start(self) -> None:
        runner = web.AppRunner(self.app, access_log=None, handle_signals=False, shutdown_timeout=5.0)
        await runner.setup()
        try:
            await web.TCPSite(runner, self.host, self.requested_port).start()
        except OSError as exc:
            await runner.cleanup()
            reason = os.strerror(exc.errno) if exc.errno else str(exc) or type(exc).__name__
            raise ListenError(
                f"SUMMITBOT_HTTP_PORT: cannot listen on {self.host}:{self.requested_port} ({reason}); "
                "choose another port, or 0 to serve no page"
            ) from None
        self._runner = runner
        log.info("serving the page, /calendar.ics, /healthz and /metrics on %s:%d", self.host, self.port)

    @property
    def port(self) -> int:
        if self._runner is None or not self._runner.addresses:
            raise RuntimeError("the web server is not running")
        address = self._runner.addresses[0]
        return int(address[1])

    async def stop(self) -> None:
        runner, self._runner = self._runner, None
        if runner is not None:
            await runner.cleanup()
