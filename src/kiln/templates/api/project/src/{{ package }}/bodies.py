"""Request bodies sent in chunks (``Transfer-Encoding: chunked``, no ``Content-Length``).

Werkzeug reads such a body only up to ``MAX_CONTENT_LENGTH`` and stops there without a word, so
a longer one arrived cut short (and was then "not valid JSON"); and a server's error for broken
chunk framing (gunicorn's ``InvalidChunkSize``) escaped as a 500. This request class reads the
whole body first: past the limit is a 413, framing the server cannot decode a 400.
"""

from __future__ import annotations

import io
from typing import IO

import flask
from werkzeug.exceptions import BadRequest, RequestEntityTooLarge
from werkzeug.utils import cached_property

_CHUNK = 64 * 1024


class Request(flask.Request):
    @cached_property
    def stream(self) -> IO[bytes]:
        if self.content_length is not None or not self.environ.get("wsgi.input_terminated"):
            return super().stream  # a Content-Length, which Werkzeug enforces itself
        return io.BytesIO(self._chunked_body())

    def _chunked_body(self) -> bytes:
        limit = self.max_content_length
        try:
            body = _read(self.environ["wsgi.input"], None if limit is None else limit + 1)
        # Whatever the server raises while decoding the chunks: its exception classes are its own.
        except Exception:
            raise BadRequest(
                "The request body could not be read: its chunked encoding is malformed, or the "
                "connection broke"
            ) from None
        if limit is not None and len(body) > limit:
            raise RequestEntityTooLarge()
        return body


def _read(stream: IO[bytes], most: int | None) -> bytes:
    """Up to ``most`` bytes of ``stream`` (all of it for ``None``)."""
    body = bytearray()
    while most is None or len(body) < most:
        chunk = stream.read(_CHUNK if most is None else min(_CHUNK, most - len(body)))
        if not chunk:
            break
        body += chunk
    return bytes(body)
