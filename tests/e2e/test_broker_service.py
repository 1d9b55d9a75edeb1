"""A generated broker, installed as a user installs it: its own suite against the real ACME
stack, then ``kiln serve`` with the local ACME server beside it, driven over real HTTP."""

from __future__ import annotations

import base64
import json
import shutil
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator

import pytest
from generated_projects import Installed, install_project, kiln_serve
from processes import command_line, descendants, wait_until_gone

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("broker")]

PEBBLE = ("pebble", "pebble-challtestsrv")
# What the development config gives the platform (src/shop/config.py).
HEADERS = {
    "X-Broker-API-Version": "2.17",
    "Authorization": "Basic " + base64.b64encode(b"broker:broker-dev-password").decode(),
}


@pytest.fixture(scope="module")
def broker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Installed]:
    """``kiln new shop --template broker``, its .venv installed; its server destroyed after."""
    missing = [program for program in PEBBLE if shutil.which(program) is None]
    if missing:
        pytest.skip(f"{', '.join(missing)} not installed: make system-deps installs pebble")
    yield from install_project(tmp_path_factory.mktemp("broker"), template="broker")


def test_its_own_suite_is_green_with_nothing_skipped(broker: Installed) -> None:
    result = broker.kiln("test", "-q", timeout=600)

    assert result.returncode == 0, result.stdout + result.stderr
    assert " passed" in result.stdout
    assert "skipped" not in result.stdout  # the ACME tests ran, against pebble


def test_its_models_migrations_and_style_are_clean(broker: Installed) -> None:
    checked = broker.kiln("db", "check")
    ruff = subprocess.run(
        [str(broker.bin / "ruff"), "check", "."], cwd=broker.root, capture_output=True, text=True
    )

    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert ruff.returncode == 0, ruff.stdout


def test_kiln_serve_issues_a_certificate_from_the_local_acme_server_and_deprovisions(
    broker: Installed,
) -> None:
    with kiln_serve(broker, "/health", stop_timeout=60) as serving:
        base = f"{serving.base}/v2"
        pebble_pids = [
            pid for pid in descendants(serving.server.pid) if command_line(pid).startswith("pebble")
        ]
        assert len(pebble_pids) == 2, "pebble and its DNS server, for this project"
        [service] = _call("GET", f"{base}/catalog")[1]["services"]
        instance = f"{base}/service_instances/site"
        body = {
            "service_id": service["id"],
            "plan_id": service["plans"][0]["id"],
            "organization_guid": "org",
            "space_guid": "space",
            "parameters": {"domains": "example.test, www.example.test"},
        }

        status, accepted = _call("PUT", f"{instance}?accepts_incomplete=true", body)
        assert status == 202, accepted
        assert _until_done(f"{instance}/last_operation?operation={accepted['operation']}") == (
            200,
            {"state": "succeeded", "description": "Complete!", "operation": accepted["operation"]},
        )

        query = f"service_id={body['service_id']}&plan_id={body['plan_id']}"
        status, deleting = _call("DELETE", f"{instance}?accepts_incomplete=true&{query}")
        assert status == 202, deleting
        assert _until_done(f"{instance}/last_operation")[0] == 410
    output = serving.output
    assert "kiln: acme started beside the server, its lines marked acme |" in output
    assert "certificate 1 installed for example.test, www.example.test" in output
    assert "Traceback" not in output
    assert wait_until_gone(pebble_pids, seconds=10) == []  # stopped with the server
    assert not (broker.root / ".kiln" / "acme" / "environ").exists()


def _until_done(url: str, timeout: float = 60) -> tuple[int, dict]:
    """Poll ``last_operation`` as the platform does, until it is no longer in progress."""
    deadline = time.monotonic() + timeout
    while True:
        status, body = _call("GET", url)
        if status != 200 or body["state"] != "in progress" or time.monotonic() > deadline:
            return status, body
        time.sleep(0.3)


def _call(method: str, url: str, body: object = None) -> tuple[int, dict]:
    data = None if body is None else json.dumps(body).encode()
    headers = HEADERS | ({"Content-Type": "application/json"} if data else {})
    request = urllib.request.Request(url, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())
