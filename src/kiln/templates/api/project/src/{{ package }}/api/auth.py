"""``/auth``: register, log in for tokens, refresh them, and read your own account."""

from __future__ import annotations

from typing import Any

from flask import abort, url_for
from sqlalchemy import select

from .. import accounts, tokens
from ..extensions import db
from ..jobs import send_welcome
from ..models import User
from ..passwords import passwords
from .access import current_user, unauthorized, user_of
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
@blp.response(200, TokensSchema)
@blp.alt_response(401, response="UNAUTHORIZED")
@blp.alt_response(403, response="FORBIDDEN")
def login(credentials: dict[str, Any]) -> dict[str, Any]:
    """Exchange an email and password for an access token and a refresh token."""
    user = db.session.scalar(select(User).where(User.email == credentials["email"]))
    matches = passwords().check(user.password_hash if user else None, credentials["password"])
    if user is None or not matches:
        raise unauthorized("Wrong email or password")
    if not user.active:
        abort(403, description="This account is deactivated")
    if passwords().needs_rehash(user.password_hash):
        accounts.apply(user, {"password": credentials["password"]})
        db.session.commit()
    return _tokens_for(user)


@blp.post("/refresh")
@blp.arguments(RefreshSchema)
@blp.response(200, TokensSchema)
@blp.alt_response(401, response="UNAUTHORIZED")
def refresh(body: dict[str, str]) -> dict[str, Any]:
    """Exchange a refresh token for new tokens."""
    return _tokens_for(user_of(body["refresh_token"], tokens.REFRESH))


@blp.get("/me")
@blp.login_required
@blp.response(200, AccountSchema)
def me() -> User:
    """Your own account, and whether you are an admin."""
    return current_user()


def _tokens_for(user: User) -> dict[str, Any]:
    return {
        "access_token": tokens.issue(user.id, tokens.ACCESS),
        "refresh_token": tokens.issue(user.id, tokens.REFRESH),
        "token_type": "Bearer",
        "expires_in": tokens.lifetime_seconds(tokens.ACCESS),
    }
