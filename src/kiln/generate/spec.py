"""What ``kiln generate resource NAME FIELD:TYPE…`` was asked for, checked before anything runs.

A field is ``name:type``: ``str`` (``str:80`` for a length), ``text``, ``int``, ``bool``,
``decimal``, ``date``, ``datetime``, ``uuid``, ``json``, or a model's name (``owner:User``) for a
reference to it; ``?`` after the type makes it nullable, ``!`` unique (``slug:str!``).
"""

from __future__ import annotations

import keyword
import re
from dataclasses import dataclass
from enum import Enum

from kiln.errors import UsageError

WHERE = "kiln generate resource NAME FIELD:TYPE..."
TYPES = ("str", "text", "int", "bool", "decimal", "date", "datetime", "uuid", "json")
DEFAULT_LENGTH = 128
MAX_LENGTH = 10_485_760  # PostgreSQL's varchar(n) limit
_MODEL = re.compile(r"[A-Z][A-Za-z0-9]*")
_FIELD = re.compile(r"[a-z][a-z0-9_]*")
_SPEC = re.compile(r"(?P<name>[^:]+):(?P<type>[^:?!]+)(?::(?P<length>[^?!]*))?(?P<flags>[?!]*)")
# Columns every generated model has, and attributes SQLAlchemy's declarative base reserves.
_RESERVED = frozenset({"id", "created_date", "metadata", "registry", "query", "query_class"})
# Names the generated blueprint's checks use, which a field's variable there would hide.
_USED = frozenset({"fields", "holders", "db", "select", "abort"})


class Access(Enum):
    """Who may do what with a resource's rows."""

    OWNER = "owner"  # each user their own rows, as /todos
    ADMIN = "admin"  # admins only
    PUBLIC_READ = "public-read"  # anyone reads; admins write


ACCESS_RULES = tuple(rule.value for rule in Access)


@dataclass(frozen=True)
class Field:
    """One field: its column, its place in the API, its type."""

    name: str
    type: str  # one of TYPES, or "reference"
    nullable: bool = False
    unique: bool = False
    length: int = DEFAULT_LENGTH
    target: str = ""  # the model a reference points to

    @property
    def column(self) -> str:
        """The attribute the API reads and writes: ``owner_id`` for a reference ``owner``."""
        return f"{self.name}_id" if self.type == "reference" else self.name

    @property
    def required(self) -> bool:
        """Must a create send it? Not when it may be null, nor a flag (false by default)."""
        return not self.nullable and self.type != "bool"

    @property
    def filterable(self) -> bool:
        """Can the list be filtered on it (equality)? Not on long text, amounts, moments, JSON."""
        return self.type in ("str", "bool", "date", "uuid", "reference") and not self.unique


@dataclass(frozen=True)
class Resource:
    """A resource: its model's name, its plural, its fields and its access rule."""

    model: str
    plural: str
    fields: tuple[Field, ...]
    access: Access

    @property
    def singular(self) -> str:
        """``BlogPost`` -> ``blog_post``: the snake_case name of one row."""
        return snake_case(self.model)

    @property
    def words(self) -> str:
        """``BlogPost`` -> ``blog post``: how messages name a row."""
        return self.singular.replace("_", " ")

    @property
    def article(self) -> str:
        return "an" if self.words[0] in "aeiou" else "a"

    @property
    def references(self) -> tuple[Field, ...]:
        return tuple(field for field in self.fields if field.type == "reference")


def parse_resource(name: str, specs: list[str], access: str, plural: str | None) -> Resource:
    """The resource the command line asks for; a ``UsageError`` names the first mistake."""
    if not _MODEL.fullmatch(name):
        raise UsageError(
            f"{name!r} is not a model name: it must be CamelCase ASCII, starting with a capital",
            where=WHERE,
            fix="name the model in the singular, e.g. Article or BlogPost",
        )
    if keyword.iskeyword(name.lower()) or keyword.iskeyword(name):
        raise _keyword(name, "the model")
    if not specs:
        raise UsageError(
            "no fields given", where=WHERE, fix="name at least one, e.g. title:str body:text"
        )
    fields = tuple(_field(spec) for spec in specs)
    seen: set[str] = set()
    for field in fields:
        columns = {field.name, field.column}
        if columns & seen:
            raise UsageError(f"the field {field.name!r} is given twice", where=WHERE, fix=_ONCE)
        seen |= columns
    rule = Access(access)
    if rule is Access.OWNER and {"owner", "owner_id"} & seen:
        raise UsageError(
            "the field 'owner' is the one --access owner adds (the user who made the row)",
            where=WHERE,
            fix="drop it, rename it, or choose --access admin or --access public-read",
        )
    for field in fields:
        if field.target == name:
            raise UsageError(
                f"{field.name}:{name} refers to the model being generated; kiln generates "
                "references to other models only (a row pointing at a row of its own kind needs "
                "choices kiln cannot make for you: what deleting the parent does, how deep)",
                where=WHERE,
                fix=f"generate {name} without it, then add {field.name}_id by hand",
            )
    plural = plural or _plural(name)
    resource = Resource(name, plural, fields, rule)
    if not _FIELD.fullmatch(plural) or keyword.iskeyword(plural):
        raise UsageError(
            f"the plural {plural!r} cannot name the table, URL and module",
            where="kiln generate resource --plural",
            fix="give a snake_case plural, e.g. --plural blog_posts",
        )
    return resource


_ONCE = "give each field once"


def _field(spec: str) -> Field:
    match = _SPEC.fullmatch(spec)
    if match is None:
        raise UsageError(
            f"{spec!r} is not a field: write NAME:TYPE, e.g. title:str or owner:User?",
            where=WHERE,
            fix=f"TYPE is one of {', '.join(TYPES)}, or a model's name; ? nullable, ! unique",
        )
    name, kind, flags = match["name"], match["type"], match["flags"]
    if not _FIELD.fullmatch(name):
        raise UsageError(
            f"the field name {name!r} must be snake_case ASCII, starting with a letter",
            where=spec,
            fix="rename it, e.g. published_on",
        )
    if keyword.iskeyword(name) or keyword.issoftkeyword(name):
        raise _keyword(name, "a field")
    if name in _RESERVED:
        raise UsageError(
            f"the field name {name!r} is taken: every generated model has id and created_date, "
            "and SQLAlchemy reserves metadata, registry and query",
            where=spec,
            fix="choose another name",
        )
    if name in _USED:
        raise UsageError(
            f"the field name {name!r} would hide a name the generated code uses",
            where=spec,
            fix="choose another name",
        )
    nullable, unique = "?" in flags, "!" in flags
    if _MODEL.fullmatch(kind):
        if match["length"] is not None:
            raise UsageError(f"a reference has no length: {spec!r}", where=spec, fix=_REF)
        return Field(name, "reference", nullable, unique, target=kind)
    if kind not in TYPES:
        raise UsageError(
            f"unknown type {kind!r} in {spec!r}",
            where=spec,
            fix=f"use one of {', '.join(TYPES)}, or a model's name (CamelCase) for a reference",
        )
    if match["length"] is not None and kind != "str":
        raise UsageError(f"only str takes a length: {spec!r}", where=spec, fix="write str:80")
    return Field(name, kind, nullable, unique, _length(match["length"], spec))


_REF = "write name:Model, e.g. owner:User"


def _length(text: str | None, spec: str) -> int:
    if text is None:
        return DEFAULT_LENGTH
    if not text.isdigit() or not 1 <= int(text) <= MAX_LENGTH:
        raise UsageError(
            f"the length in {spec!r} must be a whole number from 1 to {MAX_LENGTH}",
            where=spec,
            fix="write e.g. title:str:80",
        )
    return int(text)


def _keyword(name: str, what: str) -> UsageError:
    return UsageError(
        f"{name!r} is a Python keyword and cannot name {what}",
        where=WHERE,
        fix="choose another name (e.g. add a word: class -> school_class)",
    )


def snake_case(model: str) -> str:
    """``BlogPost`` -> ``blog_post``: how a model's name reads in Python names and tables."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", model).lower()


def _plural(model: str) -> str:
    """The table's name: ``Category`` -> ``categories``, ``BlogPost`` -> ``blog_posts``."""
    singular = snake_case(model)
    if re.search(r"[^aeiou]y$", singular):
        return singular[:-1] + "ies"
    if re.search(r"(s|x|z|ch|sh)$", singular):
        return singular + "es"
    return singular + "s"
