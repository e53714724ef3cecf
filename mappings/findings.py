"""One finding type for every check in the project, and one renderer each for text and JSON.

Validation (:class:`mappings.errors.Issue`), the guard-rails, the preflight and the cutover gate
all report the same five things: how bad it is, a stable code, where, what is wrong, and what to do.
So a check is one :class:`Finding` (or a subclass that adds its own location detail, as ``Issue``
adds the rule), and every command prints findings through :func:`render_text` or :func:`render_json`
instead of each type rendering itself.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

__all__ = ["Finding", "Severity", "render_json", "render_text"]


class Severity(StrEnum):
    """How bad a finding is: errors make DMS (or Terraform) fail, warnings are worth a look, ok is a check that held."""

    ERROR = "error"
    WARNING = "warning"
    OK = "ok"


@dataclass(frozen=True, slots=True)
class Finding:
    """One result of one check: severity, a stable code, where, what is wrong (or what held), what to do."""

    severity: Severity
    code: str
    where: str
    message: str
    #: What to do about it; None when there is nothing to do (or the message says it).
    fix: str | None = field(default=None, kw_only=True)

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    @property
    def location(self) -> str:
        """``where``, with whatever a subclass knows besides (a rule's id and name)."""
        return self.where

    def to_json(self) -> dict[str, Any]:
        """The finding as a JSON object: the five fields, then a subclass's own."""
        return {
            "severity": self.severity.value,
            "code": self.code,
            "where": self.where,
            "message": self.message,
            "fix": self.fix,
        }

    def __str__(self) -> str:
        return f"{self.severity}[{self.code}] {self.location}: {self.message}"


def render_text(findings: Iterable[Finding]) -> str:
    """One line per finding (``severity[code] where: message``), its fix indented on the next."""
    lines = []
    for finding in findings:
        lines.append(str(finding))
        if finding.fix:
            lines.append(f"    fix: {finding.fix}")
    return "\n".join(lines)


def render_json(findings: Iterable[Finding]) -> str:
    """A JSON array of findings, one object each (see :meth:`Finding.to_json`)."""
    return json.dumps([finding.to_json() for finding in findings], indent=2, ensure_ascii=False)
