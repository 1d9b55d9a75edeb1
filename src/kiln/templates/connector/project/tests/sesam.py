"""A stand-in for a Sesam pipe, as the functional tests drive the connector with it.

No Sesam node (or package that mimics one) runs in a test, so this does what a pipe does over
real HTTP: a json source pulls by following the last ``_updated`` with ``limit``; a json sink
pushes a full sync as chained batches (fresh sequence and request ids, ``is_first``/``is_last``)
and starts over with a new sequence on a 409; an http transform posts batches. Anything but a
2xx with a JSON array (or, from the receiver, a JSON object) fails, as it fails a pipe's run.
"""

from __future__ import annotations

import base64
import json
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.error import HTTPError
from urllib.parse import urlencode
from urllib.request import Request, urlopen

import ijson

TIMEOUT = 60
Entity = dict[str, Any]


class PipeError(Exception):
    """What fails a Sesam pipe's run: a non-2xx answer, or a body that is not what it needs."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


@dataclass
class Pipe:
    """One pipe against the connector at ``url``, with its own position in the feed."""

    url: str
    username: str | None = None
    password: str | None = None
    page_size: int = 100
    batch_size: int = 100
    since: str | None = None
    restarts: int = field(default=0, init=False)

    def pull(self) -> list[Entity]:
        """Every change after ``since``, page by page, as a json source with ``page_size``."""
        return list(self.iter_pull())

    def iter_pull(self) -> Iterator[Entity]:
        while True:
            count = 0
            for entity in self.page():
                count += 1
                self.since = entity["_updated"]
                yield entity
            if count < self.page_size:
                return

    def page(self, **query: str) -> Iterator[Entity]:
        """One ``GET /entities`` from ``since``, streamed: Sesam never holds a whole page."""
        params = {"limit": str(self.page_size), **query}
        if self.since is not None:
            params["since"] = self.since
        with self._open("GET", f"/entities?{urlencode(params)}") as response:
            if not response.read(1) == b"[":
                raise PipeError("GET /entities did not answer a JSON array")
            yield from ijson.items(_Prefixed(b"[", response), "item", use_float=True)

    def push_full(self, entities: Sequence[Entity], *, attempts: int = 3) -> None:
        """A full sync: chained batches, restarted with a new sequence on a 409."""
        for _ in range(attempts):
            try:
                self._push_sequence(entities, is_full=True)
                return
            except PipeError as failure:
                if failure.status != 409:
                    raise
                self.restarts += 1
        raise PipeError(f"the full sync failed {attempts} times with 409", 409)

    def push(self, entities: Sequence[Entity]) -> None:
        """An incremental sync: chained batches, no deletion of what it does not contain."""
        self._push_sequence(entities, is_full=False)

    def push_batches(self, sequence_id: str, batches: Sequence[dict[str, Any]]) -> list[int]:
        """Requests exactly as given (``{"entities": [...], **query}``): statuses, no retries."""
        statuses = []
        for batch in batches:
            parameters = {key: value for key, value in batch.items() if key != "entities"}
            query = {"sequence_id": sequence_id, **parameters}
            try:
                self.post(f"/receiver?{urlencode(query)}", batch["entities"])
                statuses.append(200)
            except PipeError as failure:
                statuses.append(failure.status or 0)
        return statuses

    def transform(self, entities: Sequence[Entity]) -> list[Entity]:
        """Batches through ``POST /transform``, the results in order."""
        results: list[Entity] = []
        for start in range(0, max(len(entities), 1), self.batch_size):
            answer = self.post("/transform", entities[start : start + self.batch_size])
            if not isinstance(answer, list):
                raise PipeError("POST /transform did not answer a JSON array")
            results += answer
        return results

    def post(self, path: str, body: Any) -> Any:
        with self._open("POST", path, json.dumps(body).encode()) as response:
            return json.load(response)

    def _push_sequence(self, entities: Sequence[Entity], *, is_full: bool) -> None:
        sequence_id, previous = str(uuid.uuid4()), None
        starts = range(0, max(len(entities), 1), self.batch_size)
        for number, start in enumerate(starts):
            request_id = str(uuid.uuid4())
            query = {"sequence_id": sequence_id, "request_id": request_id}
            query["is_full"] = str(is_full).lower()
            if previous is not None:
                query["previous_request_id"] = previous
            if is_full:
                query["is_first"] = str(number == 0).lower()
                query["is_last"] = str(number == len(starts) - 1).lower()
            self.post(f"/receiver?{urlencode(query)}", entities[start : start + self.batch_size])
            previous = request_id

    def _open(self, method: str, path: str, data: bytes | None = None) -> Any:
        request = Request(self.url + path, data=data, method=method)
        request.add_header("Content-Type", "application/json")
        if self.username is not None:
            token = base64.b64encode(f"{self.username}:{self.password}".encode()).decode()
            request.add_header("Authorization", f"Basic {token}")
        try:
            return urlopen(request, timeout=TIMEOUT)
        except HTTPError as error:
            detail = error.read().decode(errors="replace")
            raise PipeError(
                f"{method} {path} answered {error.code}: {detail}", error.code
            ) from None


class _Prefixed:
    """A response whose first byte was read already, for ijson."""

    def __init__(self, head: bytes, rest: Any) -> None:
        self.head, self.rest = head, rest

    def read(self, size: int = -1) -> bytes:
        if size == 0:  # ijson asks for nothing first, to learn whether it gets bytes or text
            return b""
        if self.head:
            head, self.head = self.head, b""
            return head
        return self.rest.read(size)
