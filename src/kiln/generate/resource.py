"""The files a resource adds or changes, planned whole before one is written.

New files (the blueprint, its tests, its scenario) are refused when they exist: a file the user
wrote is never overwritten. Existing ones (models.py, app.py) only gain lines, at places found
before anything is written; when one of them is no longer as the template made it, the command
stops and says what to add by hand. Then Alembic writes the migration through ``kiln db
migrate``, and ruff tidies the imports of the files it touched, as a user would.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from kiln.errors import KilnError, UsageError
from kiln.generate.spec import Access, Field, Resource, snake_case
from kiln.generate.types import FieldView, view_of

if TYPE_CHECKING:
    from kiln.generate.inventory import Column, Inventory, Model
    from kiln.project import Project

TEMPLATES = Path(__file__).resolve().parent.parent / "templates" / "api" / "generators" / "resource"
WHERE = "kiln generate resource"
_REGISTRATION = re.compile(
    r"^(\s*for module in \()([^)]*)(\):\s*\n\s*api\.register_blueprint)", re.M
)
# What api/fields.py must offer the generated schemas: the api template's own since kiln 0.1.
_FIELD_CLASSES = frozenset(
    {"Text", "Flag", "Number", "Id", "Amount", "Day", "Moment", "Identifier", "JSONValue"}
)

# Where each name the model templates use comes from.
_SOURCES = {
    **dict.fromkeys(
        ("DateTime", "ForeignKey", "JSON", "Numeric", "String", "Text", "false", "func"),
        "sqlalchemy",
    ),
    **dict.fromkeys(("Mapped", "mapped_column", "relationship"), "sqlalchemy.orm"),
    "date": "datetime",
    "datetime": "datetime",
    "Decimal": "decimal",
    "UUID": "uuid",
    "Any": "typing",
    "MAX_LENGTH": "",  # models.py's own
}
# Where each name the fixtures tests share (tests/conftest.py) use comes from; the models are
# added to it.
_TEST_SOURCES = {
    "pytest": "pytest",
    "Callable": "collections.abc",
    "SQLAlchemy": "flask_sqlalchemy",
    "date": "datetime",
    "datetime": "datetime",
    "UTC": "datetime",
    "Decimal": "decimal",
    "UUID": "uuid",
}


@dataclass
class Plan:
    """What ``kiln generate resource`` will write: whole new files, and lines added to others."""

    resource: Resource
    new_files: dict[Path, str] = field(default_factory=dict)
    changed_files: dict[Path, str] = field(default_factory=dict)

    def paths(self, root: Path) -> list[str]:
        new = [f"new      {path.relative_to(root)}" for path in self.new_files]
        changed = [f"changed  {path.relative_to(root)}" for path in self.changed_files]
        return new + changed


def plan_resource(project: Project, resource: Resource, inventory: Inventory) -> Plan:
    """Every file the resource writes, checked for clashes; nothing is written yet."""
    package = project.package_dir
    _refuse_clashes(resource, inventory, f"{project.package}.models")
    conftest = project.root / "tests" / "conftest.py"
    makers = _makers(_read(conftest))
    views = [_view(field, resource, inventory, makers) for field in resource.fields]
    context = _context(project, resource, views, inventory)
    plan = Plan(resource)
    for template, path in (
        ("blueprint.py.jinja", package / "api" / f"{resource.plural}.py"),
        ("test.py.jinja", project.root / "tests" / "functional" / f"test_{resource.plural}.py"),
        ("scenario.py.jinja", project.scenarios_dir / f"{resource.plural}.py"),
    ):
        if path.exists():
            raise KilnError(
                f"{path.name} exists already; kiln never overwrites a file",
                where=str(path.relative_to(project.root)),
                fix="move it away (or choose another --plural), then run the command again",
            )
        plan.new_files[path] = _render(template, context)
    models = package / "models.py"
    plan.changed_files[models] = _appended(models, _render("model.py.jinja", context), _SOURCES)
    if context["maker"] in makers:
        raise KilnError(
            f"tests/conftest.py has a {context['maker']} fixture already, which the resource's "
            "tests would define",
            where=str(conftest),
            fix="rename or remove that fixture, or choose another model name",
        )
    # Models written by hand get a fixture like the generated ones, for their rows to be made.
    missing = sorted({view.field.target for view in views if view.maker not in ("", *makers)})
    fixtures = [_render("maker.py.jinja", _maker_context(inventory.models[t])) for t in missing]
    fixtures.append(_render("maker.py.jinja", context))
    test_sources = {
        **_TEST_SOURCES,
        **dict.fromkeys(inventory.models.keys() | {resource.model}, f"{project.package}.models"),
    }
    plan.changed_files[conftest] = _appended(conftest, "".join(fixtures), test_sources)
    app = package / "app.py"
    plan.changed_files[app] = _with_blueprint(app, resource.plural)
    _check_fields_module(package / "api" / "fields.py", views)
    return plan


def apply_plan(plan: Plan) -> None:
    for path, text in {**plan.new_files, **plan.changed_files}.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def _refuse_clashes(resource: Resource, inventory: Inventory, models_module: str) -> None:
    def refuse(what: str, fix: str) -> NoReturn:
        raise UsageError(what, where=f"{WHERE} {resource.model}", fix=fix)

    if resource.model in inventory.models:
        refuse(f"the app has a model {resource.model} already", "choose another name")
    if resource.plural in inventory.tables:
        refuse(
            f"the database has a table {resource.plural} already",
            "choose another name, or another table with --plural",
        )
    prefix = f"/{resource.plural}"
    if any(rule == prefix or rule.startswith(f"{prefix}/") for rule in inventory.rules):
        refuse(f"the app serves {prefix} already", "choose another --plural")
    if resource.plural in inventory.blueprints:
        refuse(f"the app has a blueprint named {resource.plural}", "choose another --plural")
    for reference in resource.references:
        target = inventory.models.get(reference.target)
        if target is None:
            known = ", ".join(sorted(inventory.models))
            refuse(
                f"{reference.name}:{reference.target} refers to no model of the app",
                f"refer to one of: {known}",
            )
        if target.module != models_module:
            refuse(
                f"{reference.name}:{reference.target}: {reference.target} is defined in "
                f"{target.module}, and kiln refers only to the models of {models_module}",
                "move the model there, or add this reference by hand after generating",
            )
        if target.name != "User":
            for column in target.required:
                why = _unfillable(column)
                if why:
                    refuse(
                        f"{reference.name}:{reference.target}: the tests and the scenario must "
                        f"make {target.name} rows, and its column {column.name} {why}",
                        f"give {target.name}.{column.name} a default (or make it nullable), "
                        "or add this reference by hand after generating",
                    )


def _unfillable(column: Column) -> str:
    """Why kiln cannot give a new row this column ("" when it can)."""
    if column.target and column.target != "User":
        return f"refers to {column.target} (kiln makes rows one reference deep)"
    if column.target and not column.relationship:
        return "is a foreign key to users without a relationship() to set it"
    if not column.target and not column.kind:
        return "has a type kiln has no sample value for"
    return ""


def _makers(conftest: str) -> dict[str, bool]:
    """The ``make_...`` fixtures of tests/conftest.py, and whether each takes ``second=``."""
    found = {}
    for node in ast.parse(conftest).body:
        if isinstance(node, ast.FunctionDef) and node.name.startswith("make_"):
            inner = [child for child in node.body if isinstance(child, ast.FunctionDef)]
            arguments = inner[0].args if inner else node.args
            names = {argument.arg for argument in [*arguments.args, *arguments.kwonlyargs]}
            found[node.name] = "second" in names
    return found


def _view(
    field: Field, resource: Resource, inventory: Inventory, makers: dict[str, bool]
) -> FieldView:
    if field.type != "reference":
        return view_of(field)
    pointing = [other for other in resource.references if other.target == field.target]
    owners = int(resource.access is Access.OWNER and field.target == "User")
    maker = "" if field.target == "User" else f"make_{snake_case(field.target)}"
    target = inventory.models[field.target]
    return view_of(
        field,
        table=target.table,
        ambiguous=len(pointing) + owners > 1,
        maker=maker,
        maker_second=makers.get(maker, True),  # one kiln writes takes it
        scoped=target.owned and resource.access is Access.OWNER,
    )


def _context(
    project: Project,
    resource: Resource,
    views: list[FieldView],
    inventory: Inventory,
) -> dict[str, object]:
    references = [view for view in views if view.relationship]
    filters = [view for view in views if view.field.filterable]
    kinds = {view.field.type for view in views}
    targets = sorted({view.field.target for view in references} - {"User"})
    rows = [_row_of(inventory.models[target]) for target in targets]
    row_fields = [view for _, _, fields in rows for view in fields]
    test_imports = _import_lines(
        pair for view in [*views, *row_fields] for pair in view.kind.test_imports
    )
    field_classes = {view.kind.api_field for view in views} | {
        view.filter_field.partition("(")[0] for view in filters
    }
    if any(view.field.type == "reference" for view in filters):
        field_classes.add("INTEGER_MAX")
    words = resource.words
    plural_words = resource.plural.replace("_", " ")
    descriptions = {
        Access.OWNER: f"Your {plural_words}, yours only",
        Access.ADMIN: f"The {plural_words}, for admins only",
        Access.PUBLIC_READ: f"The {plural_words}: anyone reads them, admins change them",
    }
    guards = {Access.OWNER: "@blp.login_required", Access.ADMIN: "@blp.admin_required"}
    makers = {view.maker: view.field.target for view in references if view.maker}
    row_names = {target: _row_name(target) for target in targets} | {"User": "ada"}
    # One row of each model referred to, shared by the references to it (it may have uniques).
    first_of = {view.field.target: view for view in reversed(references)}
    assignments = [("owner", "user")] if resource.access is Access.OWNER else []
    for view in views:
        if view.field.type != "reference":
            assignments.append((view.name, view.sample("second")))
        else:
            assignments.append((view.name, row_names[view.field.target] if view.maker else "user"))
    return {
        "package": project.package,
        "model": resource.model,
        "plural": resource.plural,
        "plural_words": plural_words,
        "singular": resource.singular,
        "words": words,
        "article": resource.article,
        "access": resource.access.value,
        "fields": views,
        "first": views[0],
        "references": references,
        "scoped": [view for view in references if view.scoped],
        "uniques": [view for view in views if view.field.unique],
        "checks": bool(references) or any(view.field.unique for view in views),
        "filters": filters,
        "plain_filters": [view for view in filters if view.field.type != "reference"],
        "reference_filters": [view for view in filters if view.field.type == "reference"],
        "required": [view for view in views if view.field.required],
        "changes_fields": ", ".join(view.column_name for view in views),
        # A name no body may carry: the tests send it to see it refused.
        "unknown_field": next(
            name
            for name in ("user_id", "owner_id", "author_id", "unknown_id")
            if name not in {view.column_name for view in views}
        ),
        "owner_ambiguous": resource.access is Access.OWNER
        and any(view.field.target == "User" for view in references),
        "model_imports": ", ".join(sorted({resource.model, *(r.field.target for r in references)})),
        "test_models": ", ".join(sorted({resource.model, "User", *targets})),
        "field_imports": ", ".join(
            sorted(field_classes, key=lambda name: (not name.isupper(), name[0].islower(), name))
        ),
        "id_constant": f"{resource.singular.upper()}_ID",
        "description": descriptions[resource.access],
        "write_guard": guards.get(resource.access, "@blp.admin_required"),
        "read_guard": guards.get(resource.access, ""),
        "test_imports": test_imports,
        "kinds": kinds,
        # The tests' fixture that inserts a row (tests/conftest.py), and those it uses.
        "maker": f"make_{resource.singular}",
        "makers": sorted(makers.items()),
        "assignments": assignments,
        "rows": [(row_names[t], first_of[t].row_for("user", "second")) for t in targets],
        "body_rows": [(row_names[t], first_of[t].row_for("ada", "True")) for t in targets],
        "row_names": row_names,
        # The scenario: one row of each model referred to (but users: ada), before its own.
        "target_rows": [(name, model, _scenario_values(fields)) for name, model, fields in rows],
    }


def _row_name(model: str) -> str:
    """The variable that holds a row of ``model`` in the generated tests and scenario."""
    name = snake_case(model)
    return f"the_{name}" if name in ("ada", "db", "load", "make", "second", "user") else name


def _row_of(model: Model) -> tuple[str, str, list[FieldView]]:
    """A row of ``model`` for the scenario: its variable, its model, its required columns."""
    fields = [
        view_of(Field(column.relationship, "reference", target="User"))
        if column.target
        else view_of(Field(column.name, column.kind))
        for column in model.required
    ]
    return _row_name(model.name), model.name, fields


def _scenario_values(fields: list[FieldView]) -> list[tuple[str, str]]:
    return [(view.name, "ada" if view.relationship else view.value(0)) for view in fields]


def _maker_context(model: Model) -> dict[str, object]:
    """The context of maker.py.jinja for a model kiln did not generate (written by hand)."""
    _, _, fields = _row_of(model)
    singular = snake_case(model.name)
    words = singular.replace("_", " ")
    assignments = [
        (view.name, "user" if view.relationship else view.sample("second")) for view in fields
    ]
    return {
        "maker": f"make_{singular}",
        "model": model.name,
        "singular": singular,
        "words": words,
        "article": "an" if words[0] in "aeiou" else "a",
        "makers": [],
        "rows": [],
        "assignments": assignments,
    }


def _import_lines(pairs: Iterable[tuple[str, str]]) -> list[str]:
    return [f"from {module} import {name}" for module, name in sorted(set(pairs))]


def _render(template: str, context: dict[str, object]) -> str:
    import jinja2

    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        autoescape=False,
    )
    return environment.get_template(template).render(context)


def _appended(path: Path, code: str, sources: dict[str, str]) -> str:
    """``path``'s source with ``code`` at its end, and the names it uses imported (``sources``:
    where each comes from; "" for a name the file must define itself)."""
    source = _read(path)
    tree = ast.parse(source)
    bound = {
        alias.asname or alias.name
        for node in tree.body
        if isinstance(node, ast.ImportFrom | ast.Import)
        for alias in node.names
    } | {node.name for node in tree.body if isinstance(node, ast.ClassDef | ast.FunctionDef)}
    bound |= {
        target.id
        for node in tree.body
        if isinstance(node, ast.Assign)
        for target in node.targets
        if isinstance(target, ast.Name)
    }
    if "db" not in bound and path.name == "models.py":
        raise _edit_refused(path, "it no longer imports db (from .extensions import db)")
    imports = []
    for name in sorted(_names_used(code) & sources.keys() - bound):
        if not sources[name]:
            raise _edit_refused(path, f"it no longer defines {name}")
        if sources[name] == name:
            imports.append(f"import {name}")
        else:
            imports.append(f"from {sources[name]} import {name}")
    last_import = max(
        (
            node.end_lineno or 0
            for node in tree.body
            if isinstance(node, ast.Import | ast.ImportFrom)
        ),
        default=0,
    )
    lines = source.splitlines(keepends=True)
    lines[last_import:last_import] = [f"{line}\n" for line in imports]
    return "".join(lines).rstrip("\n") + "\n" + code


def _names_used(code: str) -> set[str]:
    tree = ast.parse(code)
    return {node.id for node in ast.walk(tree) if isinstance(node, ast.Name)}


def _with_blueprint(app: Path, plural: str) -> str:
    """app.py with the blueprint imported and registered beside the others."""
    source = _read(app)
    match = _REGISTRATION.search(source)
    if match is None or "from .api import " not in source:
        raise _edit_refused(
            app,
            "it no longer registers the blueprints in `for module in (...): "
            "api.register_blueprint(module.blp)` after `from .api import ...`",
        )
    modules = match[2].rstrip(", ")
    registered = source[: match.start(2)] + f"{modules}, {plural}" + source[match.end(2) :]
    return re.sub(r"^(from \.api import .*)$", rf"\1, {plural}", registered, count=1, flags=re.M)


def _check_fields_module(fields: Path, views: list[FieldView]) -> None:
    source = _read(fields)
    defined = {
        node.name
        for node in ast.parse(source).body
        if isinstance(node, ast.ClassDef | ast.FunctionDef)
    }
    needed = {view.kind.api_field for view in views} & _FIELD_CLASSES
    missing = sorted(needed - defined)
    if missing:
        raise KilnError(
            f"api/fields.py has no {', '.join(missing)}, which the generated schemas use",
            where=str(fields),
            fix="bring the project up to the template with kiln update, or define them there",
        )


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except OSError as error:
        raise KilnError(
            f"cannot read it: {error.strerror}; kiln generate resource works on projects made "
            "from the api template",
            where=str(path),
            fix="run it in a project made by kiln new (--template api)",
        ) from None


def _edit_refused(path: Path, why: str) -> KilnError:
    return KilnError(
        f"cannot add the resource to {path.name}: {why}; nothing was written",
        where=str(path),
        fix="restore that part as the api template has it, or add the resource by hand",
    )
