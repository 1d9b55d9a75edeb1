from sqlalchemy.orm import Mapped, mapped_column

from .extensions import db


class Note(db.Model):
    __tablename__ = "notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    text: Mapped[str]


class Tick(db.Model):
    """One per run of the periodic task: unique, so a tick deferred twice would fail."""

    __tablename__ = "ticks"

    timestamp: Mapped[int] = mapped_column(primary_key=True)
