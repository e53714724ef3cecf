"""A rule with its place in the document: what every check reports against (path, rule id, name)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from mappings.document.enums import (
    TargetEngine,
)
from mappings.document.rules import (
    Rule,
)
from mappings.errors import Issue, Severity


@dataclass(frozen=True, slots=True)
class Located:
    """A rule with its index, for paths and messages."""

    index: int
    rule: Rule

    @property
    def path(self) -> str:
        return f"$.rules[{self.index}]"

    def issue(self, severity: Severity, code: str, suffix: str, message: str) -> Issue:
        rule_id = None if self.rule.rule_id is None else str(self.rule.rule_id)
        return Issue(severity, code, self.path + suffix, message, rule_id, self.rule.rule_name)

    def error(self, code: str, suffix: str, message: str) -> Issue:
        return self.issue(Severity.ERROR, code, suffix, message)

    def warning(self, code: str, suffix: str, message: str) -> Issue:
        return self.issue(Severity.WARNING, code, suffix, message)


@dataclass(frozen=True, slots=True)
class Entry:
    """A rule known only by position, id and name (it may not have parsed)."""

    index: int
    rule_id: object
    rule_name: object

    def _issue(self, severity: Severity, code: str, suffix: str, message: str) -> Issue:
        rule_id = str(self.rule_id) if isinstance(self.rule_id, (str, int)) else None
        name = self.rule_name if isinstance(self.rule_name, str) else None
        return Issue(severity, code, f"$.rules[{self.index}]{suffix}", message, rule_id, name)

    def error(self, code: str, suffix: str, message: str) -> Issue:
        return self._issue(Severity.ERROR, code, suffix, message)

    def warning(self, code: str, suffix: str, message: str) -> Issue:
        return self._issue(Severity.WARNING, code, suffix, message)


Check = Callable[[Sequence[Located], TargetEngine | None], Iterable[Issue]]
