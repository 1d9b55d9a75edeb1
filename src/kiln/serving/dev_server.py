"""``python -m kiln.serving.dev_server ARGS``: the ``flask`` command as ``kiln serve`` runs it.

Werkzeug colours its dev server's log (the request lines, its warning) whatever the output is, so
a log piped to a file or another program would be full of escape codes. Off a terminal, they are
taken out. Run in the project's Python, and again by the reloader, which restarts this module.
"""

from __future__ import annotations

import logging
import re
import sys

_COLOUR = re.compile(r"\x1b\[[0-9;]*m")


class PlainText(logging.Filter):
    """Takes the colour codes out of a record's message."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if "\x1b[" in message:
            record.msg, record.args = _COLOUR.sub("", message), None
        return True


def main() -> None:
    if not (sys.stdout.isatty() and sys.stderr.isatty()):
        logging.getLogger("werkzeug").addFilter(PlainText())
    from flask.cli import main as flask_main

    flask_main()


if __name__ == "__main__":
    main()
