"""The project templates shipped inside the kiln package, one copier template per folder.

``_shared/`` is not a template: it is the layer every template renders from (layers.py).
"""

from __future__ import annotations

from pathlib import Path

from kiln.errors import UsageError

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
