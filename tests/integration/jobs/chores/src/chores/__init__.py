"""A small service whose background jobs kiln's tests drive; queue.py is the api template's own
(copied in by the tests, as are the migrations' env.py and the queue's migration)."""

import json
import logging
import os

import click
from flask import Flask, abort, request

from . import queue
from .extensions import db, migrate
from .jobs import record


def create_app(config_name: str | None = None) -> Flask:
    app = Flask(__name__)
    if config_name != "testing":
        logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    url = os.environ["DATABASE_URL"].replace("postgresql://", "postgresql+psycopg://", 1)
    app.config["SQLALCHEMY_DATABASE_URI"] = url
    db.init_app(app)
    migrate.init_app(app, db)
    queue.init_app(app)

    @app.post("/notes")
    def add_note() -> tuple[dict[str, str], int]:
        text = request.get_json()["text"]
        record.defer(text=text)
        if request.args.get("fail"):
            db.session.rollback()  # the request's transaction, its job with it
            abort(500)
        db.session.commit()
        return {"deferred": text}, 201

    @app.cli.command("defer")
    @click.argument("name")
    @click.argument("arguments", default="{}")
    def defer(name: str, arguments: str) -> None:
        """Defer a job of the task chores.jobs.NAME (which need not exist) and commit."""
        job_id = queue.queue.configure_task(f"chores.jobs.{name}").defer(**json.loads(arguments))
        db.session.commit()
        click.echo(f"deferred job {job_id}")

    return app
