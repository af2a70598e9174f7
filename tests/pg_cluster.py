"""A throwaway PostgreSQL cluster for the tests: initdb into a temporary folder, started on a
free port (as the ``postgres`` user when the tests run as root: PostgreSQL refuses root), and
one fresh database per test owned by an ordinary role, so the app runs as a district would
(no superuser: the REVOKE on the event table holds for it).

Without PostgreSQL's programs the server tests are skipped with a reason naming what is
missing, unless ``WHISTLE_PG_REQUIRED`` is set (CI sets it, and installs PostgreSQL), when
they fail instead.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path

import psycopg

APP_ROLE = "whistle_app"
REQUIRED_ENV = "WHISTLE_PG_REQUIRED"


def bindir() -> Path | None:
    """The folder of initdb and pg_ctl: on PATH, else Debian's /usr/lib/postgresql/N/bin."""
    found = shutil.which("initdb")
    if found:
        return Path(found).parent
    versions = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4]))
    return Path(versions[-1]).parent if versions else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _as_owner(args: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *args] if os.geteuid() == 0 else args


@dataclass
class Cluster:
    folder: Path
    bindir: Path
    port: int

    @property
    def admin(self) -> str:
        user = "postgres"
        return f"postgresql://{user}@127.0.0.1:{self.port}/postgres"

    def url(self, dbname: str, user: str = APP_ROLE) -> str:
        return f"postgresql+psycopg://{user}@127.0.0.1:{self.port}/{dbname}"

    def fresh_database(self) -> str:
        """A new empty database owned by the app's role; returns its name."""
        name = f"t_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(self.admin, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}" OWNER {APP_ROLE} TEMPLATE template0')
        return name

    def stop(self) -> None:
        subprocess.run(
            _as_owner(
                [str(self.bindir / "pg_ctl"), "-D", str(self.folder / "data"), "-m", "immediate", "stop"]
            ),
            check=False,
            capture_output=True,
        )
        shutil.rmtree(self.folder, ignore_errors=True)


def start_cluster() -> Cluster:
    """initdb and start a cluster in a new temporary folder (raises with initdb's or pg_ctl's
    own words when it cannot)."""
    programs = bindir()
    if programs is None:
        raise FileNotFoundError("PostgreSQL's initdb (Debian package postgresql)")
    folder = Path(tempfile.mkdtemp(prefix="whistle-pg-"))
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres", "postgres")
    port = _free_port()
    data = folder / "data"
    run = {"check": True, "capture_output": True, "text": True}
    subprocess.run(
        _as_owner(
            [
                str(programs / "initdb"),
                "-D",
                str(data),
                "-U",
                "postgres",
                "-A",
                "trust",
                "-E",
                "UTF8",
                "--locale",
                "C.UTF-8",
                "--no-sync",
            ]
        ),
        **run,  # type: ignore[call-overload]
    )
    options = f"-c listen_addresses=127.0.0.1 -c port={port} -c unix_socket_directories={folder} -c fsync=off"
    subprocess.run(
        _as_owner(
            [
                str(programs / "pg_ctl"),
                "-D",
                str(data),
                "-o",
                options,
                "-l",
                str(folder / "log"),
                "-w",
                "start",
            ]
        ),
        **run,  # type: ignore[call-overload]
    )
    cluster = Cluster(folder, programs, port)
    with psycopg.connect(cluster.admin, autocommit=True) as conn:
        conn.execute(f"CREATE ROLE {APP_ROLE} LOGIN")
    return cluster
