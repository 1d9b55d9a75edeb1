"""``/users``: list, create, read, update and delete users.

Reads are public: anyone may list and read users, but an email only the user themselves and
admins see. Writes need an access token: only an admin creates accounts (people register
themselves at ``POST /auth/register``), and a user may change or delete only their own account,
an admin any; the last admin may not step down.

- ``GET /users`` answers a JSON array, one page at a time (pagination.py).
- ``PUT /users/<id>`` changes only the fields sent (a partial update).
- ``DELETE /users/<id>`` answers 204 with no body, and deletes the user's todos too.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from flask import abort, url_for
from sqlalchemy import select

from .. import accounts
from ..extensions import db
from ..models import User
from .access import current_user
from .blueprint import Blueprint
from .pagination import HEADERS, PageArgs, page_of
from .schemas import NewUserSchema, ReadUserSchema, UserChangesSchema, UserSchema

blp = Blueprint(
    "users",
    __name__,
    url_prefix="/users",
    description="Users: anyone may read them, emails only the user themselves and admins",
)

# Ids past PostgreSQL's integer range cannot exist: routing answers 404 instead of asking the
# database and failing with a 500.
USER_ID = "<int(min=1, max=2147483647):user_id>"
LOCATION = {"Location": {"description": "The new user's URL", "schema": {"type": "string"}}}


@blp.get("")
@blp.login_optional
@blp.arguments(PageArgs, location="query")
@blp.response(200, ReadUserSchema(many=True), headers=HEADERS)
def list_users(args: dict[str, Any]) -> tuple[Sequence[User], dict[str, str]]:
    """List the users, oldest first, one page at a time."""
    return page_of(select(User).order_by(User.id), args)


@blp.post("")
@blp.admin_required
@blp.arguments(NewUserSchema)
@blp.response(201, UserSchema, headers=LOCATION)
@blp.alt_response(409, response="CONFLICT")
def create_user(fields: dict[str, Any]) -> tuple[User, dict[str, str]]:
    """Create a user (admins only; anyone may register at POST /auth/register)."""
    user = accounts.apply(User(), fields)
    accounts.save(user)
    return user, {"Location": url_for("users.get_user", user_id=user.id)}


@blp.get(f"/{USER_ID}")
@blp.login_optional
@blp.response(200, ReadUserSchema)
@blp.alt_response(404, response="NOT_FOUND")
def get_user(user_id: int) -> User:
    """Read a user."""
    return _get_or_404(user_id)


@blp.put(f"/{USER_ID}")
@blp.login_required
@blp.arguments(UserChangesSchema)
@blp.response(200, UserSchema)
@blp.alt_response(403, response="FORBIDDEN")
@blp.alt_response(404, response="NOT_FOUND")
@blp.alt_response(409, response="CONFLICT")
def update_user(changes: dict[str, Any], user_id: int) -> User:
    """Change the fields sent: your own account, or anyone's as an admin."""
    user = _yours_or_403(user_id)
    if "is_admin" in changes and not current_user().is_admin:
        abort(403, description="Only an admin may change who is an admin")
    accounts.apply(user, changes)
    accounts.save(user)
    return user


@blp.delete(f"/{USER_ID}")
@blp.login_required
@blp.response(204)
@blp.alt_response(403, response="FORBIDDEN")
@blp.alt_response(404, response="NOT_FOUND")
@blp.alt_response(409, response="CONFLICT")
def delete_user(user_id: int) -> None:
    """Delete your own account, or anyone's as an admin, with its todos."""
    accounts.delete(_yours_or_403(user_id))


def _get_or_404(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        abort(404, description=f"User {user_id} does not exist")
    return user


def _yours_or_403(user_id: int) -> User:
    """The user to change: the caller themselves, or anyone when the caller is an admin."""
    user = _get_or_404(user_id)
    caller = current_user()
    if user.id != caller.id and not caller.is_admin:
        abort(403, description="You may change only your own account")
    return user
