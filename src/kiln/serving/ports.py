"""Whether the address a server is about to listen on is free."""

from __future__ import annotations

import socket

from kiln.errors import UsageError


def check_port_free(host: str, port: int) -> None:
    """Fail before the server does, with the fix, when the address is taken."""
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as error:
            raise UsageError(
                f"cannot listen on {host}:{port}: {error.strerror}",
                where="kiln serve --host/--port",
                fix=f"stop what uses it (another kiln serve?) or choose another: --port {port + 1}",
            ) from None
