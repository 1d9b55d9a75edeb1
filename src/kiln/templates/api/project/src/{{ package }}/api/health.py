"""``GET /health``: whether the app can serve, its database included (``/ping``: the app only).

Load balancers, ``docker`` (the image's HEALTHCHECK) and uptime monitors call it often, so it
answers fast either way: ``SELECT 1`` under a short statement timeout, on connections that give
up after a few seconds (``connect_timeout`` in config.py), so a stopped server means a quick 503.
"""

from __future__ import annotations

from flask import current_app
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from ..errors import RETRY_AFTER_SECONDS
from ..extensions import db
from .blueprint import Blueprint
from .schemas import HealthSchema

blp = Blueprint("health", __name__, description="Readiness, the database included")

STATEMENT_TIMEOUT_MS = 2000


@blp.get("/health")
@blp.response(200, HealthSchema)
@blp.alt_response(
    503,
    schema=HealthSchema,
    description="The database does not answer",
    headers={"Retry-After": {"description": "Seconds to wait", "schema": {"type": "integer"}}},
)
def health() -> tuple[dict[str, str], int] | tuple[dict[str, str], int, dict[str, str]]:
    """The app and its database answer."""
    try:
        with db.engine.connect() as connection:
            # SET LOCAL: the timeout ends with this transaction, not with the pooled connection.
            connection.execute(text(f"SET LOCAL statement_timeout = {STATEMENT_TIMEOUT_MS}"))
            connection.execute(text("SELECT 1"))
    except SQLAlchemyError as error:
        # The reason goes to the log, not to whoever calls this public URL.
        current_app.logger.warning("health check failed: database unreachable: %s", error)
        unavailable = {"status": "unavailable", "database": "unreachable"}
        return unavailable, 503, {"Retry-After": str(RETRY_AFTER_SECONDS)}
    return {"status": "ok", "database": "ok"}, 200
