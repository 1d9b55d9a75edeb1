"""One transaction per request: committed once the answer is a success, rolled back otherwise.

Views change rows and flush them (for new ids, and to meet the constraints early); the commit
comes last, after the response is built, so a request answered with an error at any step leaves
nothing written, and a database lost before the commit is a 503 with nothing written either.
The writes that must outlast an error commit on purpose where they are made: a failed login
counted (login_throttle.py), a login revoked for reusing a spent token (token_families.py).
"""

from __future__ import annotations

from flask import Flask
from werkzeug.wrappers import Response

from .errors import DATABASE_UNAVAILABLE, database_unavailable
from .extensions import db


def init_app(app: Flask) -> None:
    app.after_request(_commit_success)


def _commit_success(response: Response) -> Response:
    """Commit when the answer is a success; Flask-SQLAlchemy rolls back the rest at the end."""
    if response.status_code >= 400:
        return response
    try:
        db.session.commit()
    except DATABASE_UNAVAILABLE as error:
        db.session.rollback()
        return database_unavailable(error)
    return response
