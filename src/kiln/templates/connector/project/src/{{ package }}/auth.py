"""Optional Basic auth: when ``AUTH_USERNAME``/``AUTH_PASSWORD`` are set, every endpoint but
``/health`` asks for them (a Sesam system's ``authentication: basic``)."""

from __future__ import annotations

import hmac

from flask import Flask, current_app, request
from werkzeug.datastructures import WWWAuthenticate
from werkzeug.exceptions import Unauthorized

OPEN_ENDPOINTS = frozenset({"health.health"})


def init_app(app: Flask) -> None:
    app.before_request(_require_credentials)


def _require_credentials() -> None:
    username, password = current_app.config["AUTH_USERNAME"], current_app.config["AUTH_PASSWORD"]
    if username is None or request.endpoint in OPEN_ENDPOINTS:
        return
    given = request.authorization
    if (
        given is None
        or given.type != "basic"
        or not _same(given.username or "", username)
        or not _same(given.password or "", password)
    ):
        raise Unauthorized(
            description="Basic auth is required: the system's username and password",
            www_authenticate=WWWAuthenticate("basic", {"realm": current_app.name}),
        )


def _same(given: str, expected: str) -> bool:
    """Compared in constant time, so the answer's timing tells nothing about the password."""
    return hmac.compare_digest(given.encode(), expected.encode())
