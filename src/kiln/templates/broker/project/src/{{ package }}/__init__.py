"""The broker's package; ``create_app`` builds its Flask app."""

from .app import create_app

__all__ = ["create_app"]
