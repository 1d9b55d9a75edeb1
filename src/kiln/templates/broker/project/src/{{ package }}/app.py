"""The application factory: ``create_app("development")`` builds a configured app."""

from __future__ import annotations

import logging
import os

from flask import Flask

from . import api, health, queue
from .config import load_config
from .extensions import db, migrate
from .logs import configure_logging
from .settings import environment_name

QUIET_LOGGERS = ("openbrokerapi", "acme", "urllib3")


def create_app(config_name: str | None = None) -> Flask:
    """Build the app for one environment: ``development``, ``testing`` or ``production``.

    Without a name, ``KILN_ENV`` decides, and production is the default so that a deployment
    that forgot to set it still refuses to run without its credentials and encryption key.
    """
    settings = load_config(config_name or environment_name(os.environ), os.environ)
    app = Flask(__name__)
    app.config.from_object(settings)
    if not app.testing:  # under pytest, its own log capture stays in charge
        configure_logging(json_lines=settings.JSON_LOGS, level=settings.LOG_LEVEL)
    # Their debug lines (every request's headers, every ACME nonce) would drown the app's own.
    for name in QUIET_LOGGERS:
        logging.getLogger(name).setLevel(max(logging.INFO, logging.getLogger().level))
    db.init_app(app)
    migrate.init_app(app, db)
    api.init_app(app)
    app.register_blueprint(health.blueprint)
    queue.init_app(app)  # flask worker, flask worker-health
    return app
