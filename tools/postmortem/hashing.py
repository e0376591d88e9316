"""SHA-256 and BLAKE2b from the interpreter's own modules, the ones hashlib would pick for
them too, without hashlib importing OpenSSL's hashes first (2.5 ms of every start of the
pre-commit hook). Another interpreter falls back to hashlib: the same digests."""

from __future__ import annotations

from typing import Any


def sha256_hex(data: bytes) -> str:
    """The SHA-256 of `data`, in hexadecimal."""
    try:
        from _sha256 import sha256  # type: ignore[import-not-found]  # CPython 3.11
    except ImportError:
        try:
            from _sha2 import sha256  # type: ignore[import-not-found]  # CPython 3.12+
        except ImportError:
            from hashlib import sha256
    return sha256(data).hexdigest()


def blake2b(digest_size: int) -> Any:
    """A new BLAKE2b hash object of `digest_size` bytes."""
    try:
        from _blake2 import blake2b as new  # type: ignore[import-not-found]
    except ImportError:
        from hashlib import blake2b as new
    return new(digest_size=digest_size)
