from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy.orm import DeclarativeBase


class Base(DeclarativeBase):
    pass


def _models_only(name, type_, parent_names):
    return not (type_ == "table" and name.startswith("procrastinate_"))


db = SQLAlchemy(model_class=Base)
migrate = Migrate(include_name=_models_only)
