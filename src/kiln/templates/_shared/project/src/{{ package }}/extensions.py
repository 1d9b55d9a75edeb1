"""The Flask extensions, created unbound so that ``create_app`` can attach them to any app."""

from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase


class Base(DeclarativeBase):
    """Base of every model.

    Named constraints give migrations stable names to alter or drop later, and let the API
    tell which rule a database error broke (``uq_users_email``, not ``users_email_key``).
    """

    metadata = MetaData(
        naming_convention={
            "ix": "ix_%(column_0_label)s",
            "uq": "uq_%(table_name)s_%(column_0_name)s",
            "ck": "ck_%(table_name)s_%(constraint_name)s",
            "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
            "pk": "pk_%(table_name)s",
        }
    )


def _models_only(name: str | None, type_: str, parent_names: object) -> bool:
    """What Alembic compares with the models: not the job queue's tables, which procrastinate's
    own schema creates (migrations/versions/*_add_the_job_queue.py)."""
    return not (type_ == "table" and name is not None and name.startswith("procrastinate_"))


db = SQLAlchemy(model_class=Base)
migrate = Migrate(include_name=_models_only)
