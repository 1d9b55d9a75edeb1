"""The development server on an address other machines reach: what it would give them away.

Refused unless confirmed with ``--expose``, rather than only warned about: a warning scrolls past
among the server's own lines, while what is exposed is the machine itself (the debugger runs any
Python code typed into an error page) and every row of the database (the api template's /admin
asks for no login, and the development SECRET_KEY, published in kiln's source, signs any token).
Inside a container or on a network one trusts, ``--expose`` serves anyway and says so.
"""

from __future__ import annotations

import ipaddress
import socket
from typing import TYPE_CHECKING

from kiln.config.declarations import DEV_SECRET_KEY
from kiln.config.environments import DEVELOPMENT
from kiln.errors import UsageError

if TYPE_CHECKING:
    from kiln.context import ProjectContext
    from kiln.postgres import Progress

CONFIRM = "--expose"


def check_exposure(
    ctx: ProjectContext, host: str, port: int, *, confirmed: bool, progress: Progress
) -> None:
    """Refuse a non-loopback ``host`` while something there is for development eyes only,
    unless ``confirmed``; then warn, naming each thing exposed."""
    if is_loopback(host):
        return
    risks = exposed(ctx)
    if not risks:
        return
    everywhere = host in ("0.0.0.0", "::")
    reach = f"anyone who can reach {'this machine on port ' if everywhere else host + ':'}{port}"
    if confirmed:
        progress(f"warning: {reach} gets " + "; ".join(risks))
        return
    raise UsageError(
        f"{reach} would get " + "; ".join(risks),
        where=f"kiln serve --host {host}",
        fix=f"keep the default --host 127.0.0.1 and reach it from elsewhere through a tunnel "
        f"(ssh -L {port}:127.0.0.1:{port} THIS_MACHINE); in a container or on a network you "
        f"trust, add {CONFIRM} to serve there anyway",
    )


def exposed(ctx: ProjectContext) -> list[str]:
    """What the development server offers that only its own developer should reach."""
    risks = []
    if _debugger_on(ctx.config.get("FLASK_DEBUG")):
        risks.append("the Werkzeug debugger (FLASK_DEBUG is on), which runs any Python code")
    if ctx.config.env == DEVELOPMENT:
        risks.append("the views the app has only in development, such as a login-free /admin")
    if ctx.config.get("SECRET_KEY") == DEV_SECRET_KEY:
        risks.append("a SECRET_KEY published in kiln's source, to sign any session or token")
    return risks


def is_loopback(host: str) -> bool:
    """Whether every address ``host`` stands for is this machine's own (127.0.0.1, ::1)."""
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(host, None)}
    except (OSError, UnicodeError):
        return False  # an unknown name: the server then fails to listen, and says so
    return bool(addresses) and all(
        ipaddress.ip_address(str(address).partition("%")[0]).is_loopback for address in addresses
    )


def _debugger_on(value: str | None) -> bool:
    """As ``flask run`` reads FLASK_DEBUG: on unless unset, empty, 0, false or no."""
    return (value or "").strip().lower() not in ("", "0", "false", "no")
