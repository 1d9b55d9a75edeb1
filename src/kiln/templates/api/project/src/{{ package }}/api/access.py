"""Who is calling: the user named by the access token in ``Authorization: Bearer <token>``.

The user and the token's login (token_families.py) are loaded on every request, so a deleted or
deactivated account, and a revoked login, stop working at once, even with a token that has not
expired.
"""

from __future__ import annotations

from flask import g, request
from werkzeug.datastructures import WWWAuthenticate
from werkzeug.exceptions import Unauthorized

from .. import token_families, tokens
from ..models import User


def authenticate() -> User:
    """The caller, remembered for ``current_user``; a 401 without a usable access token."""
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise unauthorized(
            "Send an access token: Authorization: Bearer <token> (POST /auth/login gives one)"
        )
    g.claims = claims(token.strip(), tokens.ACCESS)
    g.user = active_user(g.claims)
    return g.user


def current_user() -> User:
    """The caller of a view that requires a login (api/blueprint.py)."""
    return g.user


def current_family_id() -> int:
    """The login the caller's access token belongs to."""
    return g.claims.family_id


def caller() -> User | None:
    """The caller of a view where logging in is optional: ``None`` when anonymous."""
    return g.get("user")


def claims(token: str, kind: tokens.Kind) -> tokens.Claims:
    """What a token of ``kind`` says, or a 401 that says what is wrong with it."""
    try:
        return tokens.read(token, kind)
    except tokens.InvalidTokenError as error:
        raise unauthorized(str(error), invalid=True) from None


def active_user(claims: tokens.Claims) -> User:
    """The active user a token names, while its login lives; else a 401 that says why."""
    user = token_families.user_of(claims)
    if user is None:
        raise unauthorized("The token was revoked: log in again", invalid=True)
    if not user.active:
        raise unauthorized("The token's account is deactivated", invalid=True)
    return user


def unauthorized(detail: str, *, invalid: bool = False) -> Unauthorized:
    """A 401 whose ``WWW-Authenticate`` header tells the client to send a bearer token
    (RFC 6750), with ``error="invalid_token"`` when the one it sent cannot be used."""
    challenge = WWWAuthenticate("Bearer", {"error": "invalid_token"} if invalid else None)
    return Unauthorized(description=detail, www_authenticate=challenge)
