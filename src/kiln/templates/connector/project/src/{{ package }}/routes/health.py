"""``GET /health``: the app and its database answer (the image's HEALTHCHECK asks it)."""

from __future__ import annotations

from flask import Blueprint, current_app
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from ..errors import RETRY_AFTER_SECONDS
from ..extensions import db

bp = Blueprint("health", __name__)

STATEMENT_TIMEOUT_MS = 2000


@bp.get("/health")
def health() -> tuple[dict[str, str], int] | tuple[dict[str, str], int, dict[str, str]]:
    try:
        with db.engine.connect() as connection:
            # SET LOCAL: the timeout ends with this transaction, not with the pooled connection.
            connection.execute(text(f"SET LOCAL statement_timeout = {STATEMENT_TIMEOUT_MS}"))
            connection.execute(text("SELECT 1"))
    except SQLAlchemyError as error:
        current_app.logger.warning("health check failed: database unreachable: %s", error)
        unavailable = {"status": "unavailable", "database": "unreachable"}
        return unavailable, 503, {"Retry-After": str(RETRY_AFTER_SECONDS)}
    return {"status": "ok", "database": "ok"}, 200
