"""Where the running kiln was installed from, as the requirement a new project installs it with.

A project made by ``kiln new`` must install the same kiln that made it: the same version from a
package index, or the same checkout, directory or wheel when kiln came from there (it may be on no
index at all). pip and uv record a direct install in ``direct_url.json`` (PEP 610); an install
from an index leaves none. The project gets kiln with its templates extra (copier), so that
``kiln update`` works inside it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from importlib import metadata
from typing import Any

from kiln import __version__
from kiln.errors import KilnError

DISTRIBUTION = "flask-kiln"
TEMPLATES_EXTRA = "templates"  # copier and uv, for kiln new and kiln update
_WITH_TEMPLATES = f"{DISTRIBUTION}[{TEMPLATES_EXTRA}]"
_RECORD = "direct_url.json"


@dataclass(frozen=True)
class KilnSource:
    """Where kiln came from: the requirements-file line that installs it again, and in words."""

    requirement: str
    description: str
    local: bool  # a path on this machine: CI and `docker build` cannot reach it

    @classmethod
    def from_record(cls, record: str | None, version: str) -> KilnSource:
        """The source a ``direct_url.json`` describes; ``None`` (no file) means an index."""
        if record is None:
            return cls(f"{_WITH_TEMPLATES}=={version}", f"{version} from the package index", False)
        try:
            return cls._direct(json.loads(record), version)
        except (ValueError, LookupError, TypeError, AttributeError) as error:
            raise KilnError(
                f"cannot tell where kiln was installed from: its {_RECORD} is malformed ({error})",
                where=f"{DISTRIBUTION} {version}, {_RECORD}",
                fix=f"reinstall kiln (pip install --force-reinstall {DISTRIBUTION}) and retry",
            ) from None

    @classmethod
    def _direct(cls, data: dict[str, Any], version: str) -> KilnSource:
        url: str = data["url"]
        local = url.startswith("file:")
        subdirectory = data.get("subdirectory")
        if data.get("dir_info", {}).get("editable"):
            # pip and uv take extras after an editable folder's URL, but not before a fragment.
            folder = f"{url.rstrip('/')}/{subdirectory}" if subdirectory else url
            return cls(
                f"-e {folder}[{TEMPLATES_EXTRA}]", f"{version}, editable, from {folder}", local
            )
        if "vcs_info" in data:
            vcs = data["vcs_info"]
            url = f"{vcs['vcs']}+{url}@{vcs['commit_id']}"
        if subdirectory:
            url = f"{url}#subdirectory={subdirectory}"
        return cls(f"{_WITH_TEMPLATES} @ {url}", f"{version} from {url}", local)


def running_kiln_source() -> KilnSource:
    """Where this kiln came from, read from its installed distribution's metadata."""
    try:
        installed = metadata.distribution(DISTRIBUTION)
    except metadata.PackageNotFoundError:
        # Imported from a source tree that was never installed: only an index can provide it.
        return KilnSource.from_record(None, __version__)
    return KilnSource.from_record(installed.read_text(_RECORD), installed.version)
