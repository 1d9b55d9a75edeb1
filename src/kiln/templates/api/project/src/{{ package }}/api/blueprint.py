"""flask-smorest's Blueprint with the rules every endpoint of this API shares.

- A body is JSON: another content type is a 415, malformed JSON a 400 that says why.
- Invalid input is a 400 (webargs would say 422) naming each invalid field (errors.py), an
  unknown query parameter included (webargs would ignore it, and a typo would go unnoticed).
- ``login_required`` and ``admin_required`` check the caller's token before the body is read,
  and put the requirement in the OpenAPI document; ``login_optional`` reads a token when one is
  sent, for views that show more to some callers.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import wraps
from typing import Any, ClassVar, TypeVar

import flask_smorest
import marshmallow as ma
from flask import Request, abort, request
from webargs.core import is_json
from webargs.flaskparser import FlaskParser

from . import access

View = TypeVar("View", bound=Callable[..., Any])
# The security scheme openapi.py declares: a JWT in Authorization: Bearer <token>.
BEARER_AUTH = "bearerAuth"


class Parser(FlaskParser):
    """webargs' parser for Flask, stricter about bodies.

    webargs reads a body sent as another content type as no body at all (so every field would be
    "required"), and lets JSON nested thousands deep escape as a RecursionError, a 500. A lone
    surrogate (``"\\ud800"``) is valid JSON syntax but no Unicode text: I-JSON (RFC 7493)
    forbids it, and no text column could store it.
    """

    DEFAULT_VALIDATION_STATUS = 400
    DEFAULT_UNKNOWN_BY_LOCATION: ClassVar[dict[str, str | None]] = {
        **FlaskParser.DEFAULT_UNKNOWN_BY_LOCATION,
        "query": ma.RAISE,
    }

    def load_json(self, req: Request, schema: ma.Schema) -> Any:
        if not is_json(req.mimetype):
            abort(415, description="Send the body as JSON, with Content-Type: application/json")
        try:
            body = json.loads(req.get_data(cache=True))
        except ValueError as error:
            abort(400, description=f"The request body is not valid JSON: {error}")
        except RecursionError:
            abort(400, description="The request body is not valid JSON: it is nested too deeply")
        if _has_lone_surrogate(body):
            abort(400, description="The request body is not valid JSON: it holds a lone surrogate")
        return body


def _has_lone_surrogate(value: Any) -> bool:
    if isinstance(value, str):
        return not value.isascii() and any("\ud800" <= char <= "\udfff" for char in value)
    if isinstance(value, dict):
        return any(_has_lone_surrogate(k) or _has_lone_surrogate(v) for k, v in value.items())
    if isinstance(value, list):
        return any(map(_has_lone_surrogate, value))
    return False


class Blueprint(flask_smorest.Blueprint):
    ARGUMENTS_PARSER = Parser()

    def login_required(self, view: View) -> View:
        """The view needs an access token: 401 without a valid one."""
        return self._guard(view, admin=False)

    def admin_required(self, view: View) -> View:
        """The view needs an admin's access token: 401 without a valid one, 403 for others."""
        return self._guard(view, admin=True)

    def login_optional(self, view: View) -> View:
        """Anyone may call the view; a token, if sent, must be valid (401) and names the caller
        (``access.caller()``)."""

        @wraps(view)
        def identified(*args: Any, **kwargs: Any) -> Any:
            if "Authorization" in request.headers:
                access.authenticate()
            return view(*args, **kwargs)

        documented = self.doc(security=[{}, {BEARER_AUTH: []}])(identified)
        return self.alt_response(401, response="UNAUTHORIZED")(documented)

    def _guard(self, view: View, *, admin: bool) -> View:
        @wraps(view)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            user = access.authenticate()
            if admin and not user.is_admin:
                abort(403, description="Only an admin may do this")
            return view(*args, **kwargs)

        documented = self.doc(security=[{BEARER_AUTH: []}])(guarded)
        documented = self.alt_response(401, response="UNAUTHORIZED")(documented)
        if admin:
            documented = self.alt_response(403, response="FORBIDDEN")(documented)
        return documented
