"""What ``kiln generate resource`` accepts on its command line, and why it refuses the rest."""

from __future__ import annotations

import pytest

from kiln.errors import UsageError
from kiln.generate import Access, Field, parse_resource


def test_fields_with_their_types_and_flags() -> None:
    resource = parse_resource(
        "BlogPost", ["title:str:80", "slug:str!", "due:date?", "editor:User?"], "owner", None
    )

    assert (resource.plural, resource.singular, resource.access) == (
        "blog_posts",
        "blog_post",
        Access.OWNER,
    )
    assert resource.fields == (
        Field("title", "str", length=80),
        Field("slug", "str", unique=True),
        Field("due", "date", nullable=True),
        Field("editor", "reference", nullable=True, target="User"),
    )
    assert resource.fields[3].column == "editor_id"


@pytest.mark.parametrize(
    ("model", "plural"), [("Category", "categories"), ("Box", "boxes"), ("Day", "days")]
)
def test_the_plural_names_the_table(model: str, plural: str) -> None:
    assert parse_resource(model, ["name:str"], "admin", None).plural == plural


@pytest.mark.parametrize(
    ("name", "fields", "access", "message"),
    [
        ("article", ["title:str"], "owner", "'article' is not a model name"),
        ("Article", [], "owner", "no fields given"),
        ("Article", ["class:str"], "owner", "'class' is a Python keyword"),
        ("Article", ["title"], "owner", "'title' is not a field"),
        ("Article", ["title:string"], "owner", "unknown type 'string'"),
        ("Article", ["title:str:0"], "owner", "must be a whole number from 1"),
        ("Article", ["n:int:4"], "owner", "only str takes a length"),
        ("Article", ["id:int"], "owner", "the field name 'id' is taken"),
        ("Article", ["a:str", "a:text"], "owner", "the field 'a' is given twice"),
        ("Article", ["owner:User"], "owner", "the one --access owner adds"),
        ("Comment", ["reply_to:Comment?"], "admin", "refers to the model being generated"),
    ],
)
def test_mistakes_are_refused_with_the_reason(
    name: str, fields: list[str], access: str, message: str
) -> None:
    with pytest.raises(UsageError) as refused:
        parse_resource(name, fields, access, None)

    assert message in str(refused.value)
