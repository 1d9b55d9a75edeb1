"""``kiln new``: check the name, render a project template with copier, start a git repository."""

from kiln.scaffold.create import NewProject, create_project
from kiln.scaffold.names import package_name
from kiln.scaffold.templates import DEFAULT_TEMPLATE, available_templates

__all__ = [
    "DEFAULT_TEMPLATE",
    "NewProject",
    "available_templates",
    "create_project",
    "package_name",
]
