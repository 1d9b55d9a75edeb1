"""Every error is a problem (RFC 9457), whatever the client sent; none is a 500."""

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

# A public endpoint that reads a JSON body.
REGISTER = "/auth/register"


def problem(response: TestResponse, status: int) -> dict[str, object]:
    """The body of ``response``, after checking it is a problem with this status."""
    assert response.status_code == status
    assert response.mimetype == "application/problem+json"
    body = response.get_json()
    assert body["status"] == status
    assert body["type"] == "about:blank"
    assert body["title"]
    assert body["detail"]
    assert set(body) <= {"type", "title", "status", "detail", "errors"}
    return body


def test_unknown_route(client: FlaskClient) -> None:
    body = problem(client.get("/nope"), 404)
    assert body["title"] == "Not Found"


def test_method_not_allowed_keeps_the_allow_header(client: FlaskClient) -> None:
    response = client.delete("/ping")
    problem(response, 405)
    assert "GET" in response.headers["Allow"]


@pytest.mark.parametrize("body", [b"{not json", b"", b"\xff", b'{"username": "ada",}', b"1" * 5000])
def test_malformed_json(client: FlaskClient, body: bytes) -> None:
    response = client.post(REGISTER, data=body, content_type="application/json")
    assert problem(response, 400)["detail"].startswith("The request body is not valid JSON")


@pytest.mark.parametrize(
    "body", [r'{"username": "\ud800"}', r'{"x": ["a", "\udfff b"]}', r'{"\ud83d": 1}']
)
def test_a_lone_surrogate_is_not_unicode_text(client: FlaskClient, body: str) -> None:
    response = client.post(REGISTER, data=body, content_type="application/json")
    detail = problem(response, 400)["detail"]
    assert detail == "The request body is not valid JSON: it holds a lone surrogate"


def test_json_nested_too_deeply(client: FlaskClient) -> None:
    response = client.post(REGISTER, data="[" * 100_000, content_type="application/json")
    assert problem(response, 400)["detail"].endswith("nested too deeply")


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", None])
def test_a_body_that_is_not_json(client: FlaskClient, content_type: str | None) -> None:
    response = client.post(REGISTER, data="username=ada", content_type=content_type)
    assert "application/json" in problem(response, 415)["detail"]


def test_body_too_large(app: Flask, client: FlaskClient) -> None:
    too_large = b" " * (app.config["MAX_CONTENT_LENGTH"] + 1)
    response = client.post(REGISTER, data=too_large, content_type="application/json")
    problem(response, 413)


@pytest.mark.parametrize(
    ("payload", "errors"),
    [
        (
            {"username": 7, "email": None, "password": ["x"]},
            {
                "username": "must be a string",
                "email": "must not be null",
                "password": "must be a string",
            },
        ),
        (
            {"username": "ada\x00", "email": "ada@example.com", "password": "long enough"},
            {"username": "must not contain control characters"},
        ),
        (
            {"username": "ada", "email": "ada@example.com", "password": "long enough", "x": 1},
            {"x": "is not a field of a user"},
        ),
    ],
)
def test_wrong_types_and_unknown_fields_are_named(
    client: FlaskClient, payload: dict[str, object], errors: dict[str, str]
) -> None:
    body = problem(client.post(REGISTER, json=payload), 400)
    assert body["errors"] == errors


@pytest.mark.parametrize("payload", ["[]", '"ada"', "3", "null"])
def test_a_body_that_is_not_an_object(client: FlaskClient, payload: str) -> None:
    body = problem(client.post(REGISTER, data=payload, content_type="application/json"), 400)
    assert body["detail"] == "The request body must be a JSON object"


def test_an_unexpected_failure_is_a_problem_without_its_reason(
    app: Flask, client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken() -> None:
        raise RuntimeError("the database password is hunter2")

    monkeypatch.setitem(app.view_functions, "ping.ping", broken)
    monkeypatch.setattr(app, "testing", False)  # as in production: a 500, not a traceback

    body = problem(client.get("/ping"), 500)
    assert "hunter2" not in str(body)
