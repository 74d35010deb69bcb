"""A throw-away PostgreSQL server for the test run: the real initdb, pg_ctl and postgres.

The server lives in a fresh temporary folder, listens only on a unix socket in that folder
(no TCP port to clash with anything), runs with fsync off (it is thrown away, so a crash may
lose it), and is stopped with `pg_ctl stop -m immediate` at the end. PostgreSQL refuses to
run as root, so under root its programs run as the `postgres` system user, which owns the
folder.
"""

from __future__ import annotations

import itertools
import os
import pwd
import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
from psycopg import sql

INSTALL = (
    "The PostgreSQL tests need the PostgreSQL server programs (initdb and pg_ctl); none were "
    "found on PATH or under /usr/lib/postgresql/*/bin. Install them (Debian or Ubuntu: "
    "apt-get install -y postgresql; `make postgres` does it) and run the tests again."
)
SERVER_USER = "postgres"
# For speed: nothing here needs to survive a crash.
SETTINGS = {
    "listen_addresses": "''",
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "max_connections": "200",
}


class PostgresUnavailable(RuntimeError):
    """The server programs are missing or the server would not start (the message says why)."""


def find_bin_dir() -> Path | None:
    """The folder with initdb and pg_ctl: from PATH, else the newest /usr/lib/postgresql/N."""
    candidates = []
    on_path = shutil.which("initdb")
    if on_path:
        # Debian links them into PATH by hand at most; the real folder has pg_ctl beside it.
        candidates += [Path(on_path).resolve().parent, Path(on_path).parent]
    versions = Path("/usr/lib/postgresql").glob("*/bin")
    candidates += sorted(versions, key=_version, reverse=True)
    for folder in candidates:
        if (folder / "initdb").is_file() and (folder / "pg_ctl").is_file():
            return folder
    return None


def _version(bin_dir: Path) -> tuple[int, ...]:
    return tuple(int(n) for n in re.findall(r"\d+", bin_dir.parent.name))


def _as_server_user() -> tuple[list[str], int | None]:
    """The command prefix that runs a program as the server's user, and that user's uid."""
    if os.geteuid() != 0:
        return [], None
    try:
        uid = pwd.getpwnam(SERVER_USER).pw_uid
    except KeyError:
        raise PostgresUnavailable(
            f"The tests run as root, and PostgreSQL needs a {SERVER_USER!r} user to run as; "
            "there is none (the postgresql package makes it: apt-get install -y postgresql)."
        ) from None
    if shutil.which("runuser"):
        return ["runuser", "-u", SERVER_USER, "--"], uid
    if shutil.which("setpriv"):
        return ["setpriv", f"--reuid={uid}", f"--regid={SERVER_USER}", "--init-groups", "--"], uid
    raise PostgresUnavailable("The tests run as root and neither runuser nor setpriv is here.")


@dataclass
class PostgresServer:
    root: Path
    bin_dir: Path
    prefix: list[str]
    _numbers: Iterator[int] = field(default_factory=itertools.count)

    @classmethod
    def start(cls) -> PostgresServer:
        bin_dir = find_bin_dir()
        if bin_dir is None:
            raise PostgresUnavailable(INSTALL)
        prefix, uid = _as_server_user()
        root = Path(tempfile.mkdtemp(prefix="safeplaces-pg-"))
        if uid is not None:
            os.chown(root, uid, pwd.getpwuid(uid).pw_gid)
        server = cls(root, bin_dir, prefix)
        try:
            server._initdb()
            server._pg_ctl("start", "-l", str(root / "server.log"), "-t", "60")
        except BaseException:
            server.stop()
            raise
        return server

    @property
    def data(self) -> Path:
        return self.root / "data"

    def _run(self, program: str, *args: str) -> None:
        command = [*self.prefix, str(self.bin_dir / program), *args]
        # The server's user may not be able to enter the current folder: work in ours.
        done = subprocess.run(
            command, cwd=self.root, capture_output=True, text=True, timeout=120, check=False
        )
        if done.returncode != 0:
            log = self.root / "server.log"
            tail = log.read_text()[-2000:] if log.is_file() else ""
            raise PostgresUnavailable(
                f"{program} {' '.join(args)} failed ({done.returncode}):\n"
                f"{done.stdout}{done.stderr}{tail}"
            )

    def _initdb(self) -> None:
        # C collation (byte order, like SQLite) and UTF-8, whatever the machine's locale.
        self._run(
            "initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust",
            "--encoding=UTF8", "--locale=C", "--no-sync",
        )  # fmt: skip
        settings = {**SETTINGS, "unix_socket_directories": f"'{self.root}'"}
        with (self.data / "postgresql.conf").open("a") as conf:
            conf.write("".join(f"{k} = {v}\n" for k, v in settings.items()))

    def _pg_ctl(self, *args: str) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-w", *args)

    def pause(self) -> None:
        """Stop the server as an administrator would (its clients are cut off), keeping its
        data: an outage. `resume` starts it again."""
        self._pg_ctl("stop", "-m", "fast")

    def resume(self) -> None:
        self._pg_ctl("start", "-l", str(self.root / "server.log"), "-t", "60")

    def stop(self) -> None:
        """Stop at once (nothing to keep) and delete the folder; safe to call twice."""
        if (self.data / "postmaster.pid").is_file():
            try:
                self._pg_ctl("stop", "-m", "immediate")
            except PostgresUnavailable:
                pass  # already gone
        shutil.rmtree(self.root, ignore_errors=True)

    def _admin(self) -> psycopg.Connection[tuple[object, ...]]:
        return psycopg.connect(
            host=str(self.root), user="postgres", dbname="postgres", autocommit=True
        )

    def create_database(self) -> tuple[str, str]:
        """A new empty database: its name and its SQLAlchemy URL."""
        name = f"test_{next(self._numbers)}"
        with self._admin() as admin:
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        return name, f"postgresql+psycopg://postgres@/{name}?host={self.root}"

    def drop_database(self, name: str) -> None:
        """Drop a database, ending any connection a test left open to it."""
        with self._admin() as admin:
            admin.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )
