"""The external system behind the store: the worked example, a folder of JSON files."""

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result
from flask import Flask

pytestmark = pytest.mark.commits  # the apps below commit on connections of their own


def pushed(app: Flask, entities: list[dict[str, object]]) -> tuple[int, dict[str, object]]:
    response = app.test_client().post("/receiver", json=entities)
    return response.status_code, response.json or {}


def imported(app: Flask) -> Result:
    """``flask import-entities`` in ``app`` (the test's own app context is another app's)."""
    with app.app_context():
        return app.test_cli_runner().invoke(args=["import-entities"])


def feed(app: Flask) -> dict[str, dict[str, object]]:
    # Buffered: the streamed answer is read whole and closed, its connection back in the pool.
    response = app.test_client().get("/entities", buffered=True)
    return {entity["_id"]: entity for entity in response.json or []}


def test_a_push_is_written_to_the_system(
    app_for: Callable[..., Flask], db: object, tmp_path: Path
) -> None:
    app = app_for(SYSTEM_FOLDER=str(tmp_path))

    assert pushed(app, [{"_id": "a", "name": "Ada"}, {"_id": "b"}]) == (
        200,
        {"received": 2, "deleted": 0},
    )
    pushed(app, [{"_id": "b", "_deleted": True}])

    assert sorted(path.name for path in tmp_path.iterdir()) == ["a.json"]
    assert json.loads((tmp_path / "a.json").read_text()) == {"_id": "a", "name": "Ada"}


def test_a_completed_full_sync_deletes_in_the_system_too(
    app_for: Callable[..., Flask], db: object, tmp_path: Path
) -> None:
    client = app_for(SYSTEM_FOLDER=str(tmp_path)).test_client()
    for sequence, entities in (("s1", [{"_id": "a"}, {"_id": "b"}]), ("s2", [{"_id": "a"}])):
        query = f"sequence_id={sequence}&request_id=r&is_full=true&is_first=true&is_last=true"
        assert client.post(f"/receiver?{query}", json=entities).status_code == 200

    assert sorted(path.name for path in tmp_path.iterdir()) == ["a.json"]


def test_an_import_brings_the_systems_changes_into_the_feed(
    app_for: Callable[..., Flask], db: object, tmp_path: Path
) -> None:
    app = app_for(SYSTEM_FOLDER=str(tmp_path))
    pushed(app, [{"_id": "a", "name": "Ada"}, {"_id": "b", "name": "Bo"}])
    (tmp_path / "b.json").unlink()
    (tmp_path / "c.json").write_text('{"name": "Cy"}')

    result = imported(app)

    assert result.output == "2 entities read, 1 deleted\n"
    entities = feed(app)
    assert entities["b"]["_deleted"] is True
    assert entities["c"]["name"] == "Cy"


def test_a_failing_system_is_a_502_and_the_push_is_not_stored(
    app_for: Callable[..., Flask], db: object, tmp_path: Path
) -> None:
    not_a_folder = tmp_path / "file"
    not_a_folder.write_text("")
    app = app_for(SYSTEM_FOLDER=str(not_a_folder))

    status, body = pushed(app, [{"_id": "a"}])

    assert status == 502
    assert str(body["detail"]).startswith("The external system failed: cannot write to")
    assert feed(app) == {}


def test_an_import_from_a_failing_system_changes_nothing_and_says_why(
    app_for: Callable[..., Flask], db: object, tmp_path: Path
) -> None:
    app = app_for(SYSTEM_FOLDER=str(tmp_path / "gone"))

    result = imported(app)

    assert result.exit_code == 1
    assert "the external system failed, nothing changed" in result.output
