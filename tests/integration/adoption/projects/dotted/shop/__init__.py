"""A factory that takes its config as an import path, as ``create_app("shop.settings.X")``."""

from flask import Flask
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


db = SQLAlchemy(model_class=Base)


class Item(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str]


def create_app(settings="shop.settings.ProductionConfig"):
    app = Flask(__name__)
    app.config.from_object(settings)
    db.init_app(app)

    @app.get("/items")
    def items():
        return [item.name for item in db.session.scalars(db.select(Item))]

    return app
