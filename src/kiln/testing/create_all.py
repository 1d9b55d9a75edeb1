"""``python -m kiln.testing.create_all``: build the schema of a project that has no migrations."""

from __future__ import annotations

import sys

from kiln.flaskapp import create_app
from kiln.project import find_project


def main(env: str) -> None:
    app = create_app(find_project(), env)
    with app.app_context():
        app.extensions["sqlalchemy"].create_all()


if __name__ == "__main__":
    main(sys.argv[1])
