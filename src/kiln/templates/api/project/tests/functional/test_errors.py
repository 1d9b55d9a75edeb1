"""Every error answers JSON, whatever the client sent."""

import pytest
from flask import Flask
from flask.testing import FlaskClient


def test_unknown_route(client: FlaskClient) -> None:
    response = client.get("/nope")
    assert response.status_code == 404
    assert response.is_json
    assert "message" in response.get_json()


def test_method_not_allowed_keeps_the_allow_header(client: FlaskClient) -> None:
    response = client.delete("/ping")
    assert response.status_code == 405
    assert response.is_json
    assert "GET" in response.headers["Allow"]


@pytest.mark.parametrize("body", [b"{not json", b"", b"\xff"])
def test_malformed_json(client: FlaskClient, body: bytes) -> None:
    response = client.post("/users", data=body, content_type="application/json")
    assert response.status_code == 400
    assert response.get_json()["message"].startswith("The request body is not valid JSON")


def test_json_nested_too_deeply(client: FlaskClient) -> None:
    response = client.post("/users", data="[" * 100_000, content_type="application/json")
    assert response.status_code == 400
    assert response.get_json()["message"].endswith("nested too deeply")


def test_body_that_is_not_json(client: FlaskClient) -> None:
    response = client.post("/users", data="username=ada", content_type="text/plain")
    assert response.status_code == 415
    assert "application/json" in response.get_json()["message"]


def test_body_too_large(app: Flask, client: FlaskClient) -> None:
    too_large = b" " * (app.config["MAX_CONTENT_LENGTH"] + 1)
    response = client.post("/users", data=too_large, content_type="application/json")
    assert response.status_code == 413
    assert response.is_json
