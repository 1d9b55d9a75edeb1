"""Whether the database answers: what ``GET /health`` asks it, in every service alike.

Load balancers, ``docker`` (the image's HEALTHCHECK) and uptime monitors call /health often, so
the probe answers fast either way: ``SELECT 1`` under a short statement timeout, on connections
that give up after ``CONNECT_TIMEOUT`` seconds (settings.py), so a stopped server is a quick no.
"""

from __future__ import annotations

from flask import current_app
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from .extensions import db

STATEMENT_TIMEOUT_MS = 2000


def database_answers() -> bool:
    """``SELECT 1`` answered in time; why not goes to the log, never to whoever asked."""
    try:
        with db.engine.connect() as connection:
            # SET LOCAL: the timeout ends with this transaction, not with the pooled connection.
            connection.execute(text(f"SET LOCAL statement_timeout = {STATEMENT_TIMEOUT_MS}"))
            connection.execute(text("SELECT 1"))
    except SQLAlchemyError as error:
        current_app.logger.warning("health check failed: database unreachable: %s", error)
        return False
    return True
