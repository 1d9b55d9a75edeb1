"""Security headers on every response the app makes.

- ``X-Content-Type-Options: nosniff``: a browser never reads a JSON answer as a page or a script.
- ``Content-Security-Policy``: a JSON answer may load nothing and be framed by no page. An HTML
  page (the docs page, Flask-Admin in development) loads only the app's own files, and runs only
  the inline scripts that carry this request's nonce (``csp_nonce()`` in a template).
- ``X-Frame-Options: DENY``: the same refusal to be framed, for browsers without CSP.
- ``Strict-Transport-Security`` where ``STRICT_TRANSPORT_SECURITY`` is on (production): browsers
  that once reached the app over HTTPS never use plain HTTP for it again.
"""

from __future__ import annotations

import secrets

from flask import Flask, current_app, request
from werkzeug.wrappers import Response

API_POLICY = "default-src 'none'; frame-ancestors 'none'"
PAGE_POLICY = (
    "default-src 'self'; script-src 'self' 'nonce-{nonce}'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'"
)
HSTS = "max-age=63072000; includeSubDomains"
_NONCE = "csp.nonce"  # kept in the request's WSGI environment: one per request


def init_app(app: Flask) -> None:
    """Add the headers to every response; register this first, so that they reach the answers
    other ``after_request`` functions make too (Flask runs them last registered first)."""
    app.after_request(_add_headers)
    app.context_processor(lambda: {"csp_nonce": csp_nonce})


def csp_nonce() -> str:
    """This request's nonce for inline scripts, made on first use."""
    environ = request.environ
    if _NONCE not in environ:
        environ[_NONCE] = secrets.token_urlsafe(16)
    return environ[_NONCE]


def _add_headers(response: Response) -> Response:
    headers = response.headers
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    page = response.mimetype == "text/html"
    headers.setdefault(
        "Content-Security-Policy", PAGE_POLICY.format(nonce=csp_nonce()) if page else API_POLICY
    )
    if current_app.config["STRICT_TRANSPORT_SECURITY"]:
        headers.setdefault("Strict-Transport-Security", HSTS)
    return response
