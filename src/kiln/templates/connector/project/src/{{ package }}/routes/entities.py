"""``GET /entities?since=&limit=&subset=``: the store's changes, as a Sesam json source pulls them.

Always 200 with a JSON array, streamed; every entity carries ``_updated``, the token Sesam sends
back as ``since`` (exclusive: the next page starts after it). Declare the source
``is_chronological`` and ``is_since_comparable`` and Sesam pages with ``limit``.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator

from flask import Blueprint, Response, request
from werkzeug.exceptions import NotFound

from .. import store
from ..errors import bad_request
from ..extensions import db
from ..jsonstream import array_chunks
from ..subsets import UnknownSubsetError, subset_filter
from ..tokens import InvalidTokenError, parse_token

bp = Blueprint("entities", __name__)
logger = logging.getLogger(__name__)


@bp.get("/entities")
def entities() -> Response:
    since, limit, subset = request.args.get("since"), request.args.get("limit"), None
    try:
        position = parse_token(since) if since else None
    except InvalidTokenError as error:
        raise bad_request(f"since: {error}") from None
    if limit is not None and not (limit.isascii() and limit.isdigit() and int(limit) > 0):
        raise bad_request(f"limit must be a whole number of at least 1, not {limit!r}")
    if "subset" in request.args:
        try:
            subset = subset_filter(request.args["subset"])
        except UnknownSubsetError as error:
            raise NotFound(description=str(error)) from None
    # A connection of its own: the answer is streamed after this view has returned.
    connection = db.engine.connect()
    try:
        rows = store.feed(
            connection, since=position, limit=int(limit) if limit else None, subset=subset
        )
    except BaseException:
        connection.close()
        raise
    response = Response(_logged(array_chunks(rows)), mimetype="application/json")
    response.call_on_close(connection.close)
    return response


def _logged(chunks: Iterator[str]) -> Iterator[str]:
    """A failure mid-stream is logged, then cuts the answer short: Sesam's parse fails."""
    try:
        yield from chunks
    except Exception:
        logger.exception("the feed failed while streaming; the answer is cut short")
        raise
