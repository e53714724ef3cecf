"""Errors raised while defining constructs: they name the prop, the value and what is allowed."""

from __future__ import annotations

from constructs import Construct


class ConstructValidationError(ValueError):
    """A prop (or a combination of props) is invalid; raised before anything is synthesized."""

    def __init__(self, message: str, scope: Construct | None = None) -> None:
        where = f" (at {scope.node.path})" if scope is not None else ""
        super().__init__(f"{message}{where}")


def require(condition: bool, message: str, scope: Construct | None = None) -> None:
    if not condition:
        raise ConstructValidationError(message, scope)
