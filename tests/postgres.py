"""A throwaway PostgreSQL server that the tests start themselves, and a fresh database per test.

Nothing is started by hand, in CI or on a laptop: the first test that asks for PostgreSQL runs
``initdb`` in a temporary folder, starts ``postgres`` on a free port of 127.0.0.1 (trust
authentication, no Unix socket, durability off: the data is thrown away), and the server is stopped
when the session ends. ``initdb`` refuses to run as root, so as root the server runs as an unprivileged
user (``postgres`` where it exists) through ``runuser``.

The binaries are found on ``PATH``, through ``pg_config --bindir``, or in ``/usr/lib/postgresql/*/bin``.
Without them the PostgreSQL half of the suite is skipped with the reason, unless
``SUMMITBOT_REQUIRE_POSTGRES=1`` (CI sets it), where a missing server is an error.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import pwd
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from tests.ports import free_port

REQUIRE = "SUMMITBOT_REQUIRE_POSTGRES"
SUPERUSER = "postgres"
"""The database superuser initdb creates (``-U``), whatever the system user running the server."""
RUN_AS = ("postgres", "nobody")
"""System users a root process may run the server as, in order of preference."""
TIMEOUT = 120


class UnavailableError(Exception):
    """No PostgreSQL server can be started here; the message says why, in one line."""


def required() -> bool:
    return os.environ.get(REQUIRE, "") not in ("", "0")


def find_bindir() -> Path:
    """The folder holding initdb, pg_ctl and postgres."""
    on_path = shutil.which("pg_ctl")
    if on_path and shutil.which("initdb"):
        return Path(on_path).resolve().parent
    pg_config = shutil.which("pg_config")
    if pg_config:
        with contextlib.suppress(subprocess.SubprocessError, OSError):
            done = subprocess.run(  # noqa: S603 - a program found on PATH, arguments fixed, no shell
                [pg_config, "--bindir"], capture_output=True, text=True, check=True, timeout=30
            )
            bindir = Path(done.stdout.strip())
            if (bindir / "pg_ctl").exists() and (bindir / "initdb").exists():
                return bindir
    installed = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"),
        key=lambda p: int(p.parent.parent.name) if p.parent.parent.name.isdigit() else 0,
    )
    if installed:
        return installed[-1].parent
    raise UnavailableError(
        "PostgreSQL's initdb and pg_ctl were not found (not on PATH, not via pg_config, not in "
        "/usr/lib/postgresql/*/bin); install PostgreSQL (e.g. apt-get install postgresql) to run them"
    )


def _system_user() -> pwd.struct_passwd | None:
    """None when this process may run the server itself; as root, the unprivileged user to run it as."""
    if os.geteuid() != 0:
        return None
    for name in RUN_AS:
        with contextlib.suppress(KeyError):
            return pwd.getpwnam(name)
    raise UnavailableError(
        f"running as root and none of the users {', '.join(RUN_AS)} exists to run initdb as"
    )


@dataclass
class PostgresServer:
    """One running server; ``url(name)`` is the address the bot is given, as an operator writes it."""

    bindir: Path
    root: Path
    port: int
    user: pwd.struct_passwd | None

    @property
    def data(self) -> Path:
        return self.root / "data"

    def url(self, database: str, driver: str = "+asyncpg") -> str:
        return f"postgresql{driver}://{SUPERUSER}@127.0.0.1:{self.port}/{database}"

    def _run(self, *command: str) -> subprocess.CompletedProcess[str]:
        prefix = ["runuser", "-u", self.user.pw_name, "--"] if self.user is not None else []
        try:
            return subprocess.run(  # noqa: S603 - PostgreSQL's own programs, arguments fixed, no shell
                [*prefix, *command],
                capture_output=True,
                text=True,
                check=True,
                timeout=TIMEOUT,
                cwd=self.root,
                stdin=subprocess.DEVNULL,
            )
        except subprocess.CalledProcessError as exc:
            lines = (exc.stderr or exc.stdout or "").strip().splitlines()
            raise UnavailableError(f"{Path(command[0]).name} failed: {lines[-1] if lines else exc}") from None
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise UnavailableError(f"{Path(command[0]).name} could not run: {exc}") from None

    @classmethod
    def start(cls) -> PostgresServer:
        bindir = find_bindir()
        user = _system_user()
        root = Path(tempfile.mkdtemp(prefix="summitbot-postgres-"))
        if user is not None:
            os.chown(root, user.pw_uid, user.pw_gid)
        server = cls(bindir, root, free_port(), user)
        try:
            server._run(
                str(bindir / "initdb"),
                "-D",
                str(server.data),
                "-U",
                SUPERUSER,
                "--auth=trust",
                "--encoding=UTF8",
                "--locale=C",
                "--no-sync",
            )
            options = " ".join(
                [
                    "-c listen_addresses=127.0.0.1",
                    f"-c port={server.port}",
                    "-c unix_socket_directories=''",
                    "-c fsync=off",
                    "-c synchronous_commit=off",
                    "-c full_page_writes=off",
                    "-c max_connections=200",
                ]
            )
            server._run(
                str(bindir / "pg_ctl"),
                "-D",
                str(server.data),
                "-l",
                str(server.root / "server.log"),
                "-o",
                options,
                "-w",
                "-t",
                str(TIMEOUT),
                "start",
            )
        except UnavailableError as exc:
            log = server.root / "server.log"
            tail = log.read_text(errors="replace").strip().splitlines()[-1:] if log.exists() else []
            shutil.rmtree(root, ignore_errors=True)
            raise UnavailableError(" / ".join([str(exc), *tail])) from None
        return server

    def stop(self) -> None:
        with contextlib.suppress(UnavailableError):
            self._run(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(self.root, ignore_errors=True)


_names = itertools.count(1)


def database_name() -> str:
    return f"test_{os.getpid()}_{next(_names)}"
