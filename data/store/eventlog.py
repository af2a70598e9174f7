"""The one place every write goes through: append an event and apply it, in one transaction."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Generator, Sequence
from datetime import UTC, datetime, timedelta, tzinfo
from json.encoder import encode_basestring
from typing import Any

from sqlalchemy import Connection, CursorResult, String, bindparam, select, type_coerce

from data.store.ahead import ahead, shared_across_threads
from data.store.apply import apply_event
from data.store.bulk import copies, copy_values, execute_values
from data.store.rows import insert_now
from data.store.tables import EVENT
from data.store.writebehind import pending
from models.clock import Clock
from models.errors import DomainError
from models.events import GENESIS, EventRecord, canonical_text, hashed_text, seal
from models.ids import to_iso, uuid7


def head_of(conn: Connection, station_id: str) -> tuple[int, str]:
    """(last sequence number, last hash) of a station's chain in this database."""
    row = conn.execute(
        select(EVENT.c.seq, EVENT.c.hash)
        .where(EVENT.c.station_id == station_id)
        .order_by(EVENT.c.seq.desc())
        .limit(1)
    ).first()
    return (row.seq, row.hash) if row else (0, GENESIS)


def head_with_time(conn: Connection, station_id: str) -> tuple[int, str, datetime | None]:
    """The chain's head and the time of its last event (None for an empty chain)."""
    row = conn.execute(
        select(EVENT.c.seq, EVENT.c.hash, EVENT.c.at)
        .where(EVENT.c.station_id == station_id)
        .order_by(EVENT.c.seq.desc())
        .limit(1)
    ).first()
    return (row.seq, row.hash, row.at) if row else (0, GENESIS, None)


class ClockBehind(DomainError):
    """The computer's clock reads earlier than the record: nothing may be written."""


DEFAULT_TOLERANCE = timedelta(minutes=2)


def _json(value: Any) -> str | None:
    # canonical, as the hash covers it: the chain check and the export hash the stored text
    return None if value is None else canonical_text(value)


STORED = (
    "id",
    "station_id",
    "seq",
    "operator",
    "at",
    "type",
    "subject",
    "payload",
    "personal",
    "personal_digest",
    "prev_hash",
    "hash",
)
"""The event table's columns, in the order ``stored_values`` gives them."""


def stored_values(record: EventRecord) -> tuple[Any, ...]:
    """The event's row as the table stores it, in the order of STORED."""
    return (
        record.id,
        record.station_id,
        record.seq,
        record.operator,
        record.at,
        record.type,
        record.subject,
        record.payload_text(),
        _json(record.personal),
        record.personal_digest,
        record.prev_hash,
        record.hash,
    )


def event_row(record: EventRecord) -> dict[str, Any]:
    """The event's row as the table stores it (the time bound by the caller's driver)."""
    return dict(zip(STORED, stored_values(record), strict=True))


# The columns an event's hash covers, as stored (the time as its text on SQLite), for the
# chain check and the export, which hash rows without building an EventRecord for each.
HASHED_COLUMNS = (
    EVENT.c.seq,
    EVENT.c.id,
    EVENT.c.station_id,
    EVENT.c.operator,
    type_coerce(EVENT.c.at, String),
    EVENT.c.type,
    EVENT.c.subject,
    EVENT.c.payload,
    EVENT.c.personal,
    EVENT.c.personal_digest,
    EVENT.c.prev_hash,
    EVENT.c.hash,
)


def sealed_as_stored(row: Sequence[Any]) -> bytes | None:
    """A HASHED_COLUMNS row's hashed bytes joined from its stored text, when they hash to its
    stored hash (payloads are kept as the canonical text the hash covers); None for a row
    stored before that, respelled or changed, which the caller parses and encodes again."""
    seq, ident, station, operator, at, type_, subject, payload, _personal, digest, prev, hash_ = row
    if not isinstance(payload, str) or payload[:1] != "{":
        return None
    hashed = hashed_text(ident, station, seq, operator, stored_iso(at), type_, subject, payload, digest, prev)
    return hashed if hashlib.sha256(hashed).hexdigest() == hash_ else None


# On SQLite the database joins an event's hashed bytes itself, one printf a row, so a page of
# the chain check or of the export is a handful of values an event instead of its twelve
# columns joined again in Python. Each text goes through json_quote, as ``hashed_text``
# encodes it (a JSON string decodes to one text only: bytes that match were made from the
# values that were hashed), the payload as its stored canonical text, the time as
# ``stored_iso`` reads SQLite's form. The result is the event's hashed bytes only when it
# hashes to the stored hash: any other row (stored before payloads were kept canonical, a
# time in another form, a row changed behind the desk) is read whole (``whole_row``) and
# checked as before. Pages are keyset pages of the (station, seq) index.
_AFTER_AT = (
    '"id":%s,"operator":%s,"payload":%s,"personal_digest":%s,"prev":%s,"seq":%s,"station":%s,'
    '"subject":%s,"type":%s}'
)
_VALUES = (
    "json_quote(replace(at, ' ', 'T') || 'Z'), {hash}json_quote(id), json_quote(operator), payload,"
    " json_quote(personal_digest), json_quote(prev_hash), seq, json_quote(station_id), json_quote(subject),"
    " json_quote(type)"
)
SEALED_PAGE = (
    "SELECT seq, prev_hash, hash, personal, personal_digest,"
    f" CAST(printf('{{\"at\":%s,{_AFTER_AT}', {_VALUES.format(hash='')}) AS BLOB)"
    " FROM event WHERE station_id = ? AND seq > ? ORDER BY seq LIMIT ?"
)
"""The chain check's page on SQLite, parameters (station, after, limit): (seq, prev_hash, hash,
personal, personal_digest, the hashed bytes as joined here) by seq."""
LINE_PAGE = (
    "SELECT seq, prev_hash, hash, personal IS NOT NULL,"
    f' CAST(printf(\'{{"at":%s,"hash":"%s",{_AFTER_AT}\' || char(10), {_VALUES.format(hash="hash, ")})'
    " AS BLOB) FROM event WHERE station_id = ? AND seq > ? AND seq <= ? ORDER BY seq LIMIT ?"
)
"""The export's page on SQLite, parameters (station, after, upto, limit): (seq, prev_hash, hash,
whether it has a personal part, its bundle line without personal data as joined here) by seq.
The line is the hashed bytes with ``"hash":"…",`` after the time: ``line_hashed`` takes it out."""
_LINE_CUT = len('{"at":"2026-01-01T00:00:00.000000Z",')
_LINE_HASH = len('"hash":"",') + 64


def line_hashed(line: bytes) -> bytes:
    """The hashed bytes of a LINE_PAGE line whose time was in SQLite's stored form (26
    characters): without the hash after the time, nor the newline. A line of another shape
    gives bytes that do not hash to its stored hash, and its row is read whole."""
    return line[:_LINE_CUT] + line[_LINE_CUT + _LINE_HASH : -1]


# A whole page at once: SQLite joins the page's events into a few values (one step of the
# statement, in which the database lets go of Python's lock, so a second thread can read the
# next page while this one hashes), instead of one row of values an event. The hashed bytes are
# joined as the pages above join them, the station's text given quoted (it is the page's own);
# the stored hashes, the links and the sequence numbers come each as one text, checked against
# what the bytes hash to by ``range_links``. A page that does not pass so is read again as the
# pages above read it, row by row, and judged and named as before.
_PAGE_OF = (
    "SELECT count(*), group_concat(seq), group_concat(hash, ','), group_concat(prev_hash, ','),"
    " sum(typeof(hash) = 'text'), CAST(group_concat(personal, char(10)) AS BLOB),"
    " group_concat(CASE WHEN personal IS NOT NULL THEN personal_digest END, ','), {body}"
    " FROM event WHERE station_id = ?1 AND seq > ?2 AND seq <= ?3"
)
# The prev hash goes in as it is, between quotes: a page passes only when each prev is the hash
# before it (64 hex digits, or the first link given), which JSON quotes as it is.
_RANGE_AFTER_AT = _AFTER_AT.replace('"prev":%s', '"prev":"%s"')
_RANGE_VALUES = _VALUES.replace("json_quote(station_id)", "?4").replace("json_quote(prev_hash)", "prev_hash")
SEALED_RANGE = _PAGE_OF.format(
    body=(
        f"CAST(group_concat(printf('{{\"at\":%s,{_RANGE_AFTER_AT}', {_RANGE_VALUES.format(hash='')}),"
        " char(10)) AS BLOB)"
    )
)
"""The chain check's page on SQLite, parameters (station, after, upto, the station as JSON
quotes it): (count, the seqs joined by commas, the hashes and the prev hashes joined by commas,
how many hashes are text, the personal parts joined by newlines, their digests joined by commas,
the hashed bytes joined by newlines). A canonical line holds no newline, a hash no comma."""
LINE_RANGE = _PAGE_OF.format(
    body=(
        f'CAST(group_concat(printf(\'{{"at":%s,"hash":"%s",{_RANGE_AFTER_AT}\','
        f" {_RANGE_VALUES.format(hash='hash, ')}), char(10)) AS BLOB)"
    )
)
"""The export's page on SQLite, as SEALED_RANGE but the events' bundle lines (without personal
data) in place of their hashed bytes, joined by newlines (the last line's newline is not there:
joined after, a text of the page's size costs SQLite a copy per line)."""


RANGE_PAGE = 2000
"""Events a SEALED_RANGE or LINE_RANGE page holds (~1.3 MB of lines): small enough that the
second thread's reading overlaps the hashing from the first pages on. Only whole pages are read
so; the events after the last whole page (a chain checked since its last mark, a small station)
are read row by row by SEALED_PAGE and LINE_PAGE."""


def range_pages(
    conn: Connection, statement: str, station: str, after: int, head: int
) -> Generator[tuple[tuple[int, int], Any], None, None]:
    """The station's whole pages of ``RANGE_PAGE`` events after ``after`` up to ``head`` as
    ``statement`` (SEALED_RANGE or LINE_RANGE) joins them: ((after, upto), the page's row), the
    next page read by a second thread while the caller checks this one when there is one to
    read ahead and the driver's connection may be shared. Close it before using ``conn`` again."""
    raw: Any = conn.connection.driver_connection  # the driver's own, to ask about threads
    quoted = encode_basestring(station)

    def read(bounds: tuple[int, int]) -> Any:
        return driver_rows(conn.exec_driver_sql(statement, (station, *bounds, quoted)))[0]

    bounds = ((start, start + RANGE_PAGE) for start in range(after, head - RANGE_PAGE + 1, RANGE_PAGE))
    threaded = head - after >= 2 * RANGE_PAGE and shared_across_threads(raw)  # a page to read ahead
    return ahead(read, bounds, threaded=threaded)


def range_links(page: Sequence[Any], after: int, upto: int, prev: str, parts: list[bytes]) -> str | None:
    """The last hash of a SEALED_RANGE or LINE_RANGE page whose events are seq ``after`` + 1 to
    ``upto`` in order, each linked to the last (the first to ``prev``), each of whose hashed
    bytes (``parts``, one an event) hash to its stored hash, its personal part to its digest;
    None when any of it does not hold (the page is then judged row by row)."""
    count, seqs, hashes, prevs, texts, personal, digests = page[:7]
    if count != upto - after or texts != count or len(parts) != count:
        return None
    sha256 = hashlib.sha256
    joined = ",".join([sha256(part).hexdigest() for part in parts])
    if (
        hashes != joined
        or prevs != (f"{prev},{joined[:-65]}" if count > 1 else prev)
        or seqs != ",".join(map(str, range(after + 1, upto + 1)))
    ):
        return None
    if personal is not None and digests != ",".join(
        [sha256(part).hexdigest() for part in personal.split(b"\n")]
    ):
        return None
    return joined[-64:]


def part_hashed(line: bytes) -> bytes:
    """``line_hashed`` of a line of a LINE_RANGE page (split at its newlines)."""
    return line[:_LINE_CUT] + line[_LINE_CUT + _LINE_HASH :]


_FULL_ROW = select(*HASHED_COLUMNS).where(
    (EVENT.c.station_id == bindparam("station")) & (EVENT.c.seq == bindparam("seq"))
)


def whole_row(conn: Connection, station: str, seq: int) -> Any:
    """One event's HASHED_COLUMNS, by (station, seq): a row a page could not take as it joined it."""
    return driver_rows(conn.execute(_FULL_ROW, {"station": station, "seq": seq}))[0]


def driver_rows(result: CursorResult[Any]) -> list[Any]:
    """A page of HASHED_COLUMNS as the driver's own tuples: their values need no conversion,
    and a Row per event was a third of the chain check's time."""
    try:
        return list(result.cursor.fetchall())
    finally:
        result.close()


def stored_iso(at: Any) -> str:
    """A stored event time as the hash saw it (``to_iso``): SQLite's text
    ``2026-11-21 06:51:31.123456`` read as it is, a server's naive UTC datetime converted."""
    if isinstance(at, str):
        if len(at) == 26 and at[10] == " ":
            return f"{at[:10]}T{at[11:]}Z"
        at = datetime.fromisoformat(at)
    return to_iso(at.replace(tzinfo=UTC) if at.tzinfo is None else at)


def store(conn: Connection, record: EventRecord) -> None:
    insert_now(conn, EVENT, [event_row(record)])


def store_many(conn: Connection, records: list[EventRecord]) -> None:
    """Several events' rows in one go (an import's batch), the values as ``store`` writes
    them (data/store/bulk.py: on SQLite the driver's executemany of one statement, on the
    server one COPY). A row the table refuses raises the IntegrityError ``store`` would."""
    if not records:
        return
    batch = pending(conn)
    if batch is not None:
        batch.flush()  # the driver's own calls do not flush what is written behind
    values = (stored_values(r) for r in records)
    if copies(conn):
        copy_values(conn, EVENT, STORED, values)
    else:
        execute_values(conn, EVENT, STORED, values)


def record_from_row(row: Any) -> EventRecord:
    return EventRecord(
        id=row.id,
        station_id=row.station_id,
        seq=row.seq,
        operator=row.operator,
        at=row.at,
        type=row.type,
        subject=row.subject,
        payload=json.loads(row.payload),
        personal=json.loads(row.personal) if row.personal is not None else None,
        personal_digest=row.personal_digest,
        prev_hash=row.prev_hash,
        hash=row.hash,
    )


class EventWriter:
    """Appends this station's events inside one open write transaction.

    Time only moves forward in the record: an event is never stamped earlier than the station's
    last event (nor than ``floor``, the latest time the desk has seen). A clock reading behind
    that by up to ``tolerance`` is taken as that time; further behind, every write is refused
    with both times named (``ClockBehind``). ``ordered=False`` is for the demo alone, which
    writes a made-up history behind the station's registration.
    """

    def __init__(
        self,
        conn: Connection,
        station_id: str,
        operator: str,
        clock: Clock,
        *,
        tolerance: timedelta = DEFAULT_TOLERANCE,
        floor: datetime | None = None,
        tz: tzinfo = UTC,
        ordered: bool = True,
    ) -> None:
        self.conn = conn
        self.station_id = station_id
        self.operator = operator
        self.clock = clock
        self.tolerance = tolerance
        self.floor = floor
        self.tz = tz
        self.ordered = ordered
        self._head: tuple[int, str, datetime | None] | None = None
        self.written: list[EventRecord] = []

    def _chain(self) -> tuple[int, str, datetime | None]:
        if self._head is None:
            self._head = head_with_time(self.conn, self.station_id)
        return self._head

    def latest(self) -> datetime | None:
        """The latest time the record (and the desk) has seen."""
        times = [at for at in (self._chain()[2], self.floor) if at is not None]
        return max(times) if times else None

    def now(self) -> datetime:
        """The time of the next event: the clock, but never behind the record."""
        reading = self.clock.now()
        latest = self.latest() if self.ordered else None
        if latest is None or reading >= latest:
            return reading
        if latest - reading > self.tolerance:
            raise ClockBehind("error.clock_behind", clock=self._show(reading), last=self._show(latest))
        return latest

    def _show(self, at: datetime) -> str:
        return at.astimezone(self.tz).strftime("%Y-%m-%d %H:%M:%S")

    def emit(
        self,
        type: str,
        subject: str | None,
        payload: dict[str, Any],
        personal: dict[str, Any] | None = None,
        *,
        event_id: str | None = None,
    ) -> EventRecord:
        """Append and apply one event; ``event_id`` for an event whose id is made from what it
        records (one a second writer must not record again), else a new time-ordered id."""
        at = self.now()
        seq, prev, _last = self._chain()
        record = seal(
            id=event_id or uuid7(at),
            station_id=self.station_id,
            seq=seq + 1,
            operator=self.operator,
            at=at,
            type=type,
            subject=subject,
            payload=payload,
            personal=personal,
            prev_hash=prev,
        )
        store(self.conn, record)
        apply_event(self.conn, record)
        self._head = (record.seq, record.hash, record.at)
        self.written.append(record)
        return record

    def reset_head(self) -> None:
        """Forget the cached chain head (after a savepoint was rolled back)."""
        self._head = None
