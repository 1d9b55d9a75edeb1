"""gunicorn's settings, from the environment as Heroku and container platforms set it.

gunicorn reads this file from the working folder: the image runs ``gunicorn wsgi:app`` and
``kiln serve --prod`` passes it with ``--config``. Every value can be changed with a variable.
"""

import json
import os
from pathlib import Path

from gunicorn import util


def _whole_number(name: str, default: int, maximum: int | None = None) -> int:
    """``name``'s value; a bad one stops gunicorn with a message that says which variable it is."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    if not raw.isdigit() or int(raw) < 1 or (maximum is not None and int(raw) > maximum):
        limit = f"from 1 to {maximum}" if maximum else "of at least 1"
        raise SystemExit(f"gunicorn.conf.py: {name} must be a whole number {limit}, not {raw!r}")
    return int(raw)


def _cores() -> int:
    """The CPUs this process may use (a container's CPU set, not the whole host's count)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


# Heroku and most platforms say where to listen with PORT; inside a container, on every interface.
bind = [f"0.0.0.0:{_whole_number('PORT', 8000, maximum=65535)}"]
# Heroku sets WEB_CONCURRENCY from the dyno's memory; elsewhere one worker per core.
workers = _whole_number("WEB_CONCURRENCY", _cores())

# A request taking longer than this is killed and its worker restarted.
timeout = 30
# On SIGTERM (docker stop, a Heroku restart), workers finish their requests for up to this long.
# Keep it below the platform's own grace period: docker stop waits 10 s unless told otherwise.
graceful_timeout = 8

# Load the app once, before the workers fork: a refused start (see config.py) stops gunicorn at
# once with its message instead of every worker failing in turn. No database connection is
# opened while loading, so the workers share none.
preload_app = True

# The heartbeat files of workers in memory, not on a container's slower overlay file system.
if Path("/dev/shm").is_dir():
    worker_tmp_dir = "/dev/shm"

# gunicorn 25.1+ opens a control socket in ~/.gunicorn: the image's user has no home folder, and
# two servers on one machine would share it. (Older versions ignore this setting.)
control_socket_disable = True

# The access and error logs go to the root logger, which the app writes to stdout: JSON lines in
# production (the package's logs.py). Messages from before the app is loaded are plain text.
accesslog = "-"
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms'
logconfig_dict = {
    # Until the app has set up logging, only warnings: imports announce themselves at INFO.
    "root": {"level": "WARNING", "handlers": ["console"]},
    "loggers": {
        "gunicorn.error": {"propagate": True},
        "gunicorn.access": {"propagate": True},
    },
}


def _write_problem(sock: object, status: int, reason: str, message: str) -> None:
    """gunicorn's own answers, to requests it cannot parse (a request line or headers too long,
    broken framing), as problems like the app's (errors.py) instead of an HTML page."""
    body = json.dumps(
        {"type": "about:blank", "title": reason, "status": status, "detail": message or reason}
    ).encode()
    head = (
        f"HTTP/1.1 {status} {reason}\r\nConnection: close\r\n"
        "Content-Type: application/problem+json\r\nX-Content-Type-Options: nosniff\r\n"
        "X-Frame-Options: DENY\r\nContent-Security-Policy: default-src 'none'; "
        "frame-ancestors 'none'\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    )
    util.write_nonblock(sock, head.encode("latin-1") + body)


# gunicorn has no setting for these answers; every worker writes them with util.write_error.
util.write_error = _write_problem
