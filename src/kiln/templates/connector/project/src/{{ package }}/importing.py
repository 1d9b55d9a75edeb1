"""``flask import-entities``: the external system's entities into the store, as a full sync.

New and changed entities reach the feed with new ``_updated`` tokens, unchanged ones keep
theirs, and those the system no longer holds are deleted: Sesam's next pull sees exactly the
difference. Run it on a schedule (cron, a Sesam-triggered job) as the source requires.
"""

from __future__ import annotations

import uuid

import click
from flask.cli import with_appcontext

from . import store, system
from .extensions import db


@click.command("import-entities")
@with_appcontext
def import_command() -> None:
    """Store what the external system holds now; delete what it no longer holds."""
    external = system.current()
    if external is None:
        raise click.ClickException(
            "there is no external system: set SYSTEM_FOLDER, or return yours from "
            "connect() in system.py"
        )
    try:
        sequence = f"import-{uuid.uuid4()}"
        stored = store.write(db.session, external.read(), sync_sequence=sequence)
        deleted = store.delete_missing(db.session, sequence)
    except system.UpstreamError as error:
        db.session.rollback()
        raise click.ClickException(
            f"the external system failed, nothing changed: {error}"
        ) from None
    db.session.commit()
    click.echo(f"{stored} entities read, {deleted} deleted")
