"""Per-environment settings with provenance, validation and masking.

``load_config`` merges ``config/<env>.toml``, ``config/<env>.json``, ``.env`` and the process
environment over kiln's defaults, checks them against the schema, and reports every problem at once.
"""

from kiln.config.loader import load_config, load_config_with_database
from kiln.config.model import Config, Setting

__all__ = ["Config", "Setting", "load_config", "load_config_with_database"]
