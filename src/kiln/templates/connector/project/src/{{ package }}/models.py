"""The entity store: what Sesam pushed (or the external system holds), and the feed's order.

Every change takes the id of the transaction that wrote it (``xid``) and a number from one
sequence (``seq``); the feed serves rows in that order, and only those whose transaction is
older than every one still running (store.py says why a plain sequence loses rows).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import BigInteger, Boolean, Index, String, Text, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.dialects.postgresql.base import ischema_names
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.types import UserDefinedType

from .extensions import db

CHANGES_SEQUENCE = "entity_changes"


class TransactionId(UserDefinedType[int]):
    """PostgreSQL's ``xid8``: a 64-bit transaction id that never wraps around."""

    cache_ok = True

    def get_col_spec(self, **kw: Any) -> str:
        return "xid8"


# Reflection (Alembic comparing the models with the database) knows the type by its name.
ischema_names["xid8"] = TransactionId


class Entity(db.Model):
    """One entity by its ``_id``; a deleted one stays, ``deleted``, so the feed can say so."""

    __tablename__ = "entities"
    __table_args__ = (Index("ix_entities_change", "xid", "seq"),)

    id: Mapped[str] = mapped_column(Text, primary_key=True)
    # The entity as pushed, ``_updated`` left out: the feed adds its own.
    body: Mapped[dict[str, Any]] = mapped_column(JSONB)
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)
    # The full sync that last contained it: what a completed one did not contain is deleted.
    sync_sequence: Mapped[str | None] = mapped_column(Text)
    xid: Mapped[int] = mapped_column(TransactionId, server_default=text("pg_current_xact_id()"))
    seq: Mapped[int] = mapped_column(
        BigInteger, server_default=text(f"nextval('{CHANGES_SEQUENCE}')")
    )


class ReceiverState(db.Model):
    """Where the push is in its chain of requests: one row, locked by each request."""

    __tablename__ = "receiver_state"

    id: Mapped[int] = mapped_column(primary_key=True)
    sequence_id: Mapped[str | None] = mapped_column(String(200))
    last_request_id: Mapped[str | None] = mapped_column(String(200))
    is_full: Mapped[bool] = mapped_column(Boolean, default=False)
