"""What a save changed: function bodies only, the module itself, or no code at all."""

from __future__ import annotations

import pytest

from kiln.testing.impact import changed_functions, function_spans, innermost

MODULE = '''"""Users."""

import re

LIMIT = 3


class User:
    name: str = "x"

    def greet(self) -> str:
        def polite(text: str) -> str:
            return text.title()

        return polite("hello")


@decorated(LIMIT)
def check(name: str, pattern: str = "a") -> bool:
    return re.match(pattern, name) is not None
'''


@pytest.mark.parametrize(
    ("before", "after", "changed"),
    [
        (
            "return text.title()",
            "return text.upper()",
            {"User.greet", "User.greet.<locals>.polite"},
        ),
        ("is not None", "is None", {"check"}),
        ("LIMIT = 3", "LIMIT = 4", None),  # a constant
        ('name: str = "x"', 'name: str = "y"', None),  # a class body
        ('pattern: str = "a"', 'pattern: str = "b"', None),  # a default, evaluated at import
        ("@decorated(LIMIT)", "@decorated(2)", None),  # a decorator, run at import
        ("import re", "import re\nimport os", None),
        ('"""Users."""', '"""Users."""\n# a comment', set()),
        ("\nLIMIT = 3", "\n\n\nLIMIT = 3", set()),  # lines moved
    ],
)
def test_what_changed(before: str, after: str, changed: set[str] | None) -> None:
    assert before in MODULE
    found = changed_functions(MODULE, MODULE.replace(before, after))
    assert (None if found is None else set(found)) == changed


@pytest.mark.parametrize(("before", "after"), [(None, MODULE), (MODULE, None), (MODULE, "def (")])
def test_new_deleted_or_broken_modules_changed_as_a_whole(before, after) -> None:
    assert changed_functions(before, after) is None


def test_a_line_belongs_to_the_innermost_function_around_it() -> None:
    spans = function_spans(MODULE)
    lines = MODULE.splitlines()
    assert innermost(spans, lines.index("            return text.title()") + 1) == (
        "User.greet.<locals>.polite"
    )
    assert innermost(spans, lines.index('        return polite("hello")') + 1) == "User.greet"
    assert innermost(spans, lines.index("LIMIT = 3") + 1) is None
