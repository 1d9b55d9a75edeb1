"""The application factory: ``create_app("development")`` builds a configured app."""

from __future__ import annotations

import os

from flask import Flask

from . import auth, errors, system
from .config import load_config
from .extensions import db, migrate
from .importing import import_command
from .logs import configure_logging
from .routes import entities, health, receiver, transform
from .settings import environment_name


def create_app(config_name: str | None = None) -> Flask:
    """Build the app for one environment: ``development``, ``testing`` or ``production``.

    Without a name, ``KILN_ENV`` decides, and production is the default. Settings are read from
    the environment here, on each call, never when the module is imported.
    """
    settings = load_config(config_name or environment_name(os.environ), os.environ)
    app = Flask(__name__)
    app.config.from_object(settings)
    if not app.testing:  # under pytest, its own log capture stays in charge
        configure_logging(json_lines=settings.JSON_LOGS, level=settings.LOG_LEVEL)
    db.init_app(app)
    migrate.init_app(app, db)
    errors.init_app(app)
    auth.init_app(app)
    system.init_app(app)
    for module in (health, entities, receiver, transform):
        app.register_blueprint(module.bp)
    app.cli.add_command(import_command)  # flask import-entities
    return app
