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
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from kiln.errors import KilnError, UsageError
from kiln.generate.spec import Access, Resource
from kiln.generate.types import FieldView, view_of

if TYPE_CHECKING:
    from kiln.generate.inventory import Inventory
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
    _refuse_clashes(resource, inventory)
    views = [view_of(field) for field in resource.fields]
    context = _context(project, resource, views)
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
    plan.changed_files[models] = _with_model(models, _render("model.py.jinja", context))
    app = package / "app.py"
    plan.changed_files[app] = _with_blueprint(app, resource.plural)
    _check_fields_module(package / "api" / "fields.py", views)
    return plan


def apply_plan(plan: Plan) -> None:
    for path, text in {**plan.new_files, **plan.changed_files}.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def _refuse_clashes(resource: Resource, inventory: Inventory) -> None:
    def refuse(what: str, fix: str) -> None:
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
        if reference.target not in inventory.models:
            known = ", ".join(sorted(inventory.models))
            refuse(
                f"{reference.name}:{reference.target} refers to no model of the app",
                f"refer to one of: {known}",
            )
        if reference.target != "User":
            refuse(
                f"{reference.name}:{reference.target}: kiln generates references to User only, "
                "for now (its tests make users with the make_user fixture)",
                "refer to User, or add this reference by hand after generating",
            )


def _context(project: Project, resource: Resource, views: list[FieldView]) -> dict[str, object]:
    references = [view for view in views if view.relationship]
    filters = [view for view in views if view.field.filterable]
    kinds = {view.field.type for view in views}
    test_imports = []
    for module, name in sorted({pair for view in views for pair in view.kind.test_imports}):
        test_imports.append(f"from {module} import {name}")
    field_classes = {view.kind.api_field for view in views} | {
        view.filter_field.partition("(")[0] for view in filters
    }
    words = resource.words
    plural_words = resource.plural.replace("_", " ")
    descriptions = {
        Access.OWNER: f"Your {plural_words}, yours only",
        Access.ADMIN: f"The {plural_words}, for admins only",
        Access.PUBLIC_READ: f"The {plural_words}: anyone reads them, admins change them",
    }
    guards = {Access.OWNER: "@blp.login_required", Access.ADMIN: "@blp.admin_required"}
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
        "uniques": [view for view in views if view.field.unique],
        "checks": bool(references) or any(view.field.unique for view in views),
        "filters": filters,
        "plain_filters": [view for view in filters if view.field.type != "reference"],
        "reference_filters": [view for view in filters if view.field.type == "reference"],
        "required": [view for view in views if view.field.required],
        "changes_fields": ", ".join(view.column_name for view in views),
        "several_to_users": len(references) + (resource.access is Access.OWNER) > 1,
        "model_imports": ", ".join(sorted({resource.model, *(r.field.target for r in references)})),
        "field_imports": ", ".join(
            sorted(field_classes, key=lambda name: (name[0].islower(), name))
        ),
        "id_constant": f"{resource.singular.upper()}_ID",
        "description": descriptions[resource.access],
        "write_guard": guards.get(resource.access, "@blp.admin_required"),
        "read_guard": guards.get(resource.access, ""),
        "test_imports": test_imports,
        "kinds": kinds,
    }


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


def _with_model(models: Path, model: str) -> str:
    """models.py with the new model at its end, and the names it uses imported."""
    source = _read(models)
    tree = ast.parse(source)
    bound = {
        alias.asname or alias.name
        for node in tree.body
        if isinstance(node, ast.ImportFrom | ast.Import)
        for alias in node.names
    } | {node.name for node in tree.body if isinstance(node, ast.ClassDef)}
    bound |= {
        target.id
        for node in tree.body
        if isinstance(node, ast.Assign)
        for target in node.targets
        if isinstance(target, ast.Name)
    }
    if "db" not in bound:
        raise _edit_refused(models, "it no longer imports db (from .extensions import db)")
    needed = _names_used(model) - bound - {"db", "self", "f"}
    imports = _imports_for(needed, models)
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
    return "".join(lines).rstrip("\n") + "\n" + model


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
}


def _names_used(code: str) -> set[str]:
    tree = ast.parse(code)
    return {node.id for node in ast.walk(tree) if isinstance(node, ast.Name)}


def _imports_for(names: set[str], models: Path) -> list[str]:
    lines = []
    for name in sorted(names):
        if name == "MAX_LENGTH":
            raise _edit_refused(models, "it no longer defines MAX_LENGTH")
        if name == "User":
            raise _edit_refused(models, "it no longer has the User model")
        module = _SOURCES.get(name)
        if module is not None:
            lines.append(f"from {module} import {name}")
    return lines


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
