"""``POST /receiver``: what a Sesam json sink (or http endpoint) pushes, stored and passed on.

The body is a JSON array, read one entity at a time; the query parameters place the request in
its sync (fullsync.py). Each batch is written to the store and to the external system, if there
is one; on a full sync's last request, whatever the sync did not contain is deleted in both. One
transaction per request: a request that fails leaves the store as it was, and Sesam retries.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import islice
from typing import Any, TypeVar

from flask import Blueprint, request
from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from werkzeug.exceptions import Conflict

from .. import store, system
from ..errors import bad_request
from ..extensions import db
from ..fullsync import BrokenChainError, Chain, InvalidParameterError, Push
from ..jsonstream import NotAnArrayError, iter_array
from ..models import ReceiverState

bp = Blueprint("receiver", __name__)

STATE_ROW = 1
T = TypeVar("T")


@bp.post("/receiver")
def receive() -> dict[str, int]:
    try:
        push = Push.from_query(request.args)
    except InvalidParameterError as error:
        raise bad_request(str(error)) from None
    state = _locked_state() if push.sequence_id is not None else None
    if state is not None:
        chain = Chain(state.sequence_id, state.last_request_id, state.is_full)
        try:
            chain = chain.accept(push)
        except BrokenChainError as error:
            raise Conflict(description=f"{error}; start a new sequence") from None
        state.sequence_id, state.last_request_id = chain.sequence_id, chain.last_request_id
        state.is_full = chain.is_full
    sync_sequence = push.sequence_id if push.is_full else None
    received = _store_and_pass_on(iter_array(request.stream), sync_sequence)
    deleted = 0
    if push.is_full and push.is_last and push.sequence_id is not None:
        deleted = store.delete_missing(db.session, push.sequence_id)
        external = system.current()
        if external is not None:
            for batch in _batches(store.deleted_missing(db.session, push.sequence_id)):
                external.write(batch)
    db.session.commit()
    return {"received": received, "deleted": deleted}


def _store_and_pass_on(entities: Iterator[dict[str, Any]], sync_sequence: str | None) -> int:
    external = system.current()
    count = 0
    try:
        for batch in _batches(entities):
            count += store.write(db.session, batch, sync_sequence=sync_sequence)
            if external is not None:
                external.write(batch)
    except (NotAnArrayError, store.InvalidEntityError) as error:
        raise bad_request(str(error)) from None
    return count


def _locked_state() -> ReceiverState:
    """The chain's one row, locked until this request ends: pushes of a sync take turns."""
    db.session.execute(insert(ReceiverState).values(id=STATE_ROW).on_conflict_do_nothing())
    locked = select(ReceiverState).where(ReceiverState.id == STATE_ROW).with_for_update()
    return db.session.execute(locked).scalar_one()


def _batches(items: Iterable[T]) -> Iterator[list[T]]:
    iterator = iter(items)
    while batch := list(islice(iterator, store.BATCH)):
        yield batch
