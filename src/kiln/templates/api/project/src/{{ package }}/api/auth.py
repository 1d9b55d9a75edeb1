"""``/auth``: register, log in for tokens, refresh them, log out, and read your own account."""

from __future__ import annotations

from typing import Any

from flask import abort, request, url_for

from .. import accounts, login_throttle, token_families, tokens
from ..errors import PROBLEM_JSON, Problem
from ..extensions import db
from ..jobs import send_welcome
from ..models import TokenFamily, User
from ..passwords import passwords
from .access import active_user, claims, current_family_id, current_user, unauthorized
from .blueprint import Blueprint
from .schemas import (
    AccountSchema,
    CredentialsSchema,
    RefreshSchema,
    RegistrationSchema,
    TokensSchema,
    UserSchema,
)
from .users import LOCATION

blp = Blueprint("auth", __name__, url_prefix="/auth", description="Accounts and tokens")

# Tokens are credentials: no cache may keep them (RFC 6749, section 5.1).
NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}
NO_STORE_HEADERS = {
    name: {"description": f"{value}: tokens are never cached", "schema": {"type": "string"}}
    for name, value in NO_STORE.items()
}
RETRY_AFTER = {
    "Retry-After": {"description": "Seconds until it may try again", "schema": {"type": "integer"}}
}


@blp.post("/register")
@blp.arguments(RegistrationSchema)
@blp.response(201, UserSchema, headers=LOCATION)
@blp.alt_response(409, response="CONFLICT")
def register(fields: dict[str, Any]) -> tuple[User, dict[str, str]]:
    """Create your account; then log in with its email and password."""
    user = accounts.apply(User(), fields)
    send_welcome.defer(email=user.email)  # in the same transaction: sent only if saved
    accounts.save(user)
    return user, {"Location": url_for("users.get_user", user_id=user.id)}


@blp.post("/login")
@blp.arguments(CredentialsSchema)
@blp.response(200, TokensSchema, headers=NO_STORE_HEADERS)
@blp.alt_response(401, response="UNAUTHORIZED")
@blp.alt_response(403, response="FORBIDDEN")
@blp.alt_response(
    429,
    schema=Problem,
    content_type=PROBLEM_JSON,
    description="Too many failed logins for this email or from this address",
    headers=RETRY_AFTER,
)
def login(credentials: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    """Exchange an email and password for an access token and a refresh token.

    Too many failed logins for one email, or from one address, are refused for a while (429),
    the right password included.
    """
    email, password = credentials["email"], credentials["password"]
    login_throttle.check(email, request.remote_addr)
    user = accounts.find(email)
    if user is None or not passwords().check(user.password_hash, password):
        login_throttle.record_failure(email, request.remote_addr)
        db.session.commit()  # counted, although the answer is an error
        raise unauthorized("Wrong email or password")
    if not user.active:
        abort(403, description="This account is deactivated")
    login_throttle.forget(email)
    if passwords().needs_rehash(user.password_hash):
        accounts.rehash(user, password)
    return _tokens(token_families.start(user))


@blp.post("/refresh")
@blp.arguments(RefreshSchema)
@blp.response(200, TokensSchema, headers=NO_STORE_HEADERS)
@blp.alt_response(401, response="UNAUTHORIZED")
def refresh(body: dict[str, str]) -> tuple[dict[str, Any], dict[str, str]]:
    """Exchange a refresh token for new tokens; the one sent is spent.

    Sending a spent refresh token again revokes its login: every token that descends from it.
    """
    spent = claims(body["refresh_token"], tokens.REFRESH)
    try:
        family = token_families.rotate(spent)
    except token_families.SpentTokenError:
        db.session.commit()  # revoked, although the answer is an error
        raise unauthorized(
            "The refresh token was already used, so its login is revoked: log in again",
            invalid=True,
        ) from None
    if family is None:
        raise unauthorized("The token was revoked: log in again", invalid=True)
    active_user(spent)
    return _tokens(family)


@blp.post("/logout")
@blp.login_required
@blp.response(204)
def logout() -> None:
    """End this login: its access and refresh tokens stop working."""
    token_families.revoke(current_family_id())


@blp.get("/me")
@blp.login_required
@blp.response(200, AccountSchema)
def me() -> User:
    """Your own account, and whether you are an admin."""
    return current_user()


def _tokens(family: TokenFamily) -> tuple[dict[str, Any], dict[str, str]]:
    body = {
        **token_families.issue(family),
        "token_type": "Bearer",
        "expires_in": tokens.lifetime_seconds(tokens.ACCESS),
    }
    return body, NO_STORE
