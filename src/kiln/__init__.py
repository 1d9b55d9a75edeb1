"""Flask-Kiln: build a Flask service test-first on a real PostgreSQL."""

__version__ = "0.1.0"
