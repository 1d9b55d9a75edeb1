"""``kiln new --template connector``, installed as a user installs it: lint, migrations and its
own suite green as generated, then ``kiln serve`` synced over real HTTP as a Sesam pipe would."""

from __future__ import annotations

import json
import subprocess
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode

import pytest
from generated_projects import Installed, kiln_serve

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("installed-connector")]

Entity = dict[str, Any]


def test_ruff_and_the_migrations_are_clean_as_generated(installed_connector: Installed) -> None:
    for command in (["check", "."], ["format", "--check", "."]):
        linted = subprocess.run(
            [str(installed_connector.bin / "ruff"), *command, "--no-cache"],
            cwd=installed_connector.root,
            capture_output=True,
            text=True,
            check=False,
        )
        assert linted.returncode == 0, linted.stdout + linted.stderr

    checked = installed_connector.kiln("db", "check")

    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_its_own_suite_is_green_under_kiln_test(installed_connector: Installed) -> None:
    result = installed_connector.kiln("test", "-q", timeout=900)

    assert result.returncode == 0, result.stdout + result.stderr
    assert " passed" in result.stdout
    assert " failed" not in result.stdout
    assert "TOTAL" in result.stdout  # the coverage report


@pytest.fixture
def served(installed_connector: Installed) -> Iterator[str]:
    """``kiln serve`` on a free port; stopped with Ctrl-C after."""
    with kiln_serve(installed_connector, "/health") as serving:
        yield serving.base
    assert "Traceback" not in serving.output


def test_a_full_sync_then_an_incremental_pull_over_http(served: str) -> None:
    entities = [
        {"_id": f"e{number}", "n": number, "at": "~t2024-01-01T00:00:00Z"} for number in range(25)
    ]
    push_full_sync(served, entities, batch_size=10)
    since, first = pull(served, since=None, limit=7)
    assert [entity["_id"] for entity in first] == [f"e{number}" for number in range(25)]
    assert first[3]["at"] == "~t2024-01-01T00:00:00Z"

    push_full_sync(served, [*entities[1:24], {"_id": "e3", "n": 33}], batch_size=10)
    _, changes = pull(served, since=since, limit=7)

    assert {entity["_id"]: entity.get("_deleted", False) for entity in changes} == {
        "e0": True,
        "e24": True,
        "e3": False,
    }
    assert [entity["n"] for entity in changes if entity["_id"] == "e3"] == [33]


def push_full_sync(base: str, entities: list[Entity], *, batch_size: int) -> None:
    """Sesam's full sync: chained batches, is_first and is_last, a fresh sequence."""
    sequence, previous = str(uuid.uuid4()), None
    batches = [
        entities[start : start + batch_size] for start in range(0, len(entities), batch_size)
    ]
    for number, batch in enumerate(batches):
        request_id = str(uuid.uuid4())
        query = {
            "sequence_id": sequence,
            "request_id": request_id,
            "is_full": "true",
            "is_first": str(number == 0).lower(),
            "is_last": str(number == len(batches) - 1).lower(),
        }
        if previous is not None:
            query["previous_request_id"] = previous
        status, _ = call("POST", f"{base}/receiver?{urlencode(query)}", batch)
        assert status == 200
        previous = request_id


def pull(base: str, *, since: str | None, limit: int) -> tuple[str | None, list[Entity]]:
    """Every change after ``since``, page by page; the last ``_updated`` and the changes."""
    pulled: list[Entity] = []
    while True:
        query = {"limit": str(limit), **({"since": since} if since else {})}
        status, page = call("GET", f"{base}/entities?{urlencode(query)}")
        assert status == 200
        assert isinstance(page, list)
        pulled += page
        if page:
            since = page[-1]["_updated"]
        if len(page) < limit:
            return since, pulled


def call(method: str, url: str, body: object = None) -> tuple[int, Any]:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(
        url, data=data, method=method, headers={"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.load(response)
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")
