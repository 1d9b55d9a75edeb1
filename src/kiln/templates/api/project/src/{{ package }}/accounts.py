"""Accounts: finding one by email, setting its fields (a password becomes its hash), saving and
deleting it, the first admin."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import click
from flask import abort, current_app
from flask.cli import with_appcontext
from marshmallow import ValidationError
from psycopg.errors import UniqueViolation
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from . import password_policy, token_families
from .api.schemas import RegistrationSchema
from .config import ADMIN_EMAIL, ADMIN_PASSWORD
from .extensions import db
from .models import User
from .passwords import passwords

_EMAIL_INDEX = "uq_users_lower_email"


def find(email: str) -> User | None:
    """The account of ``email``, whatever its case."""
    return db.session.scalar(select(User).where(func.lower(User.email) == func.lower(email)))


def apply(user: User, fields: Mapping[str, Any]) -> User:
    """Set validated fields on ``user``.

    A new password must be hard to guess (password_policy.py) and is stored as its hash only;
    the policy's verdict is a ``ValidationError`` naming the field. A password change, a
    deactivation or a demotion ends every login of the user: the tokens issued before it stop
    working. The last active admin cannot stop being one (a 409).
    """
    if "password" in fields:
        personal = (fields.get("email", user.email), fields.get("username", user.username))
        weakness = password_policy.weakness(fields["password"], [p for p in personal if p])
        if weakness:
            raise ValidationError({"password": [weakness]})
    deactivated = user.active and fields.get("active") is False
    demoted = user.is_admin and fields.get("is_admin") is False
    if deactivated or demoted:
        _keep_an_admin(user)
    ends_logins = "password" in fields or deactivated or demoted
    for name, value in fields.items():
        if name == "password":
            user.password_hash = passwords().hash(value)
        else:
            setattr(user, name, value)
    if ends_logins and user.id is not None:
        token_families.revoke_all(user)
    return user


def rehash(user: User, password: str) -> None:
    """Store ``password`` hashed at the current cost; the same password, so logins go on."""
    user.password_hash = passwords().hash(password)


def save(user: User) -> None:
    """Write ``user`` (the request commits it, transactions.py); a taken email is a 409.

    The unique index decides, not a lookup beforehand: two requests with the same email can both
    pass a lookup, but only one insert succeeds.
    """
    db.session.add(user)
    try:
        db.session.flush()
    except IntegrityError as error:
        db.session.rollback()
        cause = error.orig
        if isinstance(cause, UniqueViolation) and cause.diag.constraint_name == _EMAIL_INDEX:
            abort(409, description="email already exists")
        raise


def delete(user: User) -> None:
    """Delete ``user`` with their todos and logins (the database cascades); never the last
    admin (a 409)."""
    _keep_an_admin(user)
    db.session.delete(user)
    db.session.flush()


def _keep_an_admin(leaving: User) -> None:
    """A 409 when ``leaving`` is the last active admin.

    The active admins' rows are locked, in one order, until the request commits: two admins
    stepping down at once are decided one after the other.
    """
    if not (leaving.is_admin and leaving.active):
        return
    admins = db.session.scalars(
        select(User.id).where(User.is_admin, User.active).order_by(User.id).with_for_update()
    ).all()
    if admins == [leaving.id]:
        abort(409, description="This is the last admin: make another user an admin first")


class AdminSettingsError(ValueError):
    """``ADMIN_EMAIL`` or ``ADMIN_PASSWORD`` is missing or would not pass a registration."""


def ensure_admin() -> bool:
    """Make the account ``ADMIN_EMAIL`` names an active admin with ``ADMIN_PASSWORD``; True when
    it is new. Safe to run again, and the way to reset a forgotten admin password.

    The credentials follow a registration's rules; the password is kept only as its hash.
    """
    email, password = current_app.config[ADMIN_EMAIL], current_app.config[ADMIN_PASSWORD]
    if not (email and password):
        raise AdminSettingsError(f"Set {ADMIN_EMAIL} and {ADMIN_PASSWORD} to create the admin.")
    setting = {"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD}
    try:
        fields = RegistrationSchema().load(
            {"username": email.partition("@")[0], "email": email, "password": password}
        )
        user = find(fields["email"])
        created = user is None
        if user is None:
            user = User(username=fields["username"], email=fields["email"])
            db.session.add(user)
        apply(user, {"password": fields["password"], "is_admin": True, "active": True})
    except ValidationError as error:
        problems = [f"{setting.get(name, name)} {text[0]}" for name, text in error.messages.items()]
        raise AdminSettingsError("; ".join(problems)) from None
    return created


@click.command("create-admin")
@with_appcontext
def create_admin_command() -> None:
    """Create the admin ADMIN_EMAIL names with ADMIN_PASSWORD, or make that account an admin."""
    try:
        created = ensure_admin()
    except AdminSettingsError as error:
        raise click.UsageError(str(error)) from None
    db.session.commit()
    email = current_app.config[ADMIN_EMAIL]
    click.echo(f"{'Created' if created else 'Updated'} the admin {email}")
