"""``GET /health``: 200 when the app reaches its database, 503 otherwise; no credentials needed.

The image's HEALTHCHECK (healthcheck.py) and the platform's health check ask it.
"""

from __future__ import annotations

from flask import Blueprint, Response, jsonify

from .database_health import database_answers

blueprint = Blueprint("health", __name__)


@blueprint.get("/health")
def health() -> tuple[Response, int]:
    if not database_answers():
        return jsonify(status="unavailable", description="the database does not answer"), 503
    return jsonify(status="ok"), 200
