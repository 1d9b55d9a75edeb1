import os

from flask import Flask, request
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


db = SQLAlchemy(model_class=Base)


class Note(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    text: Mapped[str]


def create_app(config_name: str) -> Flask:
    app = Flask(__name__)
    url = os.environ["DATABASE_URL"].replace("postgresql://", "postgresql+psycopg://", 1)
    app.config["SQLALCHEMY_DATABASE_URI"] = url
    db.init_app(app)

    @app.post("/notes")
    def add_note():
        db.session.add(Note(text=request.get_json()["text"]))
        db.session.commit()
        return {"count": db.session.query(Note).count()}, 201

    @app.get("/notes")
    def list_notes():
        return [n.text for n in db.session.scalars(db.select(Note).order_by(Note.id))]

    return app
