"""Run by the project's Python from its folder: small questions and chores on its kiln server.

``url DB`` prints the socket URL of a database, ``pg-ctl`` the pg_ctl kiln's server would use,
``server-dir`` where the cluster lives, ``destroy`` stops the server and deletes the cluster.
"""

from __future__ import annotations

import sys

from kiln.postgres import EmbeddedServer
from kiln.project import find_project


def main(command: str, *args: str) -> None:
    server = EmbeddedServer(find_project())
    if command == "url":
        print(server.url(args[0]))
    elif command == "pg-ctl":
        print(server.binaries.tool("pg_ctl"))
    elif command == "server-dir":
        print(server.layout.server_dir)
    elif command == "destroy":
        server.destroy()
    else:
        raise SystemExit(f"unknown command {command!r}")


if __name__ == "__main__":
    main(*sys.argv[1:])
