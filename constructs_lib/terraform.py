"""Terraform-JSON details that must be right in exactly one place.

In Terraform JSON every string is a template: ``${...}`` is an interpolation and ``%{...}`` a
directive. DMS placeholders such as ``${film_id}`` inside ``table_mappings`` would make
``terraform plan`` fail, so every user-supplied string goes through :func:`literal`, which writes
Terraform's escapes (``$${`` and ``%%{``) and DMS receives the text unchanged.
"""

from __future__ import annotations

from cdktf import Token

from constructs_lib.errors import ConstructValidationError
from mappings.terraform import escape, unescape

__all__ = ["literal", "literal_tags", "unescape"]


def literal(value: str, *, what: str = "value") -> str:
    """``value`` as a Terraform string that evaluates to exactly ``value``."""
    if Token.is_unresolved(value):
        raise ConstructValidationError(
            f"{what} is a Terraform reference ({value!r}); literal() escapes plain text only"
        )
    return escape(value)


def literal_tags(tags: dict[str, str] | None) -> dict[str, str] | None:
    if tags is None:
        return None
    return {literal(k, what="tag key"): literal(v, what=f"tag {k!r}") for k, v in tags.items()}
