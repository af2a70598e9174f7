"""Operators' PINs and passphrases: kept only as a salted slow hash (scrypt, from the standard
library) with its parameters beside it, and the backoff that slows guessing down."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta

SCHEME = "scrypt"
# About 50 ms and 16 MiB a check on a desk computer: nothing for one sign-in, slow for guessing.
N, R, P = 2**14, 8, 1
SALT_BYTES = 16
KEY_BYTES = 32
MIN_LENGTH = 4
FREE_TRIES = 3
FIRST_WAIT = timedelta(seconds=15)
LONGEST_WAIT = timedelta(minutes=15)


def _derive(secret: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(
        secret.encode("utf-8"), salt=salt, n=n, r=r, p=p, maxmem=2 * 128 * n * r + 2**20, dklen=KEY_BYTES
    )


def hash_secret(secret: str) -> str:
    """``scrypt$n$r$p$salt$key``: the parameters travel with the hash, so they can be raised
    later without locking anyone out."""
    salt = secrets.token_bytes(SALT_BYTES)
    return f"{SCHEME}${N}${R}${P}${salt.hex()}${_derive(secret, salt, N, R, P).hex()}"


def check_secret(secret: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt, key = stored.split("$")
        if scheme != SCHEME:
            return False
        derived = _derive(secret, bytes.fromhex(salt), int(n), int(r), int(p))
    except ValueError:
        return False
    return hmac.compare_digest(derived, bytes.fromhex(key))


def acceptable(secret: str) -> bool:
    return len(secret.strip()) >= MIN_LENGTH


def wait_after(failures: int) -> timedelta:
    """How long the next try must wait after ``failures`` wrong ones in a row: the first few
    are free (a typing slip), then the wait doubles up to a quarter of an hour."""
    if failures < FREE_TRIES:
        return timedelta(0)
    return min(FIRST_WAIT * 2 ** (failures - FREE_TRIES), LONGEST_WAIT)
