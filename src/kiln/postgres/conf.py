"""kiln's server settings, in ``kiln.conf`` next to ``postgresql.conf``, rewritten on every start.

Rewriting on start keeps the socket folder right after the project moves; the user's own settings
stay in ``postgresql.conf``, which includes this file last so kiln's few settings win.
"""

from __future__ import annotations

from pathlib import Path

KILN_CONF = "kiln.conf"
INCLUDE = f"include_if_exists = '{KILN_CONF}'"


def render(socket_dir: Path) -> str:
    """The whole file: a socket in ``socket_dir`` only, and commits that do not wait for disk."""
    settings = {
        "listen_addresses": quote(""),  # Unix socket only: projects never fight over a port
        "port": "5432",
        "unix_socket_directories": quote(_list_item(str(socket_dir))),
        "unix_socket_permissions": "0700",
        "synchronous_commit": "off",  # a crash may lose the last ~0.6 s of commits; fsync stays on
    }
    lines = "".join(f"{name} = {value}\n" for name, value in settings.items())
    return f"# Written by kiln on every start; put your own settings in postgresql.conf.\n{lines}"


def quote(value: str) -> str:
    """A postgresql.conf string literal: backslashes and single quotes escaped."""
    return "'" + value.replace("\\", "\\\\").replace("'", "''") + "'"


def _list_item(path: str) -> str:
    """One element of a comma-separated list setting, double-quoted so it is taken literally."""
    return '"' + path.replace('"', '""') + '"'


def include_kiln_conf(data_dir: Path) -> None:
    """Make a fresh cluster's ``postgresql.conf`` end by reading ``kiln.conf``, so kiln's win."""
    with (data_dir / "postgresql.conf").open("a", encoding="utf-8") as conf:
        conf.write(f"\n# Settings kiln manages (socket folder, no TCP)\n{INCLUDE}\n")
