"""``POST /receiver``, pushed as a Sesam json sink pushes: full syncs as chains of batches."""

import pytest
from flask.testing import FlaskClient
from sesam import Pipe

TYPED = {
    "_id": "typed",
    "at": "~t2024-02-29T23:59:59.123456789Z",
    "price": "~f1234567890.123456789",
    "key": "~u6ba7b810-9dad-11d1-80b4-00c04fd430c8",
    "blob": "~bAAEC/w==",
    "ref": "~:customers:42",
    "link": "~rhttps://example.com/a?b=c",
    "nested": {"when": ["~t2020-01-01T00:00:00Z"], "none": None, "pi": 3.14159, "big": 2**53},
    "text": 'æøå 😀 "quoted" \\ \n',
}


def ids(entities: list[dict[str, object]]) -> dict[str, bool]:
    """Each entity's id, and whether it is deleted."""
    return {str(entity["_id"]): entity.get("_deleted") is True for entity in entities}


def batch(*numbers: int) -> list[dict[str, object]]:
    return [{"_id": f"e{number}", "n": number} for number in numbers]


def test_a_full_sync_in_batches_stores_every_entity(pipe: Pipe) -> None:
    pipe.push_full(batch(*range(25)))

    assert ids(pipe.pull()) == {f"e{number}": False for number in range(25)}


def test_a_completed_full_sync_deletes_what_it_did_not_contain(pipe: Pipe) -> None:
    pipe.push_full(batch(*range(25)))
    pipe.push_full(batch(*range(5, 25)))

    assert ids(pipe.pull()) == {
        **{f"e{number}": True for number in range(5)},
        **{f"e{number}": False for number in range(5, 25)},
    }


def test_an_unfinished_full_sync_deletes_nothing(pipe: Pipe) -> None:
    pipe.push_full(batch(1, 2))
    statuses = pipe.push_batches(
        "S", [{"entities": batch(1), "request_id": "r1", "is_full": "true", "is_first": "true"}]
    )

    assert statuses == [200]
    assert ids(pipe.pull()) == {"e1": False, "e2": False}


@pytest.mark.parametrize(
    "second",
    [
        {"request_id": "r2", "previous_request_id": "lost", "is_full": "true"},
        {"request_id": "r2", "previous_request_id": "r1", "is_full": "false"},
        {"request_id": "r2", "previous_request_id": "r1", "is_full": "true", "is_first": "true"},
    ],
    ids=["a request missing", "is_full changed", "is_first again"],
)
def test_a_broken_chain_is_a_409(pipe: Pipe, second: dict[str, str]) -> None:
    first = {"request_id": "r1", "is_full": "true", "is_first": "true"}

    statuses = pipe.push_batches("S", [{"entities": batch(1), **first}, {"entities": [], **second}])

    assert statuses == [200, 409]


def test_a_new_sequence_replaces_the_active_one(pipe: Pipe) -> None:
    first = {"request_id": "r1", "is_full": "true", "is_first": "true"}
    assert pipe.push_batches("old", [{"entities": batch(1), **first}]) == [200]

    pipe.push_full(batch(2))

    follow = {"request_id": "r2", "previous_request_id": "r1", "is_full": "true"}
    assert pipe.push_batches("old", [{"entities": batch(3), **follow}]) == [409]
    assert ids(pipe.pull()) == {"e1": True, "e2": False}


def test_a_pipe_that_lost_a_request_starts_over_and_completes(live_server: str) -> None:
    class LossyPipe(Pipe):
        """Loses its second request once, as a network might: the third then gets a 409."""

        lost = False

        def post(self, path: str, body: object) -> object:
            if "is_first=false" in path and not self.lost:
                self.lost = True
                return {}
            return super().post(path, body)

    pipe = LossyPipe(live_server, batch_size=10)

    pipe.push_full(batch(*range(35)))

    assert pipe.restarts == 1
    assert ids(pipe.pull()) == {f"e{number}": False for number in range(35)}


def test_deleted_entities_in_an_incremental_push_are_deletes(pipe: Pipe) -> None:
    pipe.push(batch(1, 2))
    pipe.push([{"_id": "e1", "_deleted": True}])

    assert ids(pipe.pull()) == {"e2": False, "e1": True}


def test_typed_values_round_trip(pipe: Pipe) -> None:
    pipe.push([TYPED])

    (pulled,) = pipe.pull()

    assert {key: value for key, value in pulled.items() if key != "_updated"} == TYPED


@pytest.mark.parametrize(
    ("query", "body", "detail"),
    [
        ("", b'{"_id": "1"}', "the body must be a JSON array of entities"),
        ("", b'[{"name": "no id"}]', "every entity needs a non-empty string _id"),
        ("", b'[{"_id": "1"}', "the body is not valid JSON"),
        ("", b'[{"_id": "1", "name": "a\\u0000b"}]', "an entity holds a NUL character"),
        ("?is_full=maybe", b"[]", "is_full must be true or false, not 'maybe'"),
        ("?is_full=true", b"[]", "a full sync (is_full=true) needs a sequence_id"),
    ],
)
def test_a_bad_push_is_a_json_400_and_stores_nothing(
    client: FlaskClient, query: str, body: bytes, detail: str
) -> None:
    response = client.post(f"/receiver{query}", data=body, content_type="application/json")

    assert response.status_code == 400
    assert response.json is not None
    assert response.json["detail"].startswith(detail)
