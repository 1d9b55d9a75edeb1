"""Request and response bodies, declared once: flask-smorest validates requests with them,
serializes responses with them and builds the OpenAPI document from them."""

from __future__ import annotations

from typing import Any, ClassVar

import marshmallow as ma

from ..models import User
from . import access
from .fields import Email, Flag, Password, Text, query_flag
from .pagination import PageArgs


class Body(ma.Schema):
    """A JSON object of known fields: an unknown one is refused by name, as is any other JSON."""

    error_messages: ClassVar[dict[str, str]] = {
        "unknown": "is not a known field",
        "type": "The request body must be a JSON object",
    }


class Changes(Body):
    """A partial update: any of the fields, at least one (``minProperties`` in the document)."""

    class Meta:
        min_properties = 1

    @ma.validates_schema
    def _not_empty(self, data: dict[str, Any], **kwargs: Any) -> None:
        if not data:
            fields = ", ".join(self.load_fields)
            raise ma.ValidationError(f"Nothing to update: send any of {fields}")


class UserSchema(Body):
    """A user, as the user themselves and admins read it."""

    error_messages: ClassVar[dict[str, str]] = {"unknown": "is not a field of a user"}

    id = ma.fields.Integer(dump_only=True)
    username = Text(required=True)
    email = Email(required=True)
    active = Flag(metadata={"description": "true when created"})
    created_date = ma.fields.DateTime(dump_only=True)


class ReadUserSchema(UserSchema):
    """A user as ``GET /users`` shows it: the email only to the user themselves and to admins,
    since anyone may read users."""

    email = Email(metadata={"description": "only for the user themselves and for admins"})

    @ma.post_dump(pass_original=True)
    def _email_for_owner_and_admins(
        self, data: dict[str, Any], user: User, **kwargs: Any
    ) -> dict[str, Any]:
        reader = access.caller()
        if reader is None or not (reader.is_admin or reader.id == user.id):
            del data["email"]
        return data


class NewUserSchema(UserSchema):
    """A user an admin creates; without a password, the account cannot log in until it has one."""

    password = Password()
    admin = Flag(attribute="is_admin", load_only=True)


class UserChangesSchema(Changes):
    """Any of a user's fields; only an admin may change ``admin``."""

    error_messages: ClassVar[dict[str, str]] = {"unknown": "is not a field of a user"}

    username = Text()
    email = Email()
    active = Flag()
    password = Password()
    admin = Flag(attribute="is_admin")


class AccountSchema(UserSchema):
    """The caller's own account: a user, and whether they are an admin."""

    admin = ma.fields.Boolean(attribute="is_admin", dump_only=True)


class RegistrationSchema(Body):
    error_messages: ClassVar[dict[str, str]] = {"unknown": "is not a field of a user"}

    username = Text(required=True)
    email = Email(required=True)
    password = Password(required=True)


class CredentialsSchema(Body):
    email = Text(required=True)
    # Any length a registration allowed: how long a password must be is checked when it is set.
    password = Password(required=True, new=False)


class RefreshSchema(Body):
    refresh_token = ma.fields.String(required=True, error_messages={"required": "is required"})


class TokensSchema(ma.Schema):
    access_token = ma.fields.String(metadata={"description": "Authorization: Bearer <token>"})
    refresh_token = ma.fields.String(metadata={"description": "POST it to /auth/refresh"})
    token_type = ma.fields.String(metadata={"example": "Bearer"})
    expires_in = ma.fields.Integer(metadata={"description": "seconds the access token lasts"})


class TodoSchema(Body):
    error_messages: ClassVar[dict[str, str]] = {"unknown": "is not a field of a todo"}

    id = ma.fields.Integer(dump_only=True)
    title = Text(required=True)
    done = Flag(metadata={"description": "false when created"})
    created_date = ma.fields.DateTime(dump_only=True)


class TodoChangesSchema(Changes):
    error_messages: ClassVar[dict[str, str]] = {"unknown": "is not a field of a todo"}

    title = Text()
    done = Flag()


class TodoFilterSchema(PageArgs):
    done = query_flag(metadata={"description": "only the todos done (true) or not (false)"})


class PingSchema(ma.Schema):
    status = ma.fields.String(metadata={"example": "success"})
    message = ma.fields.String(metadata={"example": "pong!"})


class HealthSchema(ma.Schema):
    status = ma.fields.String(metadata={"example": "ok"})
    database = ma.fields.String(metadata={"example": "ok"})
