"""Reporters' phone numbers: what counts as one, and how it shows on screen (SPEC §7)."""

from __future__ import annotations

import pytest

from models.personal import is_valid_phone, mask_phone


@pytest.mark.parametrize(
    "number", ["13812345678", "+86 138 1234 5678", "010-12345678", "02187654321", "85123456"]
)
def test_mobiles_landlines_and_local_numbers_are_phones(number: str) -> None:
    assert is_valid_phone(number)


@pytest.mark.parametrize("number", ["12345", "110", "1381234567", "138abc5678", "23456", "0123"])
def test_service_numbers_and_typos_are_not(number: str) -> None:
    assert not is_valid_phone(number)


def test_masked_on_screen() -> None:
    assert mask_phone("13812345678") == "138****5678"
    assert mask_phone("010-12345678") == "010*****5678"
    assert mask_phone("") == ""
