"""``GET /entities``, pulled as a Sesam json source pulls: following ``_updated`` with ``limit``."""

from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sesam import Pipe


def people(count: int, **extra: object) -> list[dict[str, object]]:
    return [{"_id": f"p{number}", "type": "person", **extra} for number in range(count)]


def test_a_pull_pages_through_every_entity_once_in_order(pipe: Pipe) -> None:
    pipe.push(people(23))

    pulled = Pipe(pipe.url, page_size=5).pull()

    assert [entity["_id"] for entity in pulled] == [f"p{number}" for number in range(23)]
    tokens = [entity["_updated"] for entity in pulled]
    assert tokens == sorted(set(tokens))


def test_the_next_pull_gets_only_what_changed_since(pipe: Pipe) -> None:
    pipe.push(people(3))
    pipe.pull()

    pipe.push([{"_id": "p1", "type": "person", "name": "Ada"}, {"_id": "p2", "_deleted": True}])

    changed = pipe.pull()
    assert [(entity["_id"], entity.get("_deleted", False)) for entity in changed] == [
        ("p1", False),
        ("p2", True),
    ]
    assert pipe.pull() == []


def test_since_is_exclusive(pipe: Pipe) -> None:
    pipe.push(people(3))
    first = next(pipe.page(limit="1"))

    after = list(pipe.page(since=first["_updated"]))

    assert [entity["_id"] for entity in after] == ["p1", "p2"]


def test_a_subset_serves_the_entities_it_names(pipe: Pipe) -> None:
    pipe.push([{"_id": "o1", "type": "order"}, {"_id": "c1", "type": "customer"}])

    assert [entity["_id"] for entity in pipe.page(subset="orders")] == ["o1"]


@pytest.mark.parametrize(
    ("query", "status", "detail"),
    [
        ("subset=planets", 404, "there is no subset 'planets'; the known ones: customers, orders"),
        ("since=2024-01-01", 400, "since: '2024-01-01' is not an _updated value"),
        ("limit=0", 400, "limit must be a whole number of at least 1, not '0'"),
    ],
)
def test_a_bad_query_is_a_json_client_error(
    client: FlaskClient, query: str, status: int, detail: str
) -> None:
    response = client.get(f"/entities?{query}")

    assert response.status_code == status
    assert response.json is not None
    assert response.json["detail"].startswith(detail)


def test_a_stopped_database_is_a_503_never_an_empty_feed(app_for: Callable[..., Flask]) -> None:
    app = app_for(DATABASE_URL="postgresql://nobody@127.0.0.1:1/none")

    response = app.test_client().get("/entities")

    assert response.status_code == 503
    assert response.json is not None
    assert "database is unavailable" in response.json["detail"]
