"""``kiln new``: check the name, render a project template, start git, set up its ``.venv``."""

from kiln.scaffold.create import NewProject, create_project
from kiln.scaffold.kiln_source import KilnSource, running_kiln_source
from kiln.scaffold.names import package_name
from kiln.scaffold.templates import DEFAULT_TEMPLATE, available_templates
from kiln.scaffold.venv import INSTALL_COMMAND, Installer, choose_installer, create_venv

__all__ = [
    "DEFAULT_TEMPLATE",
    "INSTALL_COMMAND",
    "Installer",
    "KilnSource",
    "NewProject",
    "available_templates",
    "choose_installer",
    "create_project",
    "create_venv",
    "package_name",
    "running_kiln_source",
]
