"""The OpenAPI document and the docs page: generated from the code, complete, and offline.

The page is loaded in a real headless Chromium, the system's own (Debian: ``apt-get install
chromium``), driven by Playwright; without one, that test is skipped and says why.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from playwright.sync_api import Browser, sync_playwright

# Served by the app but no operation of the API: static files, the document and the docs page.
NOT_OPERATIONS = {"static", "api-docs", "docs_assets"}
# What orchestrators and the image's HEALTHCHECK call: the document must describe them.
PROBES = {("GET", "/ping"), ("GET", "/health")}
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome")
# Each operation Swagger UI rendered: its method and path.
SHOWN = """blocks => blocks.map(block => [
    block.querySelector(".opblock-summary-method").textContent,
    block.querySelector(".opblock-summary-path").dataset.path,
])"""


def documented(client: FlaskClient) -> set[tuple[str, str]]:
    """Each operation ``/openapi.json`` describes: its method and path."""
    document = client.get("/openapi.json").get_json()
    assert document["openapi"].startswith("3.")
    return {
        (method.upper(), path)
        for path, item in document["paths"].items()
        for method in item
        if method != "parameters"  # what every operation of the path shares
    }


def served(app: Flask) -> set[tuple[str, str]]:
    """Each operation the app answers, its path written as OpenAPI does (``/users/{user_id}``)."""
    return {
        (method, re.sub(r"<(?:[^>]*:)?(\w+)>", r"{\1}", rule.rule))
        for rule in app.url_map.iter_rules()
        if rule.endpoint.partition(".")[0] not in NOT_OPERATIONS
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }


def test_the_document_describes_every_operation_the_app_serves(
    app: Flask, client: FlaskClient
) -> None:
    operations = documented(client)

    assert operations >= PROBES
    undocumented = served(app) - operations
    assert not undocumented, (
        "served but missing from /openapi.json: register the blueprint with "
        "api.register_blueprint (app.py) and declare its answers with @blp.response"
    )
    assert operations <= served(app)


def test_writes_declare_the_bearer_token(client: FlaskClient) -> None:
    document = client.get("/openapi.json").get_json()

    assert document["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
    users = document["paths"]["/users"]
    assert users["post"]["security"] == [{"bearerAuth": []}]
    assert users["get"]["security"] == [{}, {"bearerAuth": []}]  # optional: admins see more
    problem = document["components"]["responses"]["UNAUTHORIZED"]["content"]
    assert list(problem) == ["application/problem+json"]


def test_the_docs_page_loads_its_assets_from_the_app(client: FlaskClient) -> None:
    page = client.get("/docs")

    assert page.status_code == 200
    assets = re.findall(r'(?:src|href)="([^"]+)"', page.text)
    assert "/docs/assets/swagger-ui-bundle.js" in assets
    assert all(asset.startswith("/docs/assets/") for asset in assets)  # nothing from elsewhere
    script = client.get("/docs/assets/swagger-ui-bundle.js")
    assert script.status_code == 200
    assert script.mimetype == "text/javascript"


def chromium() -> str | None:
    """The system's Chromium: ``CHROMIUM`` if set, else the first of the usual names on PATH."""
    return os.environ.get("CHROMIUM") or next(
        (found for name in CHROMIUM_NAMES if (found := shutil.which(name))), None
    )


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    executable = chromium()
    if executable is None:
        pytest.skip(
            "no Chromium here: install it (Debian: apt-get install chromium) or set CHROMIUM "
            "to its path, to load the docs page in a browser"
        )
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable)
        yield browser
        browser.close()


def test_the_docs_page_shows_every_operation_without_leaving_the_app(
    browser: Browser, live_server: str, client: FlaskClient
) -> None:
    page = browser.new_page()
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))

    page.goto(f"{live_server}/docs")
    page.wait_for_selector(".opblock", timeout=15_000)

    shown = page.eval_on_selector_all(".opblock", SHOWN)
    assert {(method, path) for method, path in shown} == documented(client)
    origin = urlsplit(live_server).netloc
    assert {urlsplit(url).netloc for url in requested} == {origin}
