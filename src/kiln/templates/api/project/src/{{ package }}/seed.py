"""Sample data for a development database: ``kiln db seed`` calls ``seed_db``."""

from __future__ import annotations

from flask import current_app
from sqlalchemy import func
from sqlalchemy.dialects.postgresql import insert

from .accounts import ensure_admin
from .config import ADMIN_EMAIL
from .extensions import db
from .models import Todo, User

SAMPLE_USERS = [
    {"username": "ada", "email": "ada@example.com"},
    {"username": "grace", "email": "grace@example.com"},
    {"username": "linus", "email": "linus@example.com"},
]
# Each sample user's todos: (title, done).
SAMPLE_TODOS = {
    "ada@example.com": [("Write the first program", True), ("Publish the notes", False)],
    "grace@example.com": [("Find the moth in the relay", True), ("Teach the compiler", False)],
    "linus@example.com": [("Answer the mailing list", False)],
}


def seed_db() -> int:
    """Add the sample users that are missing, with their todos, and the admin ``ADMIN_EMAIL``
    and ``ADMIN_PASSWORD`` name when they are set; return how many rows were added.

    The sample users have no password, so no one can log in as them: log in as the admin, or
    register. Safe to run again: a user whose email exists already is skipped, todos included.
    Needs an app context.
    """
    added = db.session.execute(
        insert(User)
        .values(SAMPLE_USERS)
        .on_conflict_do_nothing(index_elements=[func.lower(User.email)])
        .returning(User.id, User.email)
    ).all()
    todos = [
        Todo(owner_id=user_id, title=title, done=done)
        for user_id, email in added
        for title, done in SAMPLE_TODOS[email]
    ]
    db.session.add_all(todos)
    admin_added = bool(current_app.config[ADMIN_EMAIL]) and ensure_admin()
    db.session.commit()
    return len(added) + len(todos) + admin_added
