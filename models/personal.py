"""Personal data rules (SPEC §7)."""

from __future__ import annotations

import re

PHONE = re.compile(r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8}|[2-9]\d{6,7})$")


def normalise_phone(text: str) -> str:
    return re.sub(r"[\s()（）]", "", text).replace("+86", "", 1)


def is_valid_phone(text: str) -> bool:
    return bool(PHONE.match(normalise_phone(text)))


def mask_phone(phone: str | None) -> str:
    """138****5678: the first three and last four digits stay."""
    if not phone:
        return ""
    digits = normalise_phone(phone)
    if len(digits) <= 7:
        return digits[:1] + "*" * (len(digits) - 2) + digits[-1:] if len(digits) > 2 else "**"
    return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]
