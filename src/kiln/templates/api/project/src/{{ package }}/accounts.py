"""Accounts: setting a user's fields (a password becomes its hash), saving them, the first admin."""

from __future__ import annotations

from typing import Any

import click
from flask import abort, current_app
from flask.cli import with_appcontext
from marshmallow import ValidationError
from psycopg.errors import UniqueViolation
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from .api.schemas import RegistrationSchema
from .config import ADMIN_EMAIL, ADMIN_PASSWORD
from .extensions import db
from .models import User
from .passwords import passwords

_EMAIL_CONSTRAINT = "uq_users_email"


def apply(user: User, fields: dict[str, Any]) -> User:
    """Set validated fields on ``user``; a ``password`` is stored as its hash only."""
    for name, value in fields.items():
        if name == "password":
            user.password_hash = passwords().hash(value)
        else:
            setattr(user, name, value)
    return user


def save(user: User) -> None:
    """Commit ``user``; a taken email is a 409.

    The unique constraint decides, not a lookup beforehand: two requests with the same email
    can both pass a lookup, but only one insert succeeds.
    """
    db.session.add(user)
    try:
        db.session.commit()
    except IntegrityError as error:
        db.session.rollback()
        cause = error.orig
        if isinstance(cause, UniqueViolation) and cause.diag.constraint_name == _EMAIL_CONSTRAINT:
            abort(409, description="email already exists")
        raise


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
    try:
        fields = RegistrationSchema().load(
            {"username": email.partition("@")[0], "email": email, "password": password}
        )
    except ValidationError as error:
        setting = {"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD}
        problems = [f"{setting.get(name, name)} {text[0]}" for name, text in error.messages.items()]
        raise AdminSettingsError("; ".join(problems)) from None
    user = db.session.scalar(select(User).where(User.email == fields["email"]))
    created = user is None
    if user is None:
        user = User(username=fields["username"], email=fields["email"])
        db.session.add(user)
    apply(user, {"password": fields["password"], "is_admin": True, "active": True})
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
