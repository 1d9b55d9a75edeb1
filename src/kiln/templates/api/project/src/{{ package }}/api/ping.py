"""``GET /ping``: a liveness check that needs nothing but the app itself."""

from .blueprint import Blueprint
from .schemas import PingSchema

blp = Blueprint("ping", __name__, description="Liveness")


@blp.get("/ping")
@blp.response(200, PingSchema)
def ping() -> dict[str, str]:
    """The app is running."""
    return {"status": "success", "message": "pong!"}
