"""Who is calling: the user named by the access token in ``Authorization: Bearer <token>``.

The user is loaded on every request, so a deleted or deactivated account stops working at once,
even with a token that has not expired.
"""

from __future__ import annotations

from flask import g, request
from werkzeug.datastructures import WWWAuthenticate
from werkzeug.exceptions import Unauthorized

from .. import tokens
from ..extensions import db
from ..models import User


def authenticate() -> User:
    """The caller, remembered for ``current_user``; a 401 without a usable access token."""
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise unauthorized(
            "Send an access token: Authorization: Bearer <token> (POST /auth/login gives one)"
        )
    g.user = user_of(token.strip(), tokens.ACCESS)
    return g.user


def current_user() -> User:
    """The caller of a view that requires a login (api/blueprint.py)."""
    return g.user


def user_of(token: str, kind: tokens.Kind) -> User:
    """The active user a token of ``kind`` names, or a 401 that says what is wrong."""
    try:
        user = db.session.get(User, tokens.user_id(token, kind))
    except tokens.InvalidTokenError as error:
        raise unauthorized(str(error), invalid=True) from None
    if user is None or not user.active:
        raise unauthorized("The token's account was deleted or deactivated", invalid=True)
    return user


def unauthorized(detail: str, *, invalid: bool = False) -> Unauthorized:
    """A 401 whose ``WWW-Authenticate`` header tells the client to send a bearer token
    (RFC 6750), with ``error="invalid_token"`` when the one it sent cannot be used."""
    challenge = WWWAuthenticate("Bearer", {"error": "invalid_token"} if invalid else None)
    return Unauthorized(description=detail, www_authenticate=challenge)
