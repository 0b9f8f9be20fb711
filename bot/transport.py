"""How the bot's HTTP requests reach the Bot API server: python-telegram-bot's ``BaseRequest`` on aiohttp.

Measured (docs/benchmarks.md): with 64 requests in flight, the same sender runs 1.2 to 5 times faster on
aiohttp than on PTB's default ``HTTPXRequest`` (depending on the machine), because httpcore's pool checks
every pooled connection on every request; that is what lets a broadcast come close to 1,000 messages a
second. Timeouts map to ``TimedOut`` and transport errors to ``NetworkError``, as PTB's own request
classes do, so retry rules and error handling see the same exceptions.
"""

from __future__ import annotations

import aiohttp
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData

DEFAULT_TIMEOUT = 5.0


class AiohttpRequest(BaseRequest):
    def __init__(self, connection_pool_size: int = 256, timeout: float = DEFAULT_TIMEOUT) -> None:
        self._limit = connection_pool_size
        self._timeout = timeout
        self._session: aiohttp.ClientSession | None = None

    @property
    def read_timeout(self) -> float | None:
        return self._timeout

    async def initialize(self) -> None:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=self._limit),
                headers={"User-Agent": self.USER_AGENT},
            )

    async def shutdown(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: float | object | None = BaseRequest.DEFAULT_NONE,
        write_timeout: float | object | None = BaseRequest.DEFAULT_NONE,
        connect_timeout: float | object | None = BaseRequest.DEFAULT_NONE,
        pool_timeout: float | object | None = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        if self._session is None:
            raise RuntimeError("AiohttpRequest is not initialized")
        read = read_timeout if isinstance(read_timeout, int | float) else self._timeout
        timeout = aiohttp.ClientTimeout(sock_read=read, sock_connect=self._timeout)
        data: aiohttp.FormData | dict[str, str] | None = None
        if request_data is not None:
            data = request_data.json_parameters
            if request_data.contains_files:
                form = aiohttp.FormData(data)
                for name, (filename, content, mimetype) in request_data.multipart_data.items():
                    form.add_field(name, content, filename=filename, content_type=mimetype)
                data = form
        try:
            async with self._session.request(method, url, data=data, timeout=timeout) as response:
                return response.status, await response.read()
        except TimeoutError as exc:
            raise TimedOut from exc
        except aiohttp.ClientError as exc:
            raise NetworkError(f"aiohttp.{type(exc).__name__}: {exc}") from exc
