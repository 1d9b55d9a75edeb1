"""Optional Basic auth, from AUTH_USERNAME/AUTH_PASSWORD."""

import base64
from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient


@pytest.fixture
def guarded(app_for: Callable[..., Flask]) -> FlaskClient:
    return app_for(AUTH_USERNAME="sesam", AUTH_PASSWORD="s3cret").test_client()


def basic(username: str, password: str) -> dict[str, str]:
    token = base64.b64encode(f"{username}:{password}".encode()).decode()
    return {"Authorization": f"Basic {token}"}


@pytest.mark.parametrize("headers", [{}, basic("sesam", "wrong"), basic("other", "s3cret")])
@pytest.mark.parametrize("path", ["/entities", "/receiver", "/transform"])
def test_without_the_right_credentials_every_endpoint_is_a_json_401(
    guarded: FlaskClient, headers: dict[str, str], path: str
) -> None:
    method = guarded.get if path == "/entities" else guarded.post

    response = method(path, headers=headers, json=[])

    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Basic")
    assert response.json is not None
    assert response.json["detail"].startswith("Basic auth is required")


def test_with_them_the_request_goes_through(guarded: FlaskClient) -> None:
    response = guarded.post("/transform", headers=basic("sesam", "s3cret"), json=[{"_id": "1"}])

    assert response.status_code == 200


def test_health_stays_open_for_the_platform(guarded: FlaskClient) -> None:
    assert guarded.get("/health").status_code == 200


def test_without_settings_there_is_no_auth(client: FlaskClient) -> None:
    assert client.post("/transform", json=[]).status_code == 200
