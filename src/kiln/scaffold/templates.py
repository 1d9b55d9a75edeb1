"""The project templates shipped inside the kiln package, one copier template per folder, and
whether this kiln can render them (copier comes with the ``templates`` extra only).

``_shared/`` is not a template: it is the layer every template renders from (layers.py).
"""

from __future__ import annotations

from importlib.util import find_spec
from pathlib import Path

from kiln.errors import KilnError, UsageError
from kiln.scaffold.kiln_source import DISTRIBUTION, TEMPLATES_EXTRA

TEMPLATES_DIR = Path(__file__).resolve().parent.parent / "templates"
DEFAULT_TEMPLATE = "api"


def available_templates() -> list[str]:
    """The names ``kiln new --template`` accepts."""
    return sorted(
        path.parent.name
        for path in TEMPLATES_DIR.glob("*/copier.yml")
        if not path.parent.name.startswith("_")
    )


def template_dir(name: str) -> Path:
    """The folder of the template called ``name``; a ``UsageError`` lists the others."""
    available = available_templates()
    if name not in available:
        raise UsageError(
            f"unknown template {name!r}",
            where="kiln new --template",
            fix=f"use one of: {', '.join(available)}",
        )
    return TEMPLATES_DIR / name


def require_renderer(command: str) -> None:
    """Stop ``command`` (``kiln new``, ``kiln update``) before it starts when copier is missing:
    kiln installed into a project's environment leaves it out, so that its dependencies (a newer
    Jinja2, pydantic) never move the project's own."""
    if find_spec("copier") is None:
        extra = f"{DISTRIBUTION}[{TEMPLATES_EXTRA}]"
        raise KilnError(
            f"{command} renders the project templates with copier, which this kiln was "
            f"installed without (it comes with kiln's {TEMPLATES_EXTRA} extra)",
            where=command,
            fix=f"pip install '{extra}' where kiln runs (installed with pipx: "
            f"pipx install --force '{extra}')",
        )
