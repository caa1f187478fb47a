"""Passwords kept as scrypt hashes, never as text: ``scrypt$n$r$p$salt$hash`` (base64 parts).

The Web Connector sends the password the person typed into it on every ``authenticate``; the
server keeps only the hash (``hashlib.scrypt``, a memory-hard function in the standard library)
and compares with ``hmac.compare_digest``. An unknown user costs the same hash as a known one.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

N, R, P = 2**14, 8, 1
"""scrypt's cost: 16 MiB of memory, about 50 ms a check (the Web Connector calls once a run)."""
_PREFIX = "scrypt"


def hash_password(password: str, *, n: int = N) -> str:
    """A new salted hash of ``password`` to keep in the server's configuration."""
    salt = secrets.token_bytes(16)
    digest = _scrypt(password, salt, n, R, P)
    return "$".join((_PREFIX, str(n), str(R), str(P), _b64(salt), _b64(digest)))


def verify_password(password: str, stored: str | None) -> bool:
    """Whether ``password`` matches ``stored``; with no stored hash (an unknown user) a hash
    is still computed, so the answer takes as long either way."""
    if stored is None:
        _scrypt(password, b"unknown-user-pad", N, R, P)
        return False
    try:
        prefix, n, r, p, salt, digest = stored.split("$")
        params = int(n), int(r), int(p)
    except ValueError as exc:
        raise ValueError(f"password hash {stored[:12]!r}... is not scrypt$n$r$p$salt$hash") from exc
    if prefix != _PREFIX:
        raise ValueError(f"password hash kind {prefix!r} is not {_PREFIX!r}")
    return hmac.compare_digest(_scrypt(password, _unb64(salt), *params), _unb64(digest))


def _scrypt(password: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(password.encode(), salt=salt, n=n, r=r, p=p, maxmem=64 * 1024 * 1024)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def _unb64(text: str) -> bytes:
    return base64.b64decode(text.encode())
