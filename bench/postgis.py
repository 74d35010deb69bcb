"""PostGIS as a peer: a throw-away PostgreSQL server on loopback, with the PostGIS extension.

The server is started the way the test suite starts one (tests/postgres.py): the real initdb
and pg_ctl in a fresh temporary folder, fsync off, stopped with `pg_ctl stop -m immediate` and
deleted at the end; under root its programs run as the `postgres` system user. Here it listens
on 127.0.0.1 (a free port), as a database server beside the service would. PostGIS is
installed with apt-get when it is missing and that is possible; when it can't be had, the
reason is returned and the benchmark reports PostGIS as not available.
"""

from __future__ import annotations

import os
import pwd
import re
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

import numpy as np
import numpy.typing as npt
import psycopg

SERVER_USER = "postgres"
SETTINGS = {
    "listen_addresses": "'127.0.0.1'",
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
    # The 1,000,000-venue table and its index stay in memory, as a tuned server's would.
    "shared_buffers": "'512MB'",
    "work_mem": "'64MB'",
    "maintenance_work_mem": "'512MB'",
    "max_parallel_workers_per_gather": "0",  # one core per query, like the other methods
}


class PostgisUnavailable(RuntimeError):
    """PostgreSQL or PostGIS is missing, or the server would not start (the message says why)."""


def _bin_dir() -> Path | None:
    on_path = shutil.which("initdb")
    candidates = [Path(on_path).resolve().parent] if on_path else []
    candidates += sorted(
        Path("/usr/lib/postgresql").glob("*/bin"),
        key=lambda p: tuple(int(n) for n in re.findall(r"\d+", p.parent.name)),
        reverse=True,
    )
    for folder in candidates:
        if (folder / "initdb").is_file() and (folder / "pg_ctl").is_file():
            return folder
    return None


def _has_postgis(bin_dir: Path) -> bool:
    major = bin_dir.parent.name
    return Path(f"/usr/share/postgresql/{major}/extension/postgis.control").is_file()


def ensure_postgis(log: list[str]) -> Path:
    """The PostgreSQL bin folder, with PostGIS installed for it; apt-get when missing."""
    bin_dir = _bin_dir()
    if bin_dir is None:
        _apt_install(["postgresql"], log)
        bin_dir = _bin_dir()
        if bin_dir is None:
            raise PostgisUnavailable("PostgreSQL is not installed and could not be installed.")
    if not _has_postgis(bin_dir):
        package = f"postgresql-{bin_dir.parent.name}-postgis-3"
        _apt_install([package], log)
        if not _has_postgis(bin_dir):
            raise PostgisUnavailable(f"PostGIS ({package}) is not installed and could not be.")
    return bin_dir


def _apt_install(packages: Sequence[str], log: list[str]) -> None:
    if shutil.which("apt-get") is None or os.geteuid() != 0:
        log.append(f"{' '.join(packages)} missing; apt-get is not available to install it.")
        return
    log.append(f"Installing {' '.join(packages)} with apt-get (missing).")
    print(f"  {log[-1]}", flush=True)
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-qq"], env=env, capture_output=True, check=False)
    done = subprocess.run(
        ["apt-get", "install", "-y", "-q", *packages],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        log.append(f"apt-get install {' '.join(packages)} failed: {done.stderr.strip()[-300:]}")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@dataclass
class PostgisServer:
    root: Path
    bin_dir: Path
    prefix: list[str]
    port: int

    @classmethod
    def start(cls, log: list[str]) -> PostgisServer:
        bin_dir = ensure_postgis(log)
        prefix: list[str] = []
        root = Path(tempfile.mkdtemp(prefix="bench-postgis-"))
        if os.geteuid() == 0:
            try:
                user = pwd.getpwnam(SERVER_USER)
            except KeyError:
                raise PostgisUnavailable(f"running as root, and no {SERVER_USER} user") from None
            os.chown(root, user.pw_uid, user.pw_gid)
            prefix = ["runuser", "-u", SERVER_USER, "--"]
        server = cls(root, bin_dir, prefix, _free_port())
        try:
            server._run(
                "initdb", "-D", str(server.data), "-U", "postgres", "--auth=trust",
                "--encoding=UTF8", "--locale=C", "--no-sync",
            )  # fmt: skip
            settings = {
                **SETTINGS,
                "port": str(server.port),
                "unix_socket_directories": f"'{root}'",
            }
            with (server.data / "postgresql.conf").open("a") as conf:
                conf.write("".join(f"{k} = {v}\n" for k, v in settings.items()))
            server._run("pg_ctl", "-D", str(server.data), "-w", "-t", "60", "-l",
                        str(root / "server.log"), "start")  # fmt: skip
            with server.connect() as db:
                db.execute("CREATE EXTENSION IF NOT EXISTS postgis")
        except BaseException:
            server.stop()
            raise
        return server

    @property
    def data(self) -> Path:
        return self.root / "data"

    def _run(self, program: str, *args: str) -> None:
        done = subprocess.run(
            [*self.prefix, str(self.bin_dir / program), *args],
            cwd=self.root,
            capture_output=True,
            text=True,
            timeout=180,
            check=False,
        )
        if done.returncode != 0:
            raise PostgisUnavailable(
                f"{program} failed ({done.returncode}): {(done.stdout + done.stderr)[-500:]}"
            )

    def connect(self) -> psycopg.Connection[tuple[object, ...]]:
        return psycopg.connect(
            host="127.0.0.1", port=self.port, user="postgres", dbname="postgres", autocommit=True
        )

    def version(self) -> str:
        with self.connect() as db:
            row = db.execute("SELECT postgis_lib_version(), current_setting('server_version')")
            found = row.fetchone()
        return f"PostgreSQL {found[1]}, PostGIS {found[0]}" if found else "?"

    def stop(self) -> None:
        if (self.data / "postmaster.pid").is_file():
            try:
                self._run("pg_ctl", "-D", str(self.data), "-w", "stop", "-m", "immediate")
            except PostgisUnavailable:
                pass
        shutil.rmtree(self.root, ignore_errors=True)


class PostgisVenues:
    """A table of venue points (EPSG:27700) with a GiST index, queried by KNN (`<->`)."""

    def __init__(self, server: PostgisServer, table: str) -> None:
        self.server = server
        self.table = table
        self.db = server.connect()

    def load(self, x: npt.NDArray[np.float64], y: npt.NDArray[np.float64]) -> None:
        """(Re)create the table from grid points (row i is venue i), then index and analyse."""
        t = self.table
        self.db.execute(f"DROP TABLE IF EXISTS {t}")
        self.db.execute(
            f"CREATE TABLE {t} (id integer PRIMARY KEY, x float8, y float8, "
            "geom geometry(Point, 27700) GENERATED ALWAYS AS "
            "(ST_SetSRID(ST_MakePoint(x, y), 27700)) STORED)"
        )
        with self.db.cursor().copy(f"COPY {t} (id, x, y) FROM STDIN") as copy:
            for row in zip(range(len(x)), x.tolist(), y.tolist(), strict=True):
                copy.write_row(row)
        self.db.execute(f"CREATE INDEX {t}_geom ON {t} USING gist (geom)")
        self.db.execute(f"ANALYZE {t}")

    def sizes(self) -> tuple[int, int]:
        """Bytes of the table (with its TOAST) and of the GiST index."""
        row = self.db.execute(
            "SELECT pg_table_size(%s), pg_relation_size(%s)", (self.table, f"{self.table}_geom")
        ).fetchone()
        return (int(cast(int, row[0])), int(cast(int, row[1]))) if row else (0, 0)

    def knn_sql(self) -> str:
        return (
            f"SELECT id FROM {self.table} "
            "ORDER BY geom <-> ST_SetSRID(ST_MakePoint(%s, %s), 27700) LIMIT %s"
        )

    def nearest(self, x: float, y: float, k: int) -> list[Any]:
        """One KNN query, as a prepared statement (the server plans it once): venue rows."""
        cur = self.db.execute(self.knn_sql(), (x, y, k), prepare=True)
        return [r[0] for r in cur.fetchall()]

    def nearest_batch(
        self, x: npt.NDArray[np.float64], y: npt.NDArray[np.float64], k: int
    ) -> npt.NDArray[np.intp]:
        """Every point's k nearest in one statement (a LATERAL KNN join); -1 where none."""
        cur = self.db.execute(
            "SELECT q.i, v.id FROM (SELECT i, ST_SetSRID(ST_MakePoint(x, y), 27700) AS p "
            "FROM unnest(%s::float8[], %s::float8[]) WITH ORDINALITY AS u(x, y, i)) q "
            "CROSS JOIN LATERAL (SELECT id, geom <-> q.p AS d FROM "
            f"{self.table} ORDER BY geom <-> q.p LIMIT %s) v ORDER BY q.i, v.d",
            (x.tolist(), y.tolist(), k),
        )
        rows = np.array(cur.fetchall(), dtype=np.int64).reshape(-1, 2)
        out = np.full((len(x), k), -1, dtype=np.intp)
        if len(rows):
            point = rows[:, 0] - 1
            rank = np.arange(len(point)) - np.searchsorted(point, point)
            out[point, rank] = rows[:, 1]
        return out

    def close(self) -> None:
        try:
            self.db.execute(f"DROP TABLE IF EXISTS {self.table}")
        finally:
            self.db.close()
