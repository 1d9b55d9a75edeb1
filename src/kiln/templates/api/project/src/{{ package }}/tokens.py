"""Access and refresh tokens: JSON Web Tokens signed with HS256.

An access token (minutes) authenticates requests; a refresh token (days) only buys new tokens at
``POST /auth/refresh``. Each names its user in ``sub`` and its use in ``type``, so one cannot
stand in for the other.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import UTC, datetime
from typing import Literal

import jwt
from flask import current_app

Kind = Literal["access", "refresh"]
ACCESS: Kind = "access"
REFRESH: Kind = "refresh"
_ALGORITHM = "HS256"
_LIFETIME = {ACCESS: "ACCESS_TOKEN_LIFETIME", REFRESH: "REFRESH_TOKEN_LIFETIME"}
_NAMED = {ACCESS: "an access token", REFRESH: "a refresh token"}


class InvalidTokenError(Exception):
    """A token that cannot be used; the message says why and is safe to show the client."""


def issue(user_id: int, kind: Kind) -> str:
    now = datetime.now(UTC)
    claims = {
        "sub": str(user_id),
        "type": kind,
        "iat": now,
        "exp": now + current_app.config[_LIFETIME[kind]],
    }
    return jwt.encode(claims, _key(), algorithm=_ALGORITHM)


def lifetime_seconds(kind: Kind) -> int:
    return int(current_app.config[_LIFETIME[kind]].total_seconds())


def user_id(token: str, kind: Kind) -> int:
    """The id of the user a valid, unexpired token of ``kind`` names."""
    try:
        claims = jwt.decode(
            token,
            _key(),
            algorithms=[_ALGORITHM],
            options={"require": ["sub", "type", "iat", "exp"]},
        )
    except jwt.ExpiredSignatureError:
        raise InvalidTokenError("The token has expired") from None
    except jwt.InvalidTokenError:
        raise InvalidTokenError("The token is invalid") from None
    if claims["type"] != kind:
        raise InvalidTokenError(f"The token is not {_NAMED[kind]}")
    return int(claims["sub"])


def _key() -> bytes:
    """A key of its own, derived from ``SECRET_KEY``: 32 bytes, as RFC 7518 asks of HS256, and
    never the key that signs Flask's session cookies."""
    secret = current_app.config["SECRET_KEY"].encode()
    return hmac.new(secret, b"access and refresh tokens", hashlib.sha256).digest()
