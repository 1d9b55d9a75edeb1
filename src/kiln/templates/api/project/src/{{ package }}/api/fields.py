"""The fields of request bodies and query strings, each with its rules and its own messages.

marshmallow's default messages ("Not a valid string.") become short phrases that complete the
field's name: ``{"email": "must be an email address like name@example.com"}``. The limits are
declared once, here, and reach the OpenAPI document as ``minLength``, ``maxLength``, ``minimum``,
``maximum`` and ``pattern``, so the document states exactly what the API accepts.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any, ClassVar

import marshmallow as ma
from flask import current_app

from ..models import MAX_LENGTH

# Unicode's control characters (category Cc): PostgreSQL cannot store NUL, and none belongs in
# a name or a title. Then its other spaces (what str.strip() removes), written out so that every
# JSON Schema validator reads the patterns below as Python does.
_CONTROL = r"\x00-\x1f\x7f-\x9f"
_SPACE = r" \xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
# Text: no control character, and something besides spaces (which are stripped).
TEXT = rf"^[^{_CONTROL}]*[^{_SPACE}{_CONTROL}][^{_CONTROL}]*$"
# Deliberately loose: only sending mail proves an address works; this catches typos like "bob@".
_ADDRESS = rf"[^@{_SPACE}{_CONTROL}]+"
EMAIL = rf"^[{_SPACE}]*{_ADDRESS}@{_ADDRESS}\.{_ADDRESS}[{_SPACE}]*$"
# Lone surrogates cannot reach a field from JSON (api/blueprint.py refuses them), only from
# settings such as ADMIN_PASSWORD: they could not be stored or hashed.
_UNWRITABLE = re.compile(rf"[{_CONTROL}\ud800-\udfff]")
_VISIBLE = re.compile(rf"[^{_SPACE}{_CONTROL}]")
# argon2 hashes any length, but a password's length is the cost of hashing it.
MAX_PASSWORD_LENGTH = 128
_COMMON = {"required": "is required", "null": "must not be null"}


class Text(ma.fields.String):
    """Text of up to ``max_length`` characters, without control characters and not blank; the
    surrounding spaces are removed. The OpenAPI document states it as a pattern (``TEXT``)."""

    default_error_messages: ClassVar[dict[str, str]] = {
        **_COMMON,
        "invalid": "must be a string",
        "empty": "must not be empty",
        "long": "must be at most {max_length} characters",
        "control": "must not contain control characters",
    }
    pattern = TEXT

    def __init__(self, *, max_length: int = MAX_LENGTH, **kwargs: Any) -> None:
        metadata = {
            "minLength": 1,
            "maxLength": max_length,
            "pattern": self.pattern,
            **kwargs.pop("metadata", {}),
        }
        super().__init__(metadata=metadata, **kwargs)
        self.max_length = max_length

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        text = super()._deserialize(value, attr, data, **kwargs)
        if len(text) > self.max_length:
            raise self.make_error("long", max_length=self.max_length)
        if _UNWRITABLE.search(text):
            raise self.make_error("control")
        if not _VISIBLE.search(text):
            raise self.make_error("empty")
        return text.strip()


class Email(Text):
    """An email address, as loosely as ``EMAIL`` says: the document states that pattern, not
    ``format: email``, whose validators each read RFC 5321 their own way."""

    default_error_messages: ClassVar[dict[str, str]] = {
        "email": "must be an email address like name@example.com"
    }
    pattern = EMAIL

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        email = super()._deserialize(value, attr, data, **kwargs)
        if not re.fullmatch(EMAIL, email):
            raise self.make_error("email")
        return email


class Password(ma.fields.String):
    """A password as typed (never stripped), of up to 128 characters; write-only.

    A ``new`` one is at least ``PASSWORD_MIN_LENGTH`` characters (config.py), as the OpenAPI
    document says (openapi.py); how hard it is to guess is checked where it is set (accounts.py).
    Logging in takes any length a registration allowed.
    """

    default_error_messages: ClassVar[dict[str, str]] = {
        **_COMMON,
        "invalid": "must be a string",
        "short": "must be at least {min_length} characters",
        "long": f"must be at most {MAX_PASSWORD_LENGTH} characters",
        "unicode": "must be valid Unicode text",
    }

    def __init__(self, *, new: bool = True, **kwargs: Any) -> None:
        metadata = {"format": "password", "minLength": 1, "maxLength": MAX_PASSWORD_LENGTH}
        super().__init__(load_only=True, metadata=metadata, **kwargs)
        self.new = new

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        password = super()._deserialize(value, attr, data, **kwargs)
        min_length = current_app.config["PASSWORD_MIN_LENGTH"] if self.new else 1
        if len(password) < min_length:
            raise self.make_error("short", min_length=min_length)
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


# The fields below are those of `kiln generate resource`: a number, an amount of money, a date, a
# moment, a UUID, any JSON value and the id of another row, each with the messages above.
# PostgreSQL's integer: a value outside it could not be stored (and would be a 500).
INTEGER_MIN, INTEGER_MAX = -(2**31), 2**31 - 1
# An amount with two decimal places, as a string so that no client rounds it through a float:
# what numeric(12, 2) holds.
AMOUNT = r"^-?[0-9]{1,10}(\.[0-9]{1,2})?$"


class Number(ma.fields.Integer):
    """A whole number PostgreSQL's ``integer`` can hold; ``1.5`` and ``"1"`` are refused."""

    default_error_messages: ClassVar[dict[str, str]] = {
        **_COMMON,
        "invalid": "must be a whole number",
        "too_large": "must be a whole number",
    }

    def __init__(self, *, minimum: int = INTEGER_MIN, **kwargs: Any) -> None:
        message = f"must be a whole number from {minimum} to {INTEGER_MAX}"
        kwargs.setdefault("validate", ma.validate.Range(minimum, INTEGER_MAX, error=message))
        super().__init__(strict=True, **kwargs)


class Id(Number):
    """The id of a row: a whole number from 1. Whether that row exists is the view's to say."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(minimum=1, **kwargs)


class Amount(ma.fields.Decimal):
    """An amount like ``"12.50"``, sent and answered as a string (``AMOUNT``)."""

    default_error_messages: ClassVar[dict[str, str]] = {
        **_COMMON,
        "invalid": "must be an amount like 12.50, as a string",
    }

    def __init__(self, **kwargs: Any) -> None:
        metadata = {"type": "string", "pattern": AMOUNT, "example": "12.50"}
        super().__init__(as_string=True, metadata=metadata, **kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        if not isinstance(value, str) or not re.fullmatch(AMOUNT, value):
            raise self.make_error("invalid")
        return super()._deserialize(value, attr, data, **kwargs)


class Day(ma.fields.Date):
    """A date like ``2024-12-31``."""

    default_error_messages: ClassVar[dict[str, str]] = {
        **_COMMON,
        "invalid": "must be a date like 2024-12-31",
        "format": "must be a date like 2024-12-31",
    }


class Moment(ma.fields.AwareDateTime):
    """A date and time with its offset from UTC: without one, it would name no moment."""

    default_error_messages: ClassVar[dict[str, str]] = {
        **_COMMON,
        "invalid": "must be a date and time like 2024-12-31T23:59:00+00:00",
        "invalid_awareness": "must say its offset from UTC, like 2024-12-31T23:59:00+00:00",
        "format": "must be a date and time like 2024-12-31T23:59:00+00:00",
    }


class Identifier(ma.fields.UUID):
    """A UUID like ``123e4567-e89b-12d3-a456-426614174000``."""

    default_error_messages: ClassVar[dict[str, str]] = {
        **_COMMON,
        "invalid_uuid": "must be a UUID like 123e4567-e89b-12d3-a456-426614174000",
    }


class JSONValue(ma.fields.Raw):
    """Any JSON value, kept as sent."""

    default_error_messages: ClassVar[dict[str, str]] = _COMMON
