"""The ``domains`` parameter: a string with commas or a list, each a valid domain name.

openbrokerapi hands parameters over as they came; everything here is the broker's own rule.
"""

from __future__ import annotations

import re

# A label: letters, digits and hyphens, not at either end, 63 characters at most (RFC 1123).
_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")
MAX_LENGTH = 253


class DomainsError(ValueError):
    """What is wrong with the parameter, in words the platform shows its user."""


def parse_domains(parameters: object, most: int) -> list[str]:
    """The domain names asked for, lower-cased, sorted, each once."""
    if not isinstance(parameters, dict) or "domains" not in parameters:
        raise DomainsError(
            'the "domains" parameter is required, e.g. -c \'{"domains": "example.com"}\''
        )
    given = parameters["domains"]
    if isinstance(given, str):
        given = given.split(",")
    if not isinstance(given, list) or not all(isinstance(name, str) for name in given):
        raise DomainsError('"domains" must be a string with commas or a list of strings')
    names = sorted({name.strip().lower().rstrip(".") for name in given if name.strip()})
    if not names:
        raise DomainsError('"domains" names no domain')
    invalid = [name for name in names if not is_domain_name(name)]
    if invalid:
        raise DomainsError(f"not valid domain names: {', '.join(invalid)}")
    if len(names) > most:
        raise DomainsError(f"this plan holds {most} domains at most, {len(names)} were given")
    return names


def is_domain_name(name: str) -> bool:
    """Whether ``name`` is a host name with at least two labels and a non-numeric top level."""
    labels = name.split(".")
    return (
        len(name) <= MAX_LENGTH
        and len(labels) >= 2
        and all(_LABEL.match(label) for label in labels)
        and not labels[-1].isdigit()
    )
