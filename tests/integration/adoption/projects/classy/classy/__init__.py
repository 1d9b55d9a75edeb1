"""A factory that takes a config class, as ``create_app(config_class=Config)`` projects do."""

from flask import Flask, request
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from classy.config import Config


class Base(DeclarativeBase):
    pass


db = SQLAlchemy(model_class=Base)


class Post(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str]


def create_app(config_class=Config):
    app = Flask(__name__)
    app.config.from_object(config_class)
    db.init_app(app)

    @app.post("/posts")
    def add_post():
        db.session.add(Post(title=request.get_json()["title"]))
        db.session.commit()
        return {}, 201

    @app.get("/posts")
    def list_posts():
        return [post.title for post in db.session.scalars(db.select(Post).order_by(Post.id))]

    return app
