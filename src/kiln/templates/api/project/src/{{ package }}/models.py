"""The database tables, as typed SQLAlchemy 2.0 models."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, DateTime, ForeignKey, Index, String, Text, false, func, true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .extensions import db

# The longest username, email or todo title; validation uses it too, so the API refuses what
# would not fit.
MAX_LENGTH = 128


class User(db.Model):
    """Someone who uses the service; ``email`` identifies them, so it is unique whatever its
    case: ``Ada@Example.com`` is ``ada@example.com``, and is kept as typed."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(MAX_LENGTH))
    email: Mapped[str] = mapped_column(String(MAX_LENGTH))
    # The server defaults also apply to rows inserted outside the app (psql, migrations).
    active: Mapped[bool] = mapped_column(default=True, server_default=true())
    created_date: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )
    # An argon2id hash (passwords.py); none for an account an admin made without a password,
    # which cannot log in until it gets one.
    password_hash: Mapped[str | None] = mapped_column(String(256))
    is_admin: Mapped[bool] = mapped_column(default=False, server_default=false())
    # The database deletes a user's todos with them (ON DELETE CASCADE), in one statement.
    todos: Mapped[list[Todo]] = relationship(
        back_populates="owner", cascade="all, delete-orphan", passive_deletes=True
    )

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email}>"


# What identifies an account: its email in lower case. Unique, and what lookups compare.
Index("uq_users_lower_email", func.lower(User.email), unique=True)


class TokenFamily(db.Model):
    """One login: the refresh tokens that descend from it, each replaced by the next on use
    (token_families.py). Deleting the row revokes every token of the family."""

    __tablename__ = "token_families"

    # Big: every login adds one, and ids are never reused.
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    # How many times the family was refreshed: only the refresh token carrying this number is
    # still unused.
    refreshes: Mapped[int] = mapped_column(default=0, server_default="0")
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    def __repr__(self) -> str:
        return f"<TokenFamily {self.id} of user {self.user_id}>"


class LoginFailure(db.Model):
    """Failed logins for one account or one client address, counted per window of time
    (login_throttle.py); in the database, so every worker and machine sees the same count."""

    __tablename__ = "login_failures"

    key: Mapped[str] = mapped_column(String(256), primary_key=True)
    failures: Mapped[int]
    window_started: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), index=True
    )

    def __repr__(self) -> str:
        return f"<LoginFailure {self.key}: {self.failures}>"


class Todo(db.Model):
    """Something a user has to do; only its owner sees it through the API."""

    __tablename__ = "todos"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(MAX_LENGTH))
    done: Mapped[bool] = mapped_column(default=False, server_default=false())
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_date: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )
    owner: Mapped[User] = relationship(back_populates="todos")

    def __repr__(self) -> str:
        return f"<Todo {self.id} of user {self.owner_id}>"


class Message(db.Model):
    """A message the service sent a user (the welcome message, for now): kept for support to look
    up, and so that a job tried again never sends the same one twice."""

    __tablename__ = "messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    subject: Mapped[str] = mapped_column(String(MAX_LENGTH))
    body: Mapped[str] = mapped_column(Text)
    sent_date: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), index=True
    )
    user: Mapped[User] = relationship()

    def __repr__(self) -> str:
        return f"<Message {self.id} {self.kind} to user {self.user_id}>"
