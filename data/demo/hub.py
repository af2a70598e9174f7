"""A local district hub for trying it (``whistle hub try --dir FOLDER``): a PostgreSQL cluster
of its own in the folder (initdb and pg_ctl from Debian's ``postgresql`` package, run as the
``postgres`` user when started as root, since PostgreSQL refuses root), the district's
database made a district's (``init --district``), three demo stations' files with their
bundles, each station trusted and its bundle imported. Run again, it starts the cluster if it
is stopped and changes nothing else.

Everything stays in the folder: the cluster (``pgdata``), its socket and log, the station
keys (``keys``: the server database's key too), the stations' files and bundles."""

from __future__ import annotations

import glob
import hashlib
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import psycopg

from data.demo import DemoOptions, generate
from data.service import SyncService, station_public_key
from data.settings import Settings
from data.store.server import KEY_DIR_ENV
from data.sync.export import export_bundle
from data.sync.importer import import_bundle
from data.write.commands.operators import has_credentials
from data.write.commands.sync import trust_station
from models.clock import Clock
from models.errors import DomainError

ROLE = "whistle"
DATABASE = "district"
DISTRICT_ID = "QU-DEMO"
DISTRICT_NAME = "示范区指挥中心"
OPERATOR = "区值班"
PASSPHRASE = "hub-2026"
"""The try-out hub's supervisor's passphrase (a demo's, known to the world)."""
STATIONS = (
    ("ST-DONGSI", "东四街道综合执法中心", "DS"),
    ("ST-CHAOYANG", "朝阳门街道综合执法中心", "CY"),
    ("ST-JIANGUO", "建国门街道综合执法中心", "JG"),
)
CASES_PER_STATION = 60


class HubError(DomainError):
    pass


@dataclass(frozen=True)
class Hub:
    folder: Path
    port: int
    url: str
    operator: str
    passphrase: str
    made: bool
    """Made now (False: it was there already, and was only started)."""

    def stop_command(self) -> str:
        data = (self.folder / "pgdata").resolve()
        return " ".join(_as_owner([str(_bindir() / "pg_ctl"), "-D", str(data), "stop"]))


def _bindir() -> Path:
    found = shutil.which("initdb")
    if found:
        return Path(found).parent
    versions = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4]))
    if not versions:
        raise HubError("hub.no_postgres")
    return Path(versions[-1]).parent


def _as_owner(args: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *args] if os.geteuid() == 0 else args


def _run(args: list[str]) -> None:
    done = subprocess.run(_as_owner(args), capture_output=True, text=True, check=False)
    if done.returncode != 0:
        detail = (done.stderr or done.stdout).strip().splitlines()
        raise HubError("hub.cluster_failed", step=Path(args[0]).name, detail=detail[-1] if detail else "?")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _cluster_home(folder: Path) -> Path:
    """Where the cluster lives: the folder itself, unless the tool runs as root and the
    ``postgres`` user cannot reach it (a folder under /root, say): then a folder of its own in
    the temporary directory, named after this one, with ``pgdata`` linked from it."""
    if os.geteuid() != 0:
        return folder
    reach = subprocess.run(["runuser", "-u", "postgres", "--", "test", "-w", str(folder)], check=False)
    if reach.returncode == 0:
        return folder
    name = hashlib.sha256(str(folder).encode()).hexdigest()[:12]
    home = Path(tempfile.gettempdir()) / f"whistle-hub-{name}"
    home.mkdir(mode=0o700, exist_ok=True)
    shutil.chown(home, "postgres", "postgres")
    if not (folder / "pgdata").is_symlink():
        (folder / "pgdata").symlink_to(home / "pgdata")
    return home


def _start_cluster(folder: Path) -> tuple[int, bool]:
    """The folder's cluster, made and started if need be: (its port, whether it was made)."""
    programs = _bindir()
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres", "postgres")
    home = _cluster_home(folder)
    data, port_file = home / "pgdata", folder / "port"
    made = not data.exists()
    if made:
        initdb = [str(programs / "initdb"), "-D", str(data), "-U", "postgres", "-A", "trust"]
        _run([*initdb, "-E", "UTF8", "--locale", "C.UTF-8"])
        port_file.write_text(str(_free_port()), encoding="utf-8")
    port = int(port_file.read_text(encoding="utf-8"))
    status = subprocess.run(
        _as_owner([str(programs / "pg_ctl"), "-D", str(data), "status"]), capture_output=True, check=False
    )
    if status.returncode != 0:
        options = f"-c listen_addresses=127.0.0.1 -c port={port} -c unix_socket_directories={home}"
        _run(
            [
                str(programs / "pg_ctl"),
                "-D",
                str(data),
                "-o",
                options,
                "-l",
                str(home / "log"),
                "-w",
                "start",
            ]
        )
    if made:
        with psycopg.connect(f"postgresql://postgres@127.0.0.1:{port}/postgres", autocommit=True) as conn:
            conn.execute(f"CREATE ROLE {ROLE} LOGIN")
            conn.execute(f"CREATE DATABASE {DATABASE} OWNER {ROLE} TEMPLATE template0")
    return port, made


def _station(folder: Path, n: int, clock: Clock) -> tuple[str, str, Path]:
    """A demo station's file and a bundle of everything it has: (id, public key, bundle)."""
    station, name, prefix = STATIONS[n]
    settings = Settings(station_id=station, station_name=name, case_prefix=prefix)
    service = SyncService.open(folder / f"{station}.db", settings, clock, "值班员")
    try:
        generate(service, DemoOptions(cases=CASES_PER_STATION, seed=2026 + n, days=60))
        bundle = export_bundle(service, folder / f"{station}.bundle").path
    finally:
        service.close()
    return station, station_public_key(folder / f"{station}.db"), bundle


def try_hub(folder: Path, clock: Clock, progress: Callable[[str], None] = lambda _: None) -> Hub:
    """Make (or start again) the try-out hub in ``folder`` (see the module's note)."""
    folder = folder.resolve()
    folder.mkdir(parents=True, exist_ok=True)
    os.environ[KEY_DIR_ENV] = str(folder / "keys")
    progress("cluster")
    port, _ = _start_cluster(folder)
    url = f"postgresql+psycopg://{ROLE}@127.0.0.1:{port}/{DATABASE}"
    settings = Settings(
        station_id=DISTRICT_ID, station_name="示范区指挥中心", case_prefix="QU", district=True
    )
    district = SyncService.open(url, settings, clock)
    try:
        with district.engine.connect() as conn:
            ready = has_credentials(conn, district.station_id)
        if ready:
            return Hub(folder, port, url, OPERATOR, PASSPHRASE, made=False)
        district.set_up(OPERATOR, PASSPHRASE)
        stations = folder / "stations"
        stations.mkdir(exist_ok=True)
        for n in range(len(STATIONS)):
            progress(STATIONS[n][0])
            station, public, bundle = _station(stations, n, clock)
            district.run(trust_station, station, public)
            import_bundle(district, bundle)
    finally:
        district.close()
    return Hub(folder, port, url, OPERATOR, PASSPHRASE, made=True)
