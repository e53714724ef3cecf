"""Problems found in a DMS document, and the one exception type the package raises.

Every problem carries where it is (a JSON path), which rule it belongs to (id and name),
and a message that says what was received and what would be valid, so a user can fix a
mapping without deploying it first. An :class:`Issue` is a :class:`~mappings.findings.Finding`
(the project's one result type), located by JSON path and rule.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from mappings.findings import Finding
from mappings.findings import Severity as Severity  # re-exported: it was defined here


@dataclass(frozen=True, slots=True)
class Issue(Finding):
    """One problem in a document: ``where`` is its JSON path, and the rule it belongs to is named."""

    rule_id: str | None = None
    rule_name: str | None = None

    @property
    def path(self) -> str:
        """The JSON path of the problem (``where``)."""
        return self.where

    @property
    def location(self) -> str:
        if self.rule_id is None and self.rule_name is None:
            return self.where
        return f"{self.where} (rule-id {self.rule_id!r}, rule-name {self.rule_name!r})"

    def to_json(self) -> dict[str, Any]:
        return {**Finding.to_json(self), "rule_id": self.rule_id, "rule_name": self.rule_name}


#: How many errors the exception message spells out; ``issues`` always holds them all.
MESSAGE_LIMIT = 25


class MappingError(ValueError):
    """Raised when a table-mapping or task-settings document is invalid.

    It carries every error found (not only the first) in ``issues``; warnings found in the
    same pass are kept in ``warnings`` so a caller can print them too.
    """

    def __init__(self, issues: Iterable[Issue], *, subject: str = "table mappings") -> None:
        all_issues = tuple(issues)
        self.issues: tuple[Issue, ...] = tuple(i for i in all_issues if i.is_error)
        self.warnings: tuple[Issue, ...] = tuple(i for i in all_issues if not i.is_error)
        count = len(self.issues)
        lines = [f"{count} error{'s' if count != 1 else ''} in {subject}:"]
        lines += [f"  {issue}" for issue in self.issues[:MESSAGE_LIMIT]]
        if count > MESSAGE_LIMIT:
            lines.append(f"  ... and {count - MESSAGE_LIMIT} more (all of them are in .issues)")
        super().__init__("\n".join(lines))


def raise_if_errors(issues: Iterable[Issue], *, subject: str = "table mappings") -> None:
    collected = list(issues)
    if any(i.is_error for i in collected):
        raise MappingError(collected, subject=subject)
