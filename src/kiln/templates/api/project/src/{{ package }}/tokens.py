"""Access and refresh tokens: JSON Web Tokens signed with HS256.

An access token (minutes) authenticates requests; a refresh token (days) only buys new tokens at
``POST /auth/refresh``. Each names its user in ``sub``, its login in ``family`` (a row of
``token_families``: deleting it revokes them) and its use in ``type``, so one cannot stand in for
the other. A refresh token also carries ``refreshes``, the count it was issued at: once the family
has been refreshed past it, the token is spent.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal, TypeGuard

import jwt
from flask import current_app

Kind = Literal["access", "refresh"]
ACCESS: Kind = "access"
REFRESH: Kind = "refresh"
_ALGORITHM = "HS256"
_LIFETIME = {ACCESS: "ACCESS_TOKEN_LIFETIME", REFRESH: "REFRESH_TOKEN_LIFETIME"}
_NAMED = {ACCESS: "an access token", REFRESH: "a refresh token"}
_REQUIRED = ["sub", "family", "type", "iat", "exp"]
# The largest id PostgreSQL's bigint holds: a claim past it names no row, and asking would fail.
_MAX_ID = 2**63 - 1


class InvalidTokenError(Exception):
    """A token that cannot be used; the message says why and is safe to show the client."""


@dataclass(frozen=True)
class Claims:
    """What a valid token says: whose it is, which login it belongs to, and (refresh tokens)
    the refresh count it was issued at."""

    user_id: int
    family_id: int
    refreshes: int = 0


def issue(kind: Kind, claims: Claims) -> str:
    now = datetime.now(UTC)
    payload: dict[str, Any] = {
        "sub": str(claims.user_id),
        "family": claims.family_id,
        "type": kind,
        "iat": now,
        "exp": now + current_app.config[_LIFETIME[kind]],
    }
    if kind == REFRESH:
        payload["refreshes"] = claims.refreshes
    return jwt.encode(payload, _key(), algorithm=_ALGORITHM)


def lifetime_seconds(kind: Kind) -> int:
    return int(current_app.config[_LIFETIME[kind]].total_seconds())


def read(token: str, kind: Kind) -> Claims:
    """The claims of a valid, unexpired token of ``kind``."""
    try:
        payload = jwt.decode(token, _key(), algorithms=[_ALGORITHM], options={"require": _REQUIRED})
    except jwt.ExpiredSignatureError:
        raise InvalidTokenError("The token has expired") from None
    except jwt.InvalidTokenError:
        raise InvalidTokenError("The token is invalid") from None
    if payload["type"] != kind:
        raise InvalidTokenError(f"The token is not {_NAMED[kind]}")
    # Signed with this app's key, yet not what it writes: refused rather than looked up.
    user_id, family_id = _decimal(payload["sub"]), payload["family"]
    refreshes = payload.get("refreshes") if kind == REFRESH else 0
    if not (_fits(user_id, 1) and _fits(family_id, 1) and _fits(refreshes, 0)):
        raise InvalidTokenError("The token is invalid")
    return Claims(user_id, family_id, refreshes)


def _decimal(text: object) -> int | None:
    """The number in ``sub``, which RFC 7519 makes a string."""
    if isinstance(text, str) and text.isascii() and text.isdigit() and len(text) <= 19:
        return int(text)
    return None


def _fits(value: object, minimum: int) -> TypeGuard[int]:
    """A whole number (not a float, not a bool) from ``minimum`` that a bigint column holds."""
    return type(value) is int and minimum <= value <= _MAX_ID


def _key() -> bytes:
    """A key of its own, derived from ``SECRET_KEY``: 32 bytes, as RFC 7518 asks of HS256, and
    never the key that signs Flask's session cookies."""
    secret = current_app.config["SECRET_KEY"].encode()
    return hmac.new(secret, b"access and refresh tokens", hashlib.sha256).digest()
