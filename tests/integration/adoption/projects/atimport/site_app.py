"""The app built when the module is imported; its config chosen by a variable."""

import os

from flask import Flask
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

app = Flask(__name__)
app.config.from_object(os.environ.get("APP_SETTINGS", "config.DevConfig"))


class Base(DeclarativeBase):
    pass


db = SQLAlchemy(app, model_class=Base)


class Visit(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)


@app.post("/visits")
def visit():
    db.session.add(Visit())
    db.session.commit()
    return {"visits": db.session.query(Visit).count()}
