"""Which tests ``kiln watch`` reruns once it has every test's footprint (what each executed)."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiln.project import Project, find_project
from kiln.testing.footprints import Footprint, Footprints
from kiln.testing.watch import NO_TESTS, Memory, overall, select_tests

WORDS = """GREETING = "hello"


def shout(text):
    return text.upper()


def whisper(text):
    return text.lower()
"""
SHOUT = "tests/test_words.py::test_shout"
WHISPER = "tests/test_words.py::test_whisper"
SERVER = "tests/test_server.py::test_gunicorn"


@pytest.fixture
def project(tmp_path: Path) -> Project:
    files = {
        "pyproject.toml": '[project]\nname = "shop"\n[tool.kiln]\n',
        "src/shop/__init__.py": "",
        "src/shop/words.py": WORDS,
        "tests/test_words.py": "from shop.words import shout, whisper\n",
        "tests/test_server.py": "import subprocess\n",
    }
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return find_project(tmp_path)


@pytest.fixture
def memory(project: Project) -> Memory:
    memory = Memory(project)
    memory.recorded(
        Footprints(
            {
                SHOUT: Footprint({"src/shop/words.py": {"shout"}}),
                WHISPER: Footprint({"src/shop/words.py": {"whisper"}}),
                SERVER: Footprint({}, spawns=True),
            }
        )
    )
    memory.complete = True
    return memory


def save(project: Project, relative: str, text: str) -> list[Path]:
    path = project.root / relative
    path.write_text(text)
    return [path]


def test_a_function_body_reruns_the_tests_that_executed_it(project, memory) -> None:
    changed = save(project, "src/shop/words.py", WORDS.replace("upper()", "upper() + ''"))
    selection = select_tests(project, changed, memory=memory)
    assert selection.tests == {SHOUT, SERVER}
    assert selection.scope() == (
        "2 affected tests in 2 files (src/shop/words.py: shout; "
        "1 test starting Python, whose code no trace sees)"
    )


def test_a_module_level_change_reruns_every_test_that_reaches_the_module(project, memory) -> None:
    changed = save(project, "src/shop/words.py", WORDS.replace('"hello"', '"hi"'))
    selection = select_tests(project, changed, memory=memory)
    assert selection.tests == {SHOUT, WHISPER, SERVER}


def test_a_comment_or_an_unreached_module_reruns_nothing(project, memory) -> None:
    comment = save(project, "src/shop/words.py", "# words\n" + WORDS)
    assert select_tests(project, comment, memory=memory).scope() == (
        "nothing to rerun (src/shop/words.py: no code changed)"
    )
    orphan = save(project, "src/shop/orphan.py", "def f():\n    return 1\n")
    selection = select_tests(project, orphan, memory=memory)
    assert selection.files == []
    assert selection.why == "no test reaches src/shop/orphan.py: module-level change"


def test_tests_a_focused_run_left_out_run_at_the_next_change(project, memory) -> None:
    save(project, "tests/test_focus.py", "import pytest\n\n@pytest.mark.focus\ndef test_x(): ...\n")
    changed = save(project, "src/shop/words.py", WORDS.replace("upper()", "upper() + ''"))
    assert select_tests(project, changed, memory=memory).focused
    (project.root / "tests/test_focus.py").unlink()
    changed = save(project, "src/shop/words.py", WORDS.replace("lower()", "lower() + ''"))
    selection = select_tests(project, changed, memory=memory)
    assert selection.tests is not None
    assert {SHOUT, WHISPER} <= selection.tests  # shout's test is owed from the focused run


def test_the_tests_that_start_a_program_run_after_the_others(project, memory) -> None:
    changed = save(project, "src/shop/words.py", WORDS.replace("upper()", "upper() + ''"))
    traced, untraced = memory.batches(select_tests(project, changed, memory=memory))
    assert traced.tests == {SHOUT}
    assert traced.files == [project.root / "tests/test_words.py"]
    assert untraced.tests == {SERVER}
    assert untraced.files == [project.root / "tests/test_server.py"]


def test_a_run_of_only_traced_or_only_untraced_tests_is_one_batch(project, memory) -> None:
    memory.footprints.tests[SHOUT].spawns = True
    changed = save(project, "src/shop/words.py", WORDS.replace("upper()", "upper() + ''"))
    selection = select_tests(project, changed, memory=memory)
    assert memory.batches(selection) == [selection]


def test_a_saved_test_file_runs_whole_in_the_first_batch(project, memory) -> None:
    changed = save(project, "tests/test_server.py", "import subprocess\n\n")
    changed += save(project, "src/shop/words.py", WORDS.replace("upper()", "upper() + ''"))
    batches = memory.batches(select_tests(project, changed, memory=memory))
    assert [batch.tests for batch in batches] == [{SHOUT, SERVER, "tests/test_server.py"}]


def test_the_verdict_of_a_run_in_two_batches_covers_both() -> None:
    assert overall([0, 1]) == overall([1, 0]) == 1
    assert overall([NO_TESTS, 0]) == 0
    assert overall([NO_TESTS, NO_TESTS]) == NO_TESTS
    assert overall([0, 2]) == 2
