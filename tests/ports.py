"""A free TCP port on 127.0.0.1, for the servers the tests and benchmarks start (PostgreSQL, the bot's
web side, replicas). The port is free when asked; nothing holds it after."""

from __future__ import annotations

import socket


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
