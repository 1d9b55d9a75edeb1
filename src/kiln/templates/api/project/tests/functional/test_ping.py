"""``GET /ping``."""

from flask.testing import FlaskClient


def test_ping_answers_pong(client: FlaskClient) -> None:
    response = client.get("/ping")
    assert response.status_code == 200
    assert response.get_json() == {"status": "success", "message": "pong!"}
