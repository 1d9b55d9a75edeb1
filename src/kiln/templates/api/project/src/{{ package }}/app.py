"""The application factory: ``create_app("development")`` builds a configured app."""

from __future__ import annotations

import importlib.util
import os

from flask import Flask

from . import errors, openapi, passwords, queue, security_headers, transactions
from .accounts import create_admin_command
from .api import auth, health, ping, todos, users
from .bodies import Request
from .config import load_config
from .extensions import db, migrate
from .logs import configure_logging
from .settings import environment_name


def create_app(config_name: str | None = None) -> Flask:
    """Build the app for one environment: ``development``, ``testing`` or ``production``.

    Without a name, ``KILN_ENV`` decides, and production is the default so that a deployment
    that forgot to set it still refuses to run without its secrets. Settings are read from the
    environment here, on each call, never when the module is imported.
    """
    settings = load_config(config_name or environment_name(os.environ), os.environ)
    app = Flask(__name__)
    app.request_class = Request  # chunked bodies read whole: a 413 past the limit (bodies.py)
    app.config.from_object(settings)
    if not app.testing:  # under pytest, its own log capture stays in charge
        configure_logging(json_lines=settings.JSON_LOGS, level=settings.LOG_LEVEL)
    db.init_app(app)
    migrate.init_app(app, db)
    passwords.init_app(app)
    security_headers.init_app(app)  # first: its headers reach every answer, 503s included
    transactions.init_app(app)
    errors.init_app(app)
    api = openapi.init_app(app)  # also answers every HTTP error as a problem (errors.py)
    for module in (ping, health, auth, users, todos):
        api.register_blueprint(module.blp)
    app.cli.add_command(create_admin_command)
    queue.init_app(app)  # flask worker, flask worker-health
    # Flask-Admin is a development tool: mounted only when the config asks for it and the dev
    # extra installed it, so production never imports it.
    if app.config["ADMIN_VIEW"] and importlib.util.find_spec("flask_admin"):
        from .admin import mount_admin

        mount_admin(app)
    return app
