"""run_child: the child's exit code comes back, and signals sent to kiln reach the child."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator, Mapping

import pytest
from processes import wait_until_gone

from kiln.errors import KilnError
from kiln.runner.process import run_child

# A child that says it is ready, then exits with the number of the signal it gets.
CHILD = (
    "import signal, sys, time\n"
    "for s in (signal.SIGINT, signal.SIGTERM):\n"
    "    signal.signal(s, lambda n, f: sys.exit(n))\n"
    "print('ready', flush=True)\n"
    "time.sleep(30)\n"
)
PARENT = (
    "import os, sys\n"
    "from kiln.runner.process import run_child\n"
    f"sys.exit(run_child([sys.executable, '-c', {CHILD!r}], os.environ))\n"
)


# A kiln whose child prints its pid and then outlives it by far, unless something ends it.
ORPHAN_PARENT = (
    "import os, sys\n"
    "from kiln.runner.process import run_child\n"
    "child = 'import os, time; print(os.getpid(), flush=True); time.sleep(60)'\n"
    "sys.exit(run_child([sys.executable, '-c', child], os.environ))\n"
)


def test_the_exit_code_is_the_childs():
    assert run_child([sys.executable, "-c", "raise SystemExit(3)"], os.environ) == 3


def test_a_child_ended_by_a_signal_gives_128_plus_its_number():
    code = "import os, signal; os.kill(os.getpid(), signal.SIGKILL)"
    assert run_child([sys.executable, "-c", code], os.environ) == 128 + signal.SIGKILL


def test_a_missing_program_is_named():
    with pytest.raises(KilnError) as caught:
        run_child(["kiln-no-such-program"], os.environ)
    assert "kiln-no-such-program" in caught.value.problems[0].what


@pytest.mark.parametrize("sent", [signal.SIGTERM, signal.SIGINT])
def test_a_signal_to_kiln_reaches_the_child_and_kiln_waits_for_it(sent):
    with subprocess.Popen(
        [sys.executable, "-c", PARENT],
        stdout=subprocess.PIPE,
        text=True,
        start_new_session=True,  # no terminal: the signal comes from a process, not Ctrl-C
    ) as parent:
        assert parent.stdout.readline() == "ready\n"

        parent.send_signal(sent)

        assert parent.wait(timeout=10) == sent


class SignalledWhileRead(Mapping[str, str]):
    """An environment that sends SIGTERM to this process while kiln reads it to start the child:
    the signal lands after kiln's handler is in place and before the child exists."""

    def __getitem__(self, name: str) -> str:
        return os.environ[name]

    def __iter__(self) -> Iterator[str]:
        os.kill(os.getpid(), signal.SIGTERM)
        return iter(os.environ)

    def __len__(self) -> int:
        return len(os.environ)


def test_a_signal_that_comes_while_the_child_starts_still_reaches_it():
    child = "import time; time.sleep(30)"
    code = run_child([sys.executable, "-c", child], SignalledWhileRead())

    assert code == 128 + signal.SIGTERM  # not 0, 30 s later: the signal was not lost


def test_a_child_does_not_outlive_a_killed_kiln():
    with subprocess.Popen(
        [sys.executable, "-c", ORPHAN_PARENT], stdout=subprocess.PIPE, text=True
    ) as parent:
        child = int(parent.stdout.readline())

        parent.send_signal(signal.SIGKILL)  # nothing in kiln runs after this
        parent.wait(timeout=10)

        left = wait_until_gone([child], seconds=10)
        if left:
            os.kill(child, signal.SIGKILL)
        assert left == [], "the child kept running after kiln was killed"
