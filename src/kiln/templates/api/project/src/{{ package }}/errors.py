"""Every error is an RFC 9457 problem: one JSON shape, ``application/problem+json``.

``{"type": "about:blank", "title": "Not Found", "status": 404, "detail": "User 7 does not exist"}``;
a 400 for bad input adds ``"errors"``, one message per invalid field or query parameter.

Two kinds of exception become problems here too: a ``ValidationError`` a view raises for a rule
only it can check (a password too easy to guess for this account) is a 400 like any other invalid
field, and a lost database is a 503 with ``Retry-After``, never a 500.
"""

from __future__ import annotations

from collections.abc import Mapping
from http import HTTPStatus
from typing import Any

import marshmallow as ma
from flask import Flask, current_app, json
from sqlalchemy import exc
from werkzeug.exceptions import BadRequest, HTTPException, ServiceUnavailable
from werkzeug.wrappers import Response

PROBLEM_JSON = "application/problem+json"
# What a lost database raises: a connection refused, broken or timed out, a server shutting
# down, a pool with no connection left to give.
DATABASE_UNAVAILABLE = (exc.OperationalError, exc.InterfaceError, exc.TimeoutError)
RETRY_AFTER_SECONDS = 5


class Problem(ma.Schema):
    """What every error answers (RFC 9457), as the OpenAPI document describes it."""

    type = ma.fields.String(required=True, metadata={"example": "about:blank"})
    title = ma.fields.String(required=True, metadata={"example": "Bad Request"})
    status = ma.fields.Integer(required=True, metadata={"example": 400})
    detail = ma.fields.String(required=True, metadata={"example": "Invalid request body: email"})
    errors = ma.fields.Dict(
        keys=ma.fields.String(),
        values=ma.fields.String(),
        metadata={
            "description": "What is wrong with each invalid field or query parameter",
            "example": {"email": "must be an email address like name@example.com"},
        },
    )


def init_app(app: Flask) -> None:
    app.register_error_handler(ma.ValidationError, _invalid)
    for error in DATABASE_UNAVAILABLE:
        app.register_error_handler(error, database_unavailable)


def database_unavailable(error: Exception) -> Response:
    """A 503 for a request whose database went away; the reason goes to the log only."""
    current_app.logger.warning("database unavailable: %s", error)
    return problem_response(
        ServiceUnavailable(
            description="The database is unavailable: try again in a few seconds",
            retry_after=RETRY_AFTER_SECONDS,
        )
    )


def _invalid(error: ma.ValidationError) -> Response:
    invalid = BadRequest()
    invalid.data = {"messages": {"json": error.messages}}
    return problem_response(invalid)


def problem_response(error: HTTPException) -> Response:
    """``error`` as a problem, keeping Werkzeug's status and headers (``Allow`` on a 405,
    ``WWW-Authenticate`` on a 401). Flask hands unhandled exceptions here as a 500, whose
    generic detail tells a client nothing about the code."""
    response = error.get_response()
    response.set_data(json.dumps(problem(error)))
    response.content_type = PROBLEM_JSON
    return response


def problem(error: HTTPException) -> dict[str, Any]:
    status = error.code or HTTPStatus.INTERNAL_SERVER_ERROR
    detail = error.description or HTTPStatus(status).description
    errors: dict[str, str] = {}
    # webargs attaches what marshmallow refused to the 400 it raises (api/blueprint.py).
    messages = getattr(error, "data", {}).get("messages")
    if messages:
        detail, errors = _invalid_input(messages)
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
    }
    if errors:
        body["errors"] = errors
    return body


def _invalid_input(messages: Mapping[str, Mapping[str, Any]]) -> tuple[str, dict[str, str]]:
    """A detail and one message per field from marshmallow's messages, keyed by location
    (``json``, ``query``). ``_schema`` holds what concerns the whole body, not one field."""
    errors: dict[str, str] = {}
    general: list[str] = []
    for found in messages.values():
        for name, problems in found.items():
            if name == "_schema":
                general.append(_sentence(problems))
            else:
                errors[name] = _sentence(problems)
    where = "query parameters" if "query" in messages else "request body"
    return " ".join(general) or f"Invalid {where}: {', '.join(errors)}", errors


def _sentence(problems: object) -> str:
    return "; ".join(map(str, problems)) if isinstance(problems, list) else str(problems)
