"""PostgreSQL for a project: the embedded server kiln runs, or an external one (``DATABASE_URL``).

``server_for`` picks one; both offer the same :class:`Server` interface, so callers never care.
"""

from __future__ import annotations

from kiln.postgres.embedded import EmbeddedServer
from kiln.postgres.external import ExternalServer
from kiln.postgres.server import Progress, Server, Status, quiet
from kiln.project import Project

__all__ = [
    "EmbeddedServer",
    "ExternalServer",
    "Progress",
    "Server",
    "Status",
    "quiet",
    "server_for",
]


def server_for(project: Project, database_url: str | None) -> Server:
    """The external server ``database_url`` names, else the project's embedded one."""
    return ExternalServer(database_url) if database_url else EmbeddedServer(project)
