"""The fields of request bodies and query strings, each with its rules and its own messages.

marshmallow's default messages ("Not a valid string.") become short phrases that complete the
field's name: ``{"email": "must be an email address like name@example.com"}``. The limits are
declared once, here, and reach the OpenAPI document as ``minLength``, ``maxLength``, ``minimum``
and ``maximum``.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any, ClassVar

import marshmallow as ma

from ..models import MAX_LENGTH

# Deliberately loose: only sending mail proves an address works; this catches typos like "bob@".
EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
MIN_PASSWORD_LENGTH = 8
# argon2 hashes any length, but a password's length is the cost of hashing it.
MAX_PASSWORD_LENGTH = 128
# Control characters and lone surrogates: PostgreSQL cannot store them in text columns.
_CONTROL = {"Cc", "Cs"}
_COMMON = {"required": "is required", "null": "must not be null"}


class Text(ma.fields.String):
    """Text without surrounding whitespace, of 1 to ``max_length`` characters, and no control
    characters."""

    default_error_messages: ClassVar[dict[str, str]] = {
        **_COMMON,
        "invalid": "must be a string",
        "empty": "must not be empty",
        "long": "must be at most {max_length} characters",
        "control": "must not contain control characters",
    }

    def __init__(self, *, max_length: int = MAX_LENGTH, **kwargs: Any) -> None:
        metadata = {"minLength": 1, "maxLength": max_length, **kwargs.pop("metadata", {})}
        super().__init__(metadata=metadata, **kwargs)
        self.max_length = max_length

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        text = super()._deserialize(value, attr, data, **kwargs).strip()
        if not text:
            raise self.make_error("empty")
        if len(text) > self.max_length:
            raise self.make_error("long", max_length=self.max_length)
        if any(unicodedata.category(char) in _CONTROL for char in text):
            raise self.make_error("control")
        return text


class Email(Text):
    default_error_messages: ClassVar[dict[str, str]] = {
        "email": "must be an email address like name@example.com"
    }

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(metadata={"format": "email"}, **kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        email = super()._deserialize(value, attr, data, **kwargs)
        if not EMAIL.fullmatch(email):
            raise self.make_error("email")
        return email


class Password(ma.fields.String):
    """A password as typed (never stripped), of ``min_length`` to 128 characters; write-only."""

    default_error_messages: ClassVar[dict[str, str]] = {
        **_COMMON,
        "invalid": "must be a string",
        "short": "must be at least {min_length} characters",
        "long": f"must be at most {MAX_PASSWORD_LENGTH} characters",
        "unicode": "must be valid Unicode text",
    }

    def __init__(self, *, min_length: int = MIN_PASSWORD_LENGTH, **kwargs: Any) -> None:
        metadata = {"format": "password", "minLength": min_length, "maxLength": MAX_PASSWORD_LENGTH}
        super().__init__(load_only=True, metadata=metadata, **kwargs)
        self.min_length = min_length

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        password = super()._deserialize(value, attr, data, **kwargs)
        if len(password) < self.min_length:
            raise self.make_error("short", min_length=self.min_length)
        if len(password) > MAX_PASSWORD_LENGTH:
            raise self.make_error("long")
        if any(unicodedata.category(char) == "Cs" for char in password):
            raise self.make_error("unicode")  # it could not be encoded to be hashed
        return password


class Flag(ma.fields.Boolean):
    """``true`` or ``false`` in a JSON body, nothing else: not 1, not "yes"."""

    default_error_messages: ClassVar[dict[str, str]] = {
        **_COMMON,
        "invalid": "must be true or false",
    }

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> bool:
        if not isinstance(value, bool):
            raise self.make_error("invalid")
        return value


def whole_number(*, maximum: int | None = None, **kwargs: Any) -> ma.fields.Integer:
    """A query parameter: a whole number from 1 (to ``maximum``)."""
    limits = "of at least 1" if maximum is None else f"from 1 to {maximum}"
    message = f"must be a whole number {limits}"
    return ma.fields.Integer(
        validate=ma.validate.Range(min=1, max=maximum, error=message),
        error_messages={"invalid": message, "too_large": message},
        **kwargs,
    )


def query_flag(**kwargs: Any) -> ma.fields.Boolean:
    """A query parameter: ``true`` or ``false`` (also 1/0, yes/no, on/off)."""
    return ma.fields.Boolean(error_messages={"invalid": "must be true or false"}, **kwargs)
