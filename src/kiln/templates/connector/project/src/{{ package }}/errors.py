"""Every error is JSON, ``{"status": 409, "title": "Conflict", "detail": "..."}``.

Sesam logs the body of a failed request in the pipe's execution log: the detail is written for
whoever reads it there. A client's mistake is a 4xx; a failure on this side (the database, the
external system) a 5xx, so that Sesam fails the run instead of taking an empty answer for an
empty source and deleting everything downstream.
"""

from __future__ import annotations

from flask import Flask, current_app, json
from sqlalchemy import exc
from werkzeug.exceptions import (
    BadGateway,
    BadRequest,
    HTTPException,
    InternalServerError,
    ServiceUnavailable,
)
from werkzeug.wrappers import Response

# What a lost database raises: a connection refused, broken or timed out, a pool exhausted.
DATABASE_UNAVAILABLE = (exc.OperationalError, exc.InterfaceError, exc.TimeoutError)
RETRY_AFTER_SECONDS = 5


class UpstreamError(Exception):
    """The external system failed (system.py): a 502 with this message, never an empty answer."""


def init_app(app: Flask) -> None:
    app.register_error_handler(HTTPException, error_response)
    app.register_error_handler(UpstreamError, _upstream)
    for error in DATABASE_UNAVAILABLE:
        app.register_error_handler(error, _database_unavailable)
    app.register_error_handler(Exception, _unexpected)


def bad_request(detail: str) -> BadRequest:
    return BadRequest(description=detail)


def error_response(error: HTTPException) -> Response:
    """``error`` as JSON, keeping Werkzeug's status and headers (``WWW-Authenticate``)."""
    response = error.get_response()
    status = error.code or 500
    body = {"status": status, "title": error.name, "detail": error.description}
    response.set_data(json.dumps(body))
    response.content_type = "application/json"
    return response


def _upstream(error: UpstreamError) -> Response:
    current_app.logger.error("external system failed: %s", error)
    return error_response(BadGateway(description=f"The external system failed: {error}"))


def _database_unavailable(error: Exception) -> Response:
    current_app.logger.warning("database unavailable: %s", error)
    return error_response(
        ServiceUnavailable(
            description="The database is unavailable: try again in a few seconds",
            retry_after=RETRY_AFTER_SECONDS,
        )
    )


def _unexpected(error: Exception) -> Response:
    if isinstance(error, HTTPException):  # registered for Exception, Flask may pass these too
        return error_response(error)
    current_app.logger.exception("unexpected error")
    return error_response(InternalServerError(description="An unexpected error; see the log"))
