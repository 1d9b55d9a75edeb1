"""A factory that takes its config as an import path, as ``create_app("shop.settings.X")``;
models in the older style, so the project also runs on the oldest releases kiln supports."""

from flask import Flask
from flask_sqlalchemy import SQLAlchemy

db = SQLAlchemy()


class Item(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String, nullable=False)


def create_app(settings="shop.settings.ProductionConfig"):
    app = Flask(__name__)
    app.config.from_object(settings)
    db.init_app(app)

    @app.get("/items")
    def items():
        return [item.name for item in db.session.scalars(db.select(Item))]

    return app
