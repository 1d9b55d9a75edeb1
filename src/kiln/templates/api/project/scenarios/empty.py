"""No users at all: the API as a new deployment first sees it."""

from flask_sqlalchemy import SQLAlchemy


def load(db: SQLAlchemy) -> None:
    """Nothing to add: the migrated tables alone are this scenario."""
