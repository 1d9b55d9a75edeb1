"""``@pytest.mark.focus``: while any collected test carries it, only those run."""

from __future__ import annotations

import pytest

FOCUS = "focus"


def select_focused(config: pytest.Config, items: list[pytest.Item]) -> int:
    """Deselect every unfocused test when some are focused; return how many are focused."""
    if config.getoption("no_focus"):
        return 0
    focused = [item for item in items if item.get_closest_marker(FOCUS)]
    if focused:
        config.hook.pytest_deselected(items=[i for i in items if i not in focused])
        items[:] = focused
    return len(focused)


def focus_warning(count: int) -> str:
    noun = "test" if count == 1 else "tests"
    return (
        f"kiln: running only {count} {noun} marked @pytest.mark.focus "
        "(remove the mark before you commit; --no-focus runs everything)"
    )
