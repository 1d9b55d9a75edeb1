"""The entity store's reads and writes, in SQL: the feed's order is the whole point of it.

**The trap**: a feed ordered by a plain sequence (or a timestamp) loses entities when writers
run concurrently. A transaction takes number 7, another takes 8 and commits first; a reader
serves 8 and moves its ``since`` past 7, which commits a moment later and is never delivered.
**The fix**: each row records the id of the transaction that wrote it, and the feed serves only
rows written by transactions older than the oldest one still running
(``pg_snapshot_xmin(pg_current_snapshot())``): a late commit is then still ahead of every
reader, and comes through on its next read. Rows one push writes share a transaction id, so
the sequence number orders them within it (tokens.py).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator, Mapping
from itertools import islice
from typing import Any

from sqlalchemy import Connection, text
from sqlalchemy.orm import Session

from .models import CHANGES_SEQUENCE
from .tokens import TOKEN_SQL, Position

# Entities per INSERT statement, and rows per fetch of the feed's server-side cursor.
# How json.dumps writes a NUL character (an escaped backslash before "u0000" is not one).
_NUL = re.compile(r"(?<!\\)(?:\\\\)*\\u0000")
BATCH = 1000
# A server-side cursor, read BATCH rows at a time. (SQLAlchemy's yield_per does not reach a
# text() query's result: without an explicit size, partitions() would fetch every row at once.)
_STREAMED = {"stream_results": True, "max_row_buffer": BATCH}

_FEED = f"""
SELECT (body || jsonb_build_object('_updated', {TOKEN_SQL}))::text
FROM entities
WHERE xid < (SELECT pg_snapshot_xmin(pg_current_snapshot()))
  {{since}} {{subset}}
ORDER BY xid, seq
{{limit}}
"""

_CHANGED = "(entities.body, entities.deleted) IS DISTINCT FROM (excluded.body, excluded.deleted)"
# One statement per batch, the batch one JSON array: PostgreSQL takes it apart, keeps the last of
# an _id pushed twice, and stores each entity without its _updated. An entity stored unchanged
# keeps its place in the feed: Sesam is not sent it again.
_UPSERT = text(
    f"""
INSERT INTO entities (id, body, deleted, sync_sequence)
SELECT entity ->> '_id', entity - '_updated', coalesce(entity -> '_deleted' = 'true', false),
       :sync_sequence
FROM (
  SELECT DISTINCT ON (entity ->> '_id') entity, position
  FROM jsonb_array_elements(CAST(:batch AS jsonb)) WITH ORDINALITY AS pushed (entity, position)
  ORDER BY entity ->> '_id', position DESC
) AS latest
ORDER BY position
ON CONFLICT (id) DO UPDATE SET
  body = excluded.body,
  deleted = excluded.deleted,
  sync_sequence = excluded.sync_sequence,
  xid = CASE WHEN {_CHANGED} THEN pg_current_xact_id() ELSE entities.xid END,
  seq = CASE WHEN {_CHANGED} THEN nextval('{CHANGES_SEQUENCE}') ELSE entities.seq END
WHERE (entities.body, entities.deleted, entities.sync_sequence)
  IS DISTINCT FROM (excluded.body, excluded.deleted, excluded.sync_sequence)
"""
)

_DELETE_MISSING = text(
    f"""
UPDATE entities
SET deleted = true, body = body || '{{"_deleted": true}}'::jsonb,
    xid = pg_current_xact_id(), seq = nextval('{CHANGES_SEQUENCE}')
WHERE NOT deleted AND sync_sequence IS DISTINCT FROM :sync_sequence
"""
)

_DELETED_NOW = text(
    """
SELECT body FROM entities
WHERE deleted AND xid = pg_current_xact_id() AND sync_sequence IS DISTINCT FROM :sync_sequence
"""
)


def feed(
    connection: Connection,
    *,
    since: Position | None = None,
    limit: int | None = None,
    subset: Mapping[str, Any] | None = None,
) -> Iterator[str]:
    """The changes after ``since``, oldest first, each an entity's JSON text with ``_updated``.

    The query runs now, so a database that fails does so before an answer starts; the rows
    come through a server-side cursor, ``BATCH`` at a time: a feed of any length in flat
    memory. ``subset`` keeps the entities whose body contains it (``@>``).
    """
    params: dict[str, Any] = {}
    where_since = where_subset = limit_clause = ""
    if since is not None:
        where_since = "AND (xid, seq) > (CAST(CAST(:xid AS text) AS xid8), :seq)"
        params |= {"xid": str(since.xid), "seq": since.seq}
    if subset is not None:
        where_subset = "AND body @> CAST(:subset AS jsonb)"
        params["subset"] = json.dumps(subset)
    if limit is not None:
        limit_clause = "LIMIT :limit"
        params["limit"] = limit
    query = _FEED.format(since=where_since, subset=where_subset, limit=limit_clause)
    result = connection.execution_options(**_STREAMED).execute(text(query), params)
    return (row[0] for partition in result.partitions(BATCH) for row in partition)


def write(
    session: Session, entities: Iterable[Mapping[str, Any]], *, sync_sequence: str | None = None
) -> int:
    """Store ``entities`` (``_deleted: true`` ones as deleted), ``BATCH`` at a time; how many.

    ``sync_sequence`` marks them as contained in that full sync (``delete_missing``).
    """
    count = 0
    iterator = iter(entities)
    while batch := list(islice(iterator, BATCH)):
        for entity in batch:
            _check(entity)
        text = json.dumps(batch, ensure_ascii=False)
        if _NUL.search(text):
            raise InvalidEntityError(
                "an entity holds a NUL character (\\u0000), which PostgreSQL cannot store in JSON; "
                "drop or replace it upstream"
            )
        params = {"batch": text, "sync_sequence": sync_sequence}
        session.execute(_UPSERT, params)
        count += len(batch)
    return count


def delete_missing(session: Session, sync_sequence: str) -> int:
    """Delete every entity the full sync ``sync_sequence`` did not contain; how many."""
    result = session.execute(_DELETE_MISSING, {"sync_sequence": sync_sequence})
    return int(result.rowcount)


def deleted_missing(session: Session, sync_sequence: str) -> Iterator[dict[str, Any]]:
    """The entities ``delete_missing`` just deleted in this transaction, ``BATCH`` at a time."""
    result = session.execute(
        _DELETED_NOW, {"sync_sequence": sync_sequence}, execution_options=_STREAMED
    )
    return (row[0] for partition in result.partitions(BATCH) for row in partition)


class InvalidEntityError(ValueError):
    """An entity the store cannot take: no string ``_id``, or a NUL character."""


def _check(entity: Mapping[str, Any]) -> None:
    if not isinstance(entity.get("_id"), str) or not entity["_id"]:
        raise InvalidEntityError(
            "every entity needs a non-empty string _id; this one has none: "
            f"{json.dumps(entity)[:200]}"
        )
