"""How each field type reads in the generated code: its column, its API field, its filter, and
the values the generated tests send, valid and invalid, with the message the API answers."""

from __future__ import annotations

import ast
from dataclasses import dataclass
from urllib.parse import quote

from kiln.generate.spec import DEFAULT_LENGTH, Field, snake_case

Import = tuple[str, str]  # from MODULE import NAME
LONG_TEXT = 10_000  # what the API takes in a text field


@dataclass(frozen=True)
class Kind:
    annotation: str
    column: str  # mapped_column's first arguments, "" when the annotation says it all
    api_field: str  # the schema field's class in api/fields.py
    values: tuple[str, str]  # two Python values, as the tests write rows
    sent: tuple[str, str]  # the same, as JSON bodies and answers carry them
    invalid: tuple[str, str]  # a value the API refuses, and its message
    imports: tuple[Import, ...] = ()
    test_imports: tuple[Import, ...] = ()
    shown: str = "{}"  # how an answer shows the attribute


_DATE = (("datetime", "date"),)
_UUIDS = ("6f1c2d1e-8d0a-4c8e-9a53-1b2b3c4d5e6f", "0b5e1f2a-3c4d-4e5f-8a9b-0c1d2e3f4a5b")
_MOMENT = "datetime(2024, 1, 31, 12, 0, tzinfo=UTC)"
KINDS = {
    "str": Kind(
        "str",
        "String({length})",
        "Text",
        ('"{title} one"', '"{title} two"'),
        ('"{title} one"', '"{title} two"'),
        ('""', "must not be empty"),
        (("sqlalchemy", "String"),),
    ),
    "text": Kind(
        "str",
        "Text",
        "Text",
        ('"Some {words}."', '"More {words}."'),
        ('"Some {words}."', '"More {words}."'),
        ("42", "must be a string"),
        (("sqlalchemy", "Text"),),
    ),
    "int": Kind(
        "int",
        "",
        "Number",
        ("1", "2"),
        ("1", "2"),
        ('"one"', "must be a whole number"),
    ),
    "bool": Kind(
        "bool",
        "default=False, server_default=false()",
        "Flag",
        ("True", "False"),
        ("True", "False"),
        ('"yes"', "must be true or false"),
        (("sqlalchemy", "false"),),
    ),
    "decimal": Kind(
        "Decimal",
        "Numeric(12, 2)",
        "Amount",
        ('Decimal("12.50")', 'Decimal("3.00")'),
        ('"12.50"', '"3.00"'),
        ("12.5", "must be an amount like 12.50, as a string"),
        (("sqlalchemy", "Numeric"), ("decimal", "Decimal")),
        (("decimal", "Decimal"),),
        "str({})",
    ),
    "date": Kind(
        "date",
        "",
        "Day",
        ("date(2024, 1, 31)", "date(2024, 2, 29)"),
        ('"2024-01-31"', '"2024-02-29"'),
        ('"31/01/2024"', "must be a date like 2024-12-31"),
        _DATE,
        _DATE,
        "{}.isoformat()",
    ),
    "datetime": Kind(
        "datetime",
        "DateTime(timezone=True)",
        "Moment",
        (_MOMENT, "datetime(2024, 2, 29, 8, 30, tzinfo=UTC)"),
        ('"2024-01-31T12:00:00+00:00"', '"2024-02-29T08:30:00+00:00"'),
        ('"2024-01-31T12:00:00"', "must say its offset from UTC, like 2024-12-31T23:59:00+00:00"),
        (("sqlalchemy", "DateTime"), ("datetime", "datetime")),
        (("datetime", "UTC"), ("datetime", "datetime")),
        "{}.isoformat()",
    ),
    "uuid": Kind(
        "UUID",
        "",
        "Identifier",
        (f'UUID("{_UUIDS[0]}")', f'UUID("{_UUIDS[1]}")'),
        (f'"{_UUIDS[0]}"', f'"{_UUIDS[1]}"'),
        ('"nope"', "must be a UUID like 123e4567-e89b-12d3-a456-426614174000"),
        (("uuid", "UUID"),),
        (("uuid", "UUID"),),
        "str({})",
    ),
    "json": Kind(
        "Any",
        "JSON",
        "JSONValue",
        ('{"tags": ["new"]}', '{"tags": []}'),
        ('{"tags": ["new"]}', '{"tags": []}'),
        ("", ""),
        (("sqlalchemy", "JSON"), ("typing", "Any")),
    ),
    "reference": Kind(
        "int",
        'ForeignKey("{table}.id", ondelete="{ondelete}"), index=True',
        "Id",
        ("", ""),
        ("", ""),
        ('"one"', "must be a whole number"),
        (("sqlalchemy", "ForeignKey"),),
    ),
}
# A filter's field, for the query string (strings there, so not the strict body fields).
FILTERS = {
    "str": "Text",
    "bool": "query_flag",
    "date": "Day",
    "uuid": "Identifier",
    "reference": "whole_number",  # to INTEGER_MAX: a larger id could not be compared
}
FILTER_INVALID = {
    "str": ("", "must not be empty"),
    "bool": ("maybe", "must be true or false"),
    "date": ("tomorrow", "must be a date like 2024-12-31"),
    "uuid": ("nope", "must be a UUID like 123e4567-e89b-12d3-a456-426614174000"),
    "reference": ("one", "must be a whole number from 1 to 2147483647"),
}


@dataclass(frozen=True)
class FieldView:
    """A field as the templates write it; for a reference, how the tests make the row."""

    field: Field
    kind: Kind
    words: str
    table: str = ""  # a reference's: the table it points to
    ambiguous: bool = False  # a reference to a model the resource refers to more than once
    maker: str = ""  # a reference's: the tests' fixture that makes a row of it (none for User)
    maker_second: bool = False  # whether that fixture takes ``second=``
    scoped: bool = False  # a reference to rows users own, from rows they own: only to theirs

    @property
    def name(self) -> str:
        return self.field.name

    @property
    def column_name(self) -> str:
        return self.field.column

    @property
    def annotation(self) -> str:
        annotation = "int" if self.field.type == "reference" else self.kind.annotation
        return f"{annotation} | None" if self.field.nullable else annotation

    @property
    def mapped_column(self) -> str:
        """The right-hand side of the model's attribute ("" for a bare ``Mapped[...]``)."""
        field = self.field
        length = "MAX_LENGTH" if field.length == DEFAULT_LENGTH else str(field.length)
        ondelete = "SET NULL" if field.nullable else "CASCADE"
        arguments = self.kind.column.format(length=length, table=self.table, ondelete=ondelete)
        if field.unique:
            arguments = f"{arguments}, unique=True" if arguments else "unique=True"
        return f"mapped_column({arguments})" if arguments else ""

    @property
    def relationship(self) -> str:
        if self.field.type != "reference":
            return ""
        target = self.field.target
        return f"{target} | None" if self.field.nullable else target

    def api_field(self, *, create: bool) -> str:
        arguments = []
        if self.field.type == "str" and self.field.length != DEFAULT_LENGTH:
            arguments.append(f"max_length={self.field.length}")
        if self.field.type == "text":
            arguments.append(f"max_length={LONG_TEXT:_}")
        if create and self.field.required:
            arguments.append("required=True")
        if self.field.nullable:
            arguments.append("allow_none=True")
        if create and self.field.type == "bool":
            arguments.append('metadata={"description": "false when created"}')
        return f"{self.kind.api_field}({', '.join(arguments)})"

    @property
    def filter_field(self) -> str:
        name = FILTERS[self.field.type]
        if self.field.type == "str" and self.field.length != DEFAULT_LENGTH:
            return f"{name}(max_length={self.field.length})"
        if self.field.type == "reference":
            return f"{name}(maximum=INTEGER_MAX)"
        return f"{name}()"

    @property
    def article(self) -> str:
        """The article of the field's name, for the tests' names: ``an_article``, ``a_user``."""
        return "an" if self.field.name[0] in "aeiou" else "a"

    @property
    def target_words(self) -> str:
        """``BlogPost`` -> ``blog post``: how messages name the row a reference points to."""
        return words_of(self.field.target)

    def row_for(self, user: str, second: str) -> str:
        """A row this reference can point to, as the tests make it for ``user``."""
        if not self.maker:
            return user
        with_second = self.maker_second and second != "False"
        arguments = f"{user}, second={second}" if with_second else user
        return f"{self.maker}({arguments})"

    def sample(self, second: str) -> str:
        """The field's value in the tests' rows: the second sample when ``second`` is true."""
        if self.field.type == "bool":
            return f"not {second}"
        return f"{self.value(1)} if {second} else {self.value(0)}"

    def value(self, index: int) -> str:
        """A sample value, as Python (the tests' rows)."""
        return self._named(self.kind.values[index])

    def sent(self, index: int) -> str:
        """The same value, as a JSON body carries it (written as Python)."""
        return self._named(self.kind.sent[index])

    def _named(self, sample: str) -> str:
        return sample.replace("{title}", self.words.capitalize()).replace("{words}", self.words)

    @property
    def invalid(self) -> tuple[str, str] | None:
        """A value the API refuses, and why, when the type has one."""
        value, message = self.kind.invalid
        if not value:
            return None
        if self.field.type == "str":
            length = self.field.length
            return f'"x" * {length + 1}', f"must be at most {length} characters"
        return value, message

    def shown(self, row: str) -> str:
        attribute = f"{row}.{self.column_name}"
        shown = self.kind.shown.format(attribute)
        if self.field.nullable and shown != attribute:
            return f"{shown} if {attribute} is not None else None"
        return shown

    @property
    def query_value(self) -> str:
        """The first sample value, as a query string carries it."""
        value = ast.literal_eval(self.sent(0))
        return "true" if value is True else quote(str(value))

    @property
    def filter_invalid(self) -> tuple[str, str]:
        return FILTER_INVALID[self.field.type]


def words_of(model: str) -> str:
    """``BlogPost`` -> ``blog post``."""
    return snake_case(model).replace("_", " ")


def view_of(
    field: Field,
    *,
    table: str = "",
    ambiguous: bool = False,
    maker: str = "",
    maker_second: bool = False,
    scoped: bool = False,
) -> FieldView:
    words = field.name.replace("_", " ")
    kind = KINDS[field.type]
    return FieldView(field, kind, words, table, ambiguous, maker, maker_second, scoped)
