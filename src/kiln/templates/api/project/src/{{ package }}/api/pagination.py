"""Lists, one page at a time: ``?page=1&per_page=20``, at most 100 per page.

The body stays a plain JSON array; the ``X-Total-Count`` and ``Link`` (RFC 8288) headers say how
many rows there are and where the first, previous, next and last pages are. The links are
relative to the request's URL: built from the client's ``Host`` header, they would let anyone who
can set it (a cache, a proxy) point them elsewhere.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any, ClassVar, TypeVar

import marshmallow as ma
from flask import request, url_for
from sqlalchemy import Select, func, select

from ..extensions import db
from .fields import whole_number

DEFAULT_PER_PAGE = 20
MAX_PER_PAGE = 100
Row = TypeVar("Row")

# The response headers, for the OpenAPI document.
HEADERS = {
    "X-Total-Count": {
        "description": "How many rows there are, on every page",
        "schema": {"type": "integer"},
        "required": True,
    },
    "Link": {
        "description": "The first, previous, next and last pages: </users?page=2&per_page=20>; "
        'rel="next", ...',
        "schema": {"type": "string"},
        "required": True,
    },
}


class PageArgs(ma.Schema):
    error_messages: ClassVar[dict[str, str]] = {"unknown": "is not a known query parameter"}

    page = whole_number(load_default=1, metadata={"description": "counts from 1"})
    per_page = whole_number(maximum=MAX_PER_PAGE, load_default=DEFAULT_PER_PAGE)


def page_of(
    query: Select[tuple[Row]], args: Mapping[str, Any]
) -> tuple[Sequence[Row], dict[str, str]]:
    """The rows of one page of ``query`` (which must be ordered), and the headers about it.

    ``args`` are the list's validated query parameters: ``page``, ``per_page`` and the filters,
    which the links repeat.
    """
    page, per_page = args["page"], args["per_page"]
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    offset = (page - 1) * per_page
    rows: Sequence[Row] = []
    # A page past the end is empty without a query, which keeps huge offsets from the database.
    if offset < total:
        rows = db.session.scalars(query.offset(offset).limit(per_page)).all()
    headers = {"X-Total-Count": str(total), "Link": _links(args, total)}
    return rows, headers


def _links(args: Mapping[str, Any], total: int) -> str:
    page, per_page = args["page"], args["per_page"]
    last = max(1, math.ceil(total / per_page))
    pages = {"first": 1}
    if page > 1:
        pages["prev"] = min(page - 1, last)
    if page < last:
        pages["next"] = page + 1
    pages["last"] = last
    filters = {name: _text(value) for name, value in args.items() if value is not None}
    links = []
    for rel, number in pages.items():
        url = url_for(request.endpoint or "", **{**filters, "page": number})
        links.append(f'<{url}>; rel="{rel}"')
    return ", ".join(links)


def _text(value: object) -> str:
    """A query parameter's value as a client writes it: ``true``, not ``True``."""
    return str(value).lower() if isinstance(value, bool) else str(value)
