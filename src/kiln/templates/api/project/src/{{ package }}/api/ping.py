"""``GET /ping``: a liveness check that needs nothing but the app itself."""

from flask import Blueprint

bp = Blueprint("ping", __name__)


@bp.get("/ping")
def ping() -> dict[str, str]:
    return {"status": "success", "message": "pong!"}
