"""Where the running kiln came from, read from real ``direct_url.json`` records (PEP 610).

Each record below is what pip 23.2 or uv 0.13 wrote for an install of kiln made that way.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from kiln.errors import KilnError
from kiln.scaffold import KilnSource, running_kiln_source

KILN_ROOT = Path(__file__).resolve().parents[3]

PIP_EDITABLE = '{"dir_info": {"editable": true}, "url": "file:///work/kiln"}'
UV_EDITABLE = '{"url":"file:///work/kiln","dir_info":{"editable":true}}'
PIP_DIRECTORY = '{"dir_info": {}, "url": "file:///work/kiln"}'
PIP_WHEEL = (
    '{"archive_info": {"hash": "sha256=1bc2751146e8c7b49542aa2486008ff8a1084b50843b91a3c79262086c'
    '434729", "hashes": {"sha256": "1bc2751146e8c7b49542aa2486008ff8a1084b50843b91a3c79262086c434'
    '729"}}, "url": "file:///tmp/dist/flask_kiln-0.1.0-py3-none-any.whl"}'
)
UV_WHEEL = '{"url":"file:///tmp/dist/flask_kiln-0.1.0-py3-none-any.whl","archive_info":{}}'
PIP_GIT = (
    '{"url": "https://github.com/example/flask-kiln", "vcs_info": {"commit_id": '
    '"8c0f9d0a78098b371c927cf62d0de64971883485", "requested_revision": "main", "vcs": "git"}}'
)


def test_an_index_install_leaves_no_record_and_pins_the_same_version() -> None:
    source = KilnSource.from_record(None, "0.1.0")

    assert source == KilnSource(
        "flask-kiln[templates]==0.1.0", "0.1.0 from the package index", local=False
    )


@pytest.mark.parametrize("record", [PIP_EDITABLE, UV_EDITABLE], ids=["pip", "uv"])
def test_an_editable_checkout_is_installed_editable_again(record: str) -> None:
    source = KilnSource.from_record(record, "0.1.0")

    assert source.requirement == "-e file:///work/kiln[templates]"
    assert source.description == "0.1.0, editable, from file:///work/kiln"
    assert source.local


def test_a_checkout_installed_as_is_is_installed_as_is() -> None:
    source = KilnSource.from_record(PIP_DIRECTORY, "0.1.0")

    assert source.requirement == "flask-kiln[templates] @ file:///work/kiln"
    assert source.local


@pytest.mark.parametrize("record", [PIP_WHEEL, UV_WHEEL], ids=["pip", "uv"])
def test_a_wheel_file_is_installed_from_the_same_file(record: str) -> None:
    source = KilnSource.from_record(record, "0.1.0")

    wheel = "file:///tmp/dist/flask_kiln-0.1.0-py3-none-any.whl"
    assert source.requirement == f"flask-kiln[templates] @ {wheel}"
    assert source.description == f"0.1.0 from {wheel}"
    assert source.local


def test_a_git_install_is_pinned_to_its_commit_and_reachable_from_ci() -> None:
    source = KilnSource.from_record(PIP_GIT, "0.1.0")

    assert source.requirement == (
        "flask-kiln[templates] @ git+https://github.com/example/flask-kiln"
        "@8c0f9d0a78098b371c927cf62d0de64971883485"
    )
    assert not source.local


def test_a_subdirectory_is_kept() -> None:
    record = '{"url": "file:///work/mono", "dir_info": {}, "subdirectory": "kiln"}'

    source = KilnSource.from_record(record, "0.1.0")

    assert source.requirement == "flask-kiln[templates] @ file:///work/mono#subdirectory=kiln"


def test_an_editable_subdirectory_is_installed_from_its_folder() -> None:
    record = '{"url": "file:///work/mono", "dir_info": {"editable": true}, "subdirectory": "kiln"}'

    source = KilnSource.from_record(record, "0.1.0")

    assert source.requirement == "-e file:///work/mono/kiln[templates]"


def test_a_malformed_record_is_reported_with_the_fix() -> None:
    with pytest.raises(KilnError) as caught:
        KilnSource.from_record('{"dir_info": {}}', "0.1.0")

    (problem,) = caught.value.problems
    assert problem.where == "flask-kiln 0.1.0, direct_url.json"
    assert "malformed" in problem.what
    assert problem.fix == ("reinstall kiln (pip install --force-reinstall flask-kiln) and retry")


def test_this_test_run_s_kiln_comes_from_this_checkout() -> None:
    assert KILN_ROOT.as_uri() in running_kiln_source().requirement
