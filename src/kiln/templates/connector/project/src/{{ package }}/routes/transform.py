"""``POST /transform``: a Sesam http transform sends a batch, gets back 0..n entities for each.

The batch is read one entity at a time and the result written to a spooled file (memory up to
``SPOOL_BYTES``, disk beyond), then streamed back: memory stays flat, and a transform that fails
halfway answers an error, never a partial array.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from tempfile import SpooledTemporaryFile

from flask import Blueprint, Response, request

from ..errors import bad_request
from ..jsonstream import CHUNK, NotAnArrayError, array_chunks, iter_array
from ..transform import transform

bp = Blueprint("transform", __name__)

SPOOL_BYTES = 8 * 1024 * 1024


@bp.post("/transform")
def transform_batch() -> Response:
    # Closed when the answer has been sent (call_on_close), not when this function returns.
    spool = SpooledTemporaryFile(max_size=SPOOL_BYTES, mode="w+", encoding="utf-8")  # noqa: SIM115
    try:
        for chunk in array_chunks(_transformed()):
            spool.write(chunk)
    except NotAnArrayError as error:
        spool.close()
        raise bad_request(str(error)) from None
    except BaseException:
        spool.close()
        raise
    spool.seek(0)
    response = Response(_read(spool), mimetype="application/json")
    response.call_on_close(spool.close)
    return response


def _transformed() -> Iterator[str]:
    for entity in iter_array(request.stream):
        for result in transform(entity):
            yield json.dumps(result, ensure_ascii=False)


def _read(spool: SpooledTemporaryFile[str]) -> Iterator[str]:
    while chunk := spool.read(CHUNK):
        yield chunk
