"""``GET /health``: whether the app can serve, its database included (``/ping``: the app only).

It answers fast either way (database_health.py), so a stopped database means a quick 503.
"""

from __future__ import annotations

from ..database_health import database_answers
from ..errors import RETRY_AFTER_SECONDS
from .blueprint import Blueprint
from .schemas import HealthSchema

blp = Blueprint("health", __name__, description="Readiness, the database included")


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
    if not database_answers():
        # The reason is in the log, not told to whoever calls this public URL.
        unavailable = {"status": "unavailable", "database": "unreachable"}
        return unavailable, 503, {"Retry-After": str(RETRY_AFTER_SECONDS)}
    return {"status": "ok", "database": "ok"}, 200
