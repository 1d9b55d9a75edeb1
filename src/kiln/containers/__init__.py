"""Docker for a project: is it usable here, `kiln build` (its image), `kiln compose` (its stack).

Nothing here needs Docker to import; each command checks what it needs before running docker, so a
missing engine or a socket that needs sudo is a plain message with its fix, not docker's error.
"""

from kiln.containers.compose import run_compose
from kiln.containers.engine import Compose, Engine, probe_compose, probe_engine
from kiln.containers.image import build_image, default_tag

__all__ = [
    "Compose",
    "Engine",
    "build_image",
    "default_tag",
    "probe_compose",
    "probe_engine",
    "run_compose",
]
