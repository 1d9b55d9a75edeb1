"""Test paths typed in a subfolder of the project: resolved from that folder, as pytest would.

``kiln test`` runs pytest from the project's root, so that the ini file, coverage's settings and
``testpaths`` apply as they do there; the folder the user typed the command in travels in
``KILN_INVOKED_FROM``, and the plugin resolves the paths pytest was given from it.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path

INVOKED_FROM = "KILN_INVOKED_FROM"


def resolve_typed_paths(
    args: Sequence[str], root: Path, environ: Mapping[str, str] | None = None
) -> list[str]:
    """``args`` with each path that exists in the folder kiln was run from made absolute.

    A path (or ``path::test`` id) that does not exist there is left alone, so one written from
    the project's root still works; in the root itself nothing changes.
    """
    environ = os.environ if environ is None else environ
    typed_in = environ.get(INVOKED_FROM)
    if not typed_in or Path(typed_in) == root:
        return list(args)
    return [_from(Path(typed_in), arg) for arg in args]


def _from(folder: Path, arg: str) -> str:
    path, separator, test_id = arg.partition("::")
    candidate = folder / path
    if not path or not candidate.exists():
        return arg
    return f"{candidate}{separator}{test_id}"
