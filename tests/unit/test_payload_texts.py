"""Every text of an event's payload is checked for control characters by its schema: a
one-line text refuses line breaks too, a note keeps them; the refusal names the field and the
character, whichever way the check is made."""

from __future__ import annotations

import pytest

from models.payloads import PayloadInvalid, check_payload

CASE = "01a23355-db95-700f-9f33-e3f954a41b4d"


def _refusal(type_: str, payload: dict[str, object]) -> PayloadInvalid:
    with pytest.raises(PayloadInvalid) as caught:
        check_payload(type_, payload)
    return caught.value


@pytest.mark.parametrize("bad", ["\x00", "\x07", "\x1b", "\x7f", "\x85", "\x9f", "\t", "\n", "\r"])
def test_a_one_line_text_refuses_every_control_character(bad: str) -> None:
    exc = _refusal("checkin.noted", {"id": f"K{bad}1", "case_id": CASE, "notes": ""})
    assert exc.field == "payload.id"
    assert exc.detail == f"Value error, control character U+{ord(bad):04X}"


@pytest.mark.parametrize("kept", ["第一行\n第二行", "甲\t乙", "普通文字 ABC 123"])
def test_a_note_keeps_its_line_breaks_and_tabs(kept: str) -> None:
    check_payload("checkin.noted", {"id": CASE, "case_id": CASE, "notes": kept})


@pytest.mark.parametrize("bad", ["\x00", "\r", "\x0b", "\x0c", "\x1f", "\x80"])
def test_a_note_refuses_the_other_control_characters_naming_the_first(bad: str) -> None:
    exc = _refusal("checkin.noted", {"id": CASE, "case_id": CASE, "notes": f"说明\n{bad}…\x01"})
    assert exc.field == "payload.notes"
    assert exc.detail == f"Value error, control character U+{ord(bad):04X}"


def test_a_text_over_its_limit_is_refused_for_its_length() -> None:
    exc = _refusal("checkin.noted", {"id": "x" * 65, "case_id": CASE, "notes": ""})
    assert exc.field == "payload.id" and "at most 64" in exc.detail
