"""``GET /health``: the app and its database answer (the image's HEALTHCHECK asks it)."""

from __future__ import annotations

from flask import Blueprint

from ..database_health import database_answers
from ..errors import RETRY_AFTER_SECONDS

bp = Blueprint("health", __name__)


@bp.get("/health")
def health() -> tuple[dict[str, str], int] | tuple[dict[str, str], int, dict[str, str]]:
    if not database_answers():
        unavailable = {"status": "unavailable", "database": "unreachable"}
        return unavailable, 503, {"Retry-After": str(RETRY_AFTER_SECONDS)}
    return {"status": "ok", "database": "ok"}, 200
