"""Problems found in a DMS document, and the one exception type the package raises.

Every problem carries where it is (a JSON path), which rule it belongs to (id and name),
and a message that says what was received and what would be valid, so a user can fix a
mapping without deploying it first.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum


class Severity(StrEnum):
    """How bad a problem is: errors make DMS (or Terraform) fail, warnings are worth a look."""

    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, slots=True)
class Issue:
    """One problem, located by JSON path and rule."""

    severity: Severity
    code: str
    path: str
    message: str
    rule_id: str | None = None
    rule_name: str | None = None

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    def __str__(self) -> str:
        where = self.path
        if self.rule_id is not None or self.rule_name is not None:
            where += f" (rule-id {self.rule_id!r}, rule-name {self.rule_name!r})"
        return f"{self.severity}[{self.code}] {where}: {self.message}"


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
