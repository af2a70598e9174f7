"""The event (留痕) as a value: canonical encoding and the per-station hash chain."""

from __future__ import annotations

import dataclasses
import hashlib
import json
from dataclasses import dataclass, field
from datetime import datetime
from json.encoder import encode_basestring
from typing import Any

from models.ids import to_iso

GENESIS = "0" * 64
PERSONAL_FIELDS = ("reporter_name", "reporter_phone")


def canonical(value: Any) -> bytes:
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode("utf-8")


def canonical_text(value: Any) -> str:
    """``canonical`` as text: how the event table stores a payload and a personal part, so the
    chain check and the export can hash a stored row without parsing its JSON again."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def digest_of(personal: dict[str, Any] | None) -> str | None:
    """Personal data is hashed apart (with its salt), so a bundle can leave it out."""
    if personal is None:
        return None
    return hashlib.sha256(canonical(personal)).hexdigest()


def hashed_fields(
    id: str,
    station: str,
    seq: int,
    operator: str,
    at: str,
    type: str,
    subject: str | None,
    payload: Any,
    personal_digest: str | None,
    prev: str,
) -> dict[str, Any]:
    """What an event's hash covers (``at`` in its canonical text form): the one definition,
    used by ``EventRecord`` and by the chain check that hashes stored rows directly."""
    return {
        "id": id,
        "station": station,
        "seq": seq,
        "operator": operator,
        "at": at,
        "type": type,
        "subject": subject,
        "payload": payload,
        "personal_digest": personal_digest,
        "prev": prev,
    }


def _text(value: Any) -> str:
    # what ``canonical`` writes for one value: str through the same encoder json.dumps uses
    # with ensure_ascii=False
    if type(value) is str:
        return encode_basestring(value)
    if type(value) is int:
        return str(value)
    if value is None:
        return "null"
    return json.dumps(value, ensure_ascii=False, allow_nan=False)


def hashed_text(
    id: str,
    station: str,
    seq: int,
    operator: str,
    at: str,
    type: str,
    subject: str | None,
    payload_text: str,
    personal_digest: str | None,
    prev: str,
) -> bytes:
    """``canonical(hashed_fields(...))`` built from text, the payload given as its canonical
    text (``canonical_text``): the same bytes without encoding the payload again. When the
    text given is not canonical, the bytes differ and so does the hash: callers that read
    older rows (stored before payloads were kept canonical) fall back to ``hashed_fields``."""
    s = encode_basestring
    try:  # the columns as they are stored: text, and the sequence number an int
        return (
            f'{{"at":{s(at)},"id":{s(id)},"operator":{s(operator)},"payload":{payload_text},'
            f'"personal_digest":{"null" if personal_digest is None else s(personal_digest)},'
            f'"prev":{s(prev)},"seq":{seq if seq.__class__ is int else _text(seq)},"station":{s(station)},'
            f'"subject":{"null" if subject is None else s(subject)},"type":{s(type)}}}'
        ).encode()
    except TypeError:  # a column holding another type (a row changed behind the desk)
        return (
            f'{{"at":{_text(at)},"id":{_text(id)},"operator":{_text(operator)},"payload":{payload_text},'
            f'"personal_digest":{_text(personal_digest)},"prev":{_text(prev)},"seq":{_text(seq)},'
            f'"station":{_text(station)},"subject":{_text(subject)},"type":{_text(type)}}}'
        ).encode()


@dataclass(frozen=True)
class EventRecord:
    id: str
    station_id: str
    seq: int
    operator: str
    at: datetime
    type: str
    subject: str | None
    payload: dict[str, Any]
    personal: dict[str, Any] | None
    personal_digest: str | None
    prev_hash: str
    hash: str
    _payload_text: str | None = field(default=None, init=False, compare=False, repr=False)
    """The payload's canonical text once encoded (``payload_text``): hashed and stored from the
    one encoding. Not an argument, so a record made again (``dataclasses.replace``, perhaps
    with another payload) encodes its own."""

    def payload_text(self) -> str:
        """``canonical_text(self.payload)``, encoded once."""
        text = self._payload_text
        if text is None:
            text = canonical_text(self.payload)
            object.__setattr__(self, "_payload_text", text)
        return text

    def hashed_part(self) -> dict[str, Any]:
        return hashed_fields(
            self.id,
            self.station_id,
            self.seq,
            self.operator,
            to_iso(self.at),
            self.type,
            self.subject,
            self.payload,
            self.personal_digest,
            self.prev_hash,
        )

    def hashed_bytes(self, at: str | None = None) -> bytes:
        """``canonical(self.hashed_part())``, built from the payload's text (``hashed_text``);
        ``at``: the time's canonical text when the caller has it (``to_iso(self.at)``)."""
        return hashed_text(
            self.id,
            self.station_id,
            self.seq,
            self.operator,
            to_iso(self.at) if at is None else at,
            self.type,
            self.subject,
            self.payload_text(),
            self.personal_digest,
            self.prev_hash,
        )

    def computed_hash(self, at: str | None = None) -> str:
        return hashlib.sha256(self.hashed_bytes(at)).hexdigest()


def seal(
    *,
    id: str,
    station_id: str,
    seq: int,
    operator: str,
    at: datetime,
    type: str,
    subject: str | None,
    payload: dict[str, Any],
    personal: dict[str, Any] | None,
    prev_hash: str,
) -> EventRecord:
    """A new event with its hash filled in."""
    draft = EventRecord(
        id=id,
        station_id=station_id,
        seq=seq,
        operator=operator,
        at=at,
        type=type,
        subject=subject,
        payload=payload,
        personal=personal,
        personal_digest=digest_of(personal),
        prev_hash=prev_hash,
        hash="",
    )
    record = dataclasses.replace(draft, hash=draft.computed_hash())
    object.__setattr__(record, "_payload_text", draft._payload_text)  # the same payload
    return record
