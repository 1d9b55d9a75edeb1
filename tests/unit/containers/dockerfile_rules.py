"""kiln's rules for a production Dockerfile, checked on dockerfile-parse's reading of it.

hadolint covers general good practice; these are the promises kiln makes about the image: a pinned
base, a non-root user, a HEALTHCHECK, and nothing to compile or develop with in the final stage.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field

from dockerfile_parse import DockerfileParser

# name:tag with a version in the tag (python:3.12.8-slim-bookworm), or name@digest.
_DIGEST = r"@sha256:[0-9a-f]{64}"
_PINNED = re.compile(rf"^[\w./-]+(:(?!latest$)[\w.-]*\d+\.\d+[\w.-]*({_DIGEST})?|{_DIGEST})$")
_ROOT = frozenset({"root", "0"})
# What builds native code or runs tests: never in the final stage.
_BUILD_TOOLS = re.compile(
    r"\b(gcc|g\+\+|clang|cc|make|build-essential|[\w.+-]+-dev|pytest|ruff|kiln)\b|\[dev\]"
)


@dataclass
class Stage:
    image: str  # as resolved by ARG defaults: python:3.12.8-slim-bookworm, or an earlier stage
    name: str | None
    instructions: list[dict] = field(default_factory=list)

    def last(self, instruction: str) -> str | None:
        values = [i["value"] for i in self.instructions if i["instruction"] == instruction]
        return values[-1] if values else None

    def all(self, instruction: str) -> list[str]:
        return [i["value"] for i in self.instructions if i["instruction"] == instruction]


def stages(text: str) -> list[Stage]:
    parser = DockerfileParser(fileobj=io.BytesIO(text.encode()))
    images = iter(parser.parent_images)
    found: list[Stage] = []
    for instruction in parser.structure:
        if instruction["instruction"] == "FROM":
            parts = instruction["value"].split()
            name = parts[2] if len(parts) == 3 and parts[1].upper() == "AS" else None
            found.append(Stage(next(images), name))
        elif found:
            found[-1].instructions.append(instruction)
    return found


def problems(text: str) -> list[str]:
    """Every rule the Dockerfile breaks, in words."""
    found = stages(text)
    if not found:
        return ["no FROM: not a Dockerfile"]
    names = {stage.name for stage in found if stage.name}
    broken = [
        f"base image {stage.image!r} is not pinned to a version (and never to latest)"
        for stage in found
        if stage.image not in names and not _PINNED.match(stage.image)
    ]
    final = found[-1]
    user = (final.last("USER") or "root").split(":")[0]
    if user in _ROOT:
        broken.append(f"the final stage runs as {user}; add USER with a non-root user")
    healthcheck = final.last("HEALTHCHECK")
    if healthcheck is None or healthcheck.strip().upper() == "NONE":
        broken.append("the final stage has no HEALTHCHECK")
    for command in final.all("RUN"):
        tool = _BUILD_TOOLS.search(command)
        if tool:
            broken.append(f"the final stage installs {tool.group(0)!r}: RUN {command}")
    return broken
