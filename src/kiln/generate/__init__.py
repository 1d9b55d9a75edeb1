"""``kiln generate resource``: a whole resource added to an api project in one command."""

from kiln.generate.resource import Plan, apply_plan, plan_resource
from kiln.generate.spec import ACCESS_RULES, Access, Field, Resource, parse_resource

__all__ = [
    "ACCESS_RULES",
    "Access",
    "Field",
    "Plan",
    "Resource",
    "apply_plan",
    "parse_resource",
    "plan_resource",
]
