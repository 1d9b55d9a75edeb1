"""Logins and their tokens: each login starts a family, and every token names it.

Refresh tokens rotate: a refresh spends the token it was given and issues the next one. A spent
token coming back means two parties hold the family (the OAuth 2.0 Security BCP's reuse
detection), so the whole family is revoked, the thief's tokens and the user's alike. Revoking is
deleting the row: the access and refresh tokens naming it stop working at their next use.
"""

from __future__ import annotations

from datetime import UTC, datetime

from flask import current_app
from sqlalchemy import delete, func, select, update

from . import tokens
from .extensions import db
from .models import TokenFamily, User


class SpentTokenError(Exception):
    """A refresh token that was already used: its family is revoked."""


def start(user: User) -> TokenFamily:
    """A new family for ``user``, who just logged in; their expired ones are cleared away."""
    db.session.execute(
        delete(TokenFamily).where(
            TokenFamily.user_id == user.id, TokenFamily.expires_at < func.now()
        )
    )
    family = TokenFamily(user_id=user.id, refreshes=0, expires_at=_refresh_expiry())
    db.session.add(family)
    db.session.flush()
    return family


def issue(family: TokenFamily) -> dict[str, str]:
    """The family's access token and its one unspent refresh token."""
    claims = tokens.Claims(family.user_id, family.id, family.refreshes)
    return {
        "access_token": tokens.issue(tokens.ACCESS, claims),
        "refresh_token": tokens.issue(tokens.REFRESH, claims),
    }


def user_of(claims: tokens.Claims) -> User | None:
    """The user a token names, while its family lives; ``None`` once it is revoked."""
    return db.session.scalar(
        select(User)
        .join(TokenFamily, TokenFamily.user_id == User.id)
        .where(TokenFamily.id == claims.family_id, User.id == claims.user_id)
    )


def rotate(claims: tokens.Claims) -> TokenFamily | None:
    """Spend the refresh token ``claims`` come from: the family, counted one refresh further,
    or ``None`` when it was revoked. Raises ``SpentTokenError`` for a token used before.

    One conditional UPDATE decides, so of two requests racing with the same token only one wins.
    """
    family = db.session.scalar(
        update(TokenFamily)
        .where(
            TokenFamily.id == claims.family_id,
            TokenFamily.user_id == claims.user_id,
            TokenFamily.refreshes == claims.refreshes,
        )
        .values(refreshes=TokenFamily.refreshes + 1, expires_at=_refresh_expiry())
        .returning(TokenFamily)
    )
    if family is not None:
        return family
    revoked = db.session.execute(
        delete(TokenFamily).where(
            TokenFamily.id == claims.family_id, TokenFamily.user_id == claims.user_id
        )
    )
    if revoked.rowcount:
        raise SpentTokenError
    return None


def revoke(family_id: int) -> None:
    db.session.execute(delete(TokenFamily).where(TokenFamily.id == family_id))


def revoke_all(user: User) -> None:
    """End every login of ``user``: each token issued to them so far stops working."""
    db.session.execute(delete(TokenFamily).where(TokenFamily.user_id == user.id))


def _refresh_expiry() -> datetime:
    return datetime.now(UTC) + current_app.config["REFRESH_TOKEN_LIFETIME"]
