"""The station's Ed25519 key pair: the private half in a 0600 file beside the database,
the public half announced by a ``station.key`` event so other stations can learn it."""

from __future__ import annotations

import os
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from data.store.server import is_server, key_path
from models.errors import DomainError

FILE_MODE = 0o600
PUBLIC_KEY_CHARS = 64


class KeyFileError(DomainError):
    pass


def key_path_for(db_path: Path | str) -> Path:
    """The station key: beside a database file, or in the key folder for a server's."""
    if is_server(db_path):
        return key_path(str(db_path))
    return Path(f"{db_path}.key")


def _write_new(path: Path) -> Ed25519PrivateKey:
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    temp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(temp, os.O_CREAT | os.O_EXCL | os.O_WRONLY, FILE_MODE)
    try:
        os.write(fd, pem)
        os.fsync(fd)
    finally:
        os.close(fd)
    try:
        # link() refuses to replace: two processes starting at once keep the first key.
        os.link(temp, path)
    except FileExistsError:
        pass
    finally:
        os.unlink(temp)
    return load_private(path)


def load_private(path: Path) -> Ed25519PrivateKey:
    try:
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except (OSError, ValueError, TypeError) as exc:
        raise KeyFileError("sync.error.key_file", path=str(path), detail=str(exc)) from exc
    if not isinstance(key, Ed25519PrivateKey):
        raise KeyFileError("sync.error.key_file", path=str(path), detail="not Ed25519")
    return key


def load_or_create(path: Path) -> Ed25519PrivateKey:
    if path.exists():
        return load_private(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    return _write_new(path)


def public_text(key: Ed25519PrivateKey | Ed25519PublicKey) -> str:
    public = key.public_key() if isinstance(key, Ed25519PrivateKey) else key
    return public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw).hex()


def parse_public(text: str) -> Ed25519PublicKey:
    try:
        raw = bytes.fromhex(text.strip())
        if len(raw) * 2 != PUBLIC_KEY_CHARS:
            raise ValueError(text)
        return Ed25519PublicKey.from_public_bytes(raw)
    except ValueError as exc:
        raise KeyFileError("sync.error.bad_public_key", value=text) from exc


def sign(key: Ed25519PrivateKey, data: bytes) -> bytes:
    return key.sign(data)


def signature_ok(public: str, data: bytes, signature: bytes) -> bool:
    try:
        parse_public(public).verify(signature, data)
    except (InvalidSignature, KeyFileError):
        return False
    return True
