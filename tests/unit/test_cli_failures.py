"""The command line on a full disk, a closed pipe and bad files: one line, a non-zero exit,
nothing changed and nothing left behind."""

from __future__ import annotations

import errno
import os
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from data.exports import minutes
from data.store import db as store_db
from data.store import files
from data.sync import bundle
from models.errors import DomainError
from tests.unit.support import rows
from tui.cli import main

HEADER = "来源,类别,社区,地址,问题描述,反映人,联系电话,紧急程度"
ORDER = "12345热线,噪音扰民,东四社区,东四北大街 12 号,夜间施工噪音扰民,王女士,13812345678,较急"
FULL = "磁盘已满"


class _FullDisk:
    """A file that takes ``budget`` bytes and then fails as a full disk does."""

    def __init__(self, inner: Any, budget: int) -> None:
        self._inner = inner
        self._budget = budget

    def write(self, data: Any) -> int:
        if len(data) > self._budget:
            self._inner.write(data[: self._budget])
            self._inner.flush()
            self._budget = 0
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        self._budget -= len(data)
        written: int = self._inner.write(data)
        return written

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)

    def __enter__(self) -> _FullDisk:
        return self

    def __exit__(self, *exc: object) -> None:
        self._inner.close()


@pytest.fixture
def full_disk(monkeypatch: pytest.MonkeyPatch) -> Callable[[], None]:
    """Call it to fill the disk: from then on every fsync fails with ENOSPC, as it does when
    a file system finds no room for the blocks it delayed."""

    def fsync(fd: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    return lambda: monkeypatch.setattr(os, "fsync", fsync)


@pytest.fixture
def fills_up(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every export file runs out of space after its first 200 bytes, half-way through."""
    real: Callable[..., Any] = os.fdopen

    def fdopen(fd: int, *args: Any, **kwargs: Any) -> Any:
        return _FullDisk(real(fd, *args, **kwargs), 200)

    monkeypatch.setattr(files.os, "fdopen", fdopen)


def _station(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    db = tmp_path / "a.db"
    orders = tmp_path / "orders.csv"
    orders.write_text(f"{HEADER}\n{ORDER}\n{ORDER}\n", encoding="utf-8")
    assert main(["intake", str(orders), "--db", str(db)]) == 0
    capsys.readouterr()
    return db


def _debris(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


@pytest.mark.parametrize(
    ("args", "target"),
    [
        (["export-csv", "--out", "{out}"], "cases.csv"),
        (["export-csv", "--out", "{out}", "--format", "xlsx"], "whistle-export.xlsx"),
        (["export-open311", "--out", "{out}/requests.json"], "requests.json"),
        (["export", "--out", "{out}/a.zip"], "a.zip"),
    ],
)
def test_a_full_disk_is_one_line_and_leaves_no_debris(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    full_disk: Callable[[], None],
    args: list[str],
    target: str,
) -> None:
    db = _station(tmp_path, capsys)
    out = tmp_path / "out"
    out.mkdir()
    (out / target).write_bytes(b"the earlier export, whole")
    events = rows(db, "SELECT count(*) AS n FROM event")[0]["n"]
    full_disk()
    code = main([a.format(out=out) for a in args] + ["--db", str(db)])
    err = capsys.readouterr().err
    assert code == 2
    assert len(err.strip().splitlines()) == 1 and FULL in err
    assert (out / target).read_bytes() == b"the earlier export, whole"
    assert _debris(out) == []
    assert rows(db, "SELECT count(*) AS n FROM event")[0]["n"] == events


def test_a_disk_full_half_way_through_leaves_the_earlier_files(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], fills_up: None
) -> None:
    db = _station(tmp_path, capsys)
    out = tmp_path / "out"
    out.mkdir()
    (out / "cases.csv").write_text("earlier cases", encoding="utf-8")
    assert main(["export-csv", "--out", str(out), "--db", str(db)]) == 2
    assert FULL in capsys.readouterr().err
    assert [p.name for p in out.iterdir()] == ["cases.csv"]
    assert (out / "cases.csv").read_text(encoding="utf-8") == "earlier cases"


def test_minutes_on_a_full_disk_keep_the_earlier_file(tmp_path: Path, fills_up: None) -> None:
    page = tmp_path / "minutes.html"
    page.write_text("earlier minutes", encoding="utf-8")
    with pytest.raises(DomainError) as refused:
        minutes.write(page, "<p>" + "会" * 1000 + "</p>")
    assert FULL in str(refused.value)
    assert page.read_text(encoding="utf-8") == "earlier minutes" and _debris(tmp_path) == []


def test_intake_on_a_full_disk_is_one_line_and_changes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    db = _station(tmp_path, capsys)
    before = rows(db, "SELECT count(*) AS n FROM event")[0]["n"]
    real = store_db._pragmas

    def no_room(dbapi_conn: Any, query_only: bool) -> None:
        real(dbapi_conn, query_only)
        # SQLite's own full-disk refusal: the file may not grow past its present size
        dbapi_conn.execute("PRAGMA max_page_count = 1")

    monkeypatch.setattr(store_db, "_pragmas", no_room)
    orders = tmp_path / "more.csv"
    orders.write_text(f"{HEADER}\n" + f"{ORDER}\n" * 200, encoding="utf-8")
    code = main(["intake", str(orders), "--db", str(db)])
    err = capsys.readouterr().err
    assert code == 2 and len(err.strip().splitlines()) == 1 and FULL in err
    monkeypatch.undo()
    assert rows(db, "SELECT count(*) AS n FROM event")[0]["n"] == before
    assert main(["verify", "--db", str(db)]) == 0


def test_is_disk_full_reads_sqlite_and_os_errors() -> None:
    full = sqlite3.connect(":memory:")
    full.execute("CREATE TABLE t (x)")
    full.execute("PRAGMA max_page_count = 1")
    with pytest.raises(sqlite3.Error) as caught:
        full.execute("INSERT INTO t VALUES (zeroblob(100000))")
    assert files.is_disk_full(caught.value)
    assert files.is_disk_full(OSError(errno.ENOSPC, "No space left on device"))
    assert not files.is_disk_full(OSError(errno.EACCES, "Permission denied"))


# -- a closed pipe -----------------------------------------------------------------------


def test_a_closed_pipe_ends_quietly(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """``whistle meeting list | head``: the reader goes away before the output is done."""
    db = _station(tmp_path, capsys)
    read, write = os.pipe()
    os.close(read)
    saved = os.dup(1)
    with capsys.disabled():
        os.dup2(write, 1)
        os.close(write)
        try:
            code = main(["export-open311", "--db", str(db)])
        finally:
            os.dup2(saved, 1)
            os.close(saved)
    assert code == 141


def test_a_bundle_whose_disk_fills_while_it_is_compressed_is_one_line_and_keeps_the_earlier_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], fills_up: None
) -> None:
    """The bundle's events are compressed and written beside the reading: the write failing
    there stops the reading too, and the refusal is the same one line."""
    db = _station(tmp_path, capsys)
    out = tmp_path / "out"
    out.mkdir()
    (out / "a.zip").write_bytes(b"the earlier bundle, whole")
    events = rows(db, "SELECT count(*) AS n FROM event")[0]["n"]
    assert main(["export", "--out", str(out / "a.zip"), "--db", str(db)]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and FULL in err
    assert (out / "a.zip").read_bytes() == b"the earlier bundle, whole" and _debris(out) == []
    assert rows(db, "SELECT count(*) AS n FROM event")[0]["n"] == events


def test_the_bundle_writer_stops_the_reading_when_a_write_fails() -> None:
    read: list[int] = []

    def lines() -> Any:
        for n in range(10_000):
            read.append(n)
            yield b"x" * 1024

    class Fills:
        written = 0

        def write(self, data: bytes) -> int:
            if self.written:
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
            self.written += len(data)
            return len(data)

    with pytest.raises(OSError) as failed:
        bundle.write_beside(Fills(), bundle.chunks_of(lines()))  # type: ignore[arg-type]
    assert failed.value.errno == errno.ENOSPC
    assert len(read) < 10_000  # stopped soon after, not read to the end


@pytest.mark.parametrize("made_by", ["empty", "another program"])
def test_a_reader_on_a_file_that_is_not_a_desk_database_is_one_line_and_changes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], made_by: str
) -> None:
    """``whistle verify`` on an empty SQLite file (or another program's database) printed a
    traceback ("no such table: event")."""
    db = tmp_path / "other.db"
    conn = sqlite3.connect(db)
    if made_by == "another program":
        conn.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)")
        conn.execute("INSERT INTO notes (body) VALUES ('hello')")
    conn.commit()
    conn.close()
    before = db.read_bytes()
    for args in (["verify"], ["verify", "--quick"]):
        code = main([*args, "--db", str(db)])
        err = capsys.readouterr().err
        assert code == 2 and "Traceback" not in err
        assert len(err.strip().splitlines()) == 1 and "不是调度台的数据库" in err
    assert db.read_bytes() == before


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("zh", "无法写入 {out}：这是一个文件夹，不是文件"),
        ("en", "Cannot write {out}: it is a folder, not a file"),
    ],
)
def test_a_folder_given_for_a_file_is_said_in_the_desks_language(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], lang: str, said: str
) -> None:
    """The operating system's reason comes from the catalogue: a Chinese desk read 无法写入
    …：Is a directory."""
    db = _station(tmp_path, capsys)
    out = tmp_path / "a-folder"
    out.mkdir()
    assert main(["--lang", lang, "export", "--out", str(out), "--db", str(db)]) == 2
    err = capsys.readouterr().err
    assert said.format(out=out) in err and "Is a directory" not in err
    assert list(out.iterdir()) == []
