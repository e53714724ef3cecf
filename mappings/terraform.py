"""Terraform's template escapes, in one place for both halves of the project.

In Terraform JSON (and HCL) every string is a template: ``${...}`` is an interpolation and
``%{...}`` a directive. DMS placeholders such as ``${film_id}`` must reach DMS unchanged, so the
CDKTF half writes them escaped (``$${film_id}``, ``%%{``) and the tool half, which reads the
synthesized JSON back, undoes exactly that. Pure Python: the tool half imports no jsii.
"""

from __future__ import annotations

ESCAPES = ("$${", "%%{")


def escape(value: str) -> str:
    """``value`` as a Terraform string that evaluates to exactly ``value``."""
    return value.replace("${", "$${").replace("%{", "%%{")


def unescape(value: str) -> str:
    """What Terraform passes on for a string :func:`escape` produced."""
    return value.replace("$${", "${").replace("%%{", "%{")


def is_expression(value: str) -> bool:
    """True when Terraform would interpolate ``value`` (an unescaped ``${`` or ``%{``)."""
    return "${" in value.replace("$${", "") or "%{" in value.replace("%%{", "")
