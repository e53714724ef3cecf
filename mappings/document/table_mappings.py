"""The table-mapping document: ``{"rules": [...]}`` in, exact DMS JSON out.

A :class:`TableMappings` is always valid: building one (from Python or from JSON) runs every
check that needs no knowledge of the target, and raises :class:`MappingError` listing all errors.
Target-specific checks (DynamoDB gets the deepest) run in :meth:`TableMappings.check`.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from mappings.document._json import loads_strict, strip_nulls
from mappings.document._wire import INVALID, ParseContext, parse_model
from mappings.document.enums import RuleType, TargetEngine
from mappings.document.rules import RULE_CLASSES, Rule
from mappings.errors import Issue, MappingError, Severity, raise_if_errors
from mappings.validation.rule_checks import check_rules, check_target, infer_target, rule_id_issues

_ALLOWED_TYPES = ", ".join(repr(t.value) for t in RuleType)


@dataclass(frozen=True)
class TableMappings:
    """A validated DMS table-mapping document.

    Rules without a ``rule_id`` get the lowest unused positive integer ids, in order; rules
    without a ``rule_name`` are named after their id (as the DMS console does).
    """

    rules: tuple[Rule, ...]

    def __post_init__(self) -> None:
        rules = _with_ids(tuple(self.rules))
        object.__setattr__(self, "rules", rules)
        raise_if_errors(self._generic_issues)

    @cached_property
    def _compact_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, separators=(",", ":"))

    @cached_property
    def _generic_issues(self) -> list[Issue]:
        """Problems that hold whatever the target (computed once: the model is immutable)."""
        size = len(self._compact_json.encode())
        return check_rules(self.rules, document_size=size)

    # ------------------------------------------------------------------ output

    def to_dict(self) -> dict[str, Any]:
        """The DMS document as plain JSON data."""
        return {"rules": [rule.to_dict() for rule in self.rules]}

    def to_json(self, *, indent: int | None = None) -> str:
        """The DMS document as JSON text, byte-for-byte deterministic."""
        if indent is None:
            return self._compact_json
        return json.dumps(self.to_dict(), indent=indent, ensure_ascii=False, separators=(",", ": "))

    # ------------------------------------------------------------------ input

    @classmethod
    def from_dict(cls, data: Any, *, target: TargetEngine | None = None) -> TableMappings:
        """Read a DMS document (hand-written or read back from DMS, ``null``s and all)."""
        parsed = parse_document(strip_nulls(data))
        if not parsed.complete or any(i.is_error for i in parsed.issues):
            raise MappingError(parsed.all_issues(target))
        try:
            mappings = cls(tuple(parsed.rules))  # runs the target-independent checks, once
        except MappingError as exc:
            raise MappingError([*exc.issues, *exc.warnings, *check_target(parsed.rules, target)]) from None
        raise_if_errors(check_target(mappings.rules, target))
        return mappings

    @classmethod
    def from_json(cls, text: str | bytes, *, target: TargetEngine | None = None) -> TableMappings:
        return cls.from_dict(loads_strict(text), target=target)

    # ------------------------------------------------------------------ checks

    def check(self, target: TargetEngine | None = None) -> list[Issue]:
        """Every error and warning for ``target`` (inferred from the rules when not given)."""
        return self._generic_issues + check_target(self.rules, target or infer_target(self.rules))

    def validate(self, target: TargetEngine | None = None) -> list[Issue]:
        """Raise on errors for ``target``; return the warnings."""
        issues = self.check(target)
        raise_if_errors(issues)
        return issues

    @property
    def warnings(self) -> list[Issue]:
        return [i for i in self.check() if not i.is_error]

    def rules_of(self, kind: type[Rule]) -> list[Rule]:
        return [r for r in self.rules if isinstance(r, kind)]


def _with_ids(rules: tuple[Rule, ...]) -> tuple[Rule, ...]:
    used = {str(r.rule_id) for r in rules if r.rule_id is not None}
    if len(used) == len(rules) and all(r.rule_name is not None for r in rules):
        return rules
    next_id = 1
    out: list[Rule] = []
    for rule in rules:
        if rule.rule_id is None:
            while str(next_id) in used:
                next_id += 1
            used.add(str(next_id))
            rule = dataclasses.replace(rule, rule_id=str(next_id))
        if rule.rule_name is None:
            rule = dataclasses.replace(rule, rule_name=str(rule.rule_id))
        out.append(rule)
    return tuple(out)


@dataclass(frozen=True, slots=True)
class ParsedDocument:
    """What the parser made of a document: the rules that parsed, where they were, the problems."""

    rules: list[Rule]
    indexes: list[int]
    issues: list[Issue]
    complete: bool

    def all_issues(self, target: TargetEngine | None = None) -> list[Issue]:
        """Shape problems plus every meaning check that can run on what parsed."""
        return self.issues + check_rules(self.rules, target, indexes=self.indexes, complete=self.complete)


def parse_document(data: Any) -> ParsedDocument:
    """Parse the envelope and every rule, collecting all shape problems."""
    issues: list[Issue] = []
    ctx = ParseContext(issues)
    if not isinstance(data, dict) or "rules" not in data:
        got = f"an object with keys {sorted(data)}" if isinstance(data, dict) else type(data).__name__
        ctx.error(
            "no-rules-key",
            'a table-mapping document is a JSON object {"rules": [...]}; got '
            f"{got}. DMS answers 'Valid Table mappings is required'",
        )
        return ParsedDocument([], [], issues, complete=False)
    for key in data:
        if key != "rules":
            ctx.child(key).error("unknown-key", f"unknown key {key!r}; the document has only 'rules'")
    raw_rules = data["rules"]
    if not isinstance(raw_rules, list):
        ctx.child("rules").error("wrong-type", "'rules' must be an array of rule objects")
        return ParsedDocument([], [], issues, complete=False)
    rules: list[Rule] = []
    indexes: list[int] = []
    for index, raw in enumerate(raw_rules):
        rule = parse_rule(raw, ParseContext(issues, f"$.rules[{index}]"))
        if rule is not None:
            rules.append(rule)
            indexes.append(index)
    complete = len(rules) == len(raw_rules)
    if not complete and not any(isinstance(r, dict) and r.get("rule-type") == "selection" for r in raw_rules):
        ctx.child("rules").error(
            "no-selection-rule",
            "no selection rule; DMS fails with 'Error in mapping rules. At least one selection rule is required.'",
        )
    if not complete:  # ids of broken rules still count: report duplicates among all of them
        issues.extend(
            rule_id_issues(
                [
                    (i, raw.get("rule-id"), raw.get("rule-name"))
                    for i, raw in enumerate(raw_rules)
                    if isinstance(raw, dict)
                ]
            )
        )
    return ParsedDocument(rules, indexes, issues, complete)


def parse_rule(raw: Any, ctx: ParseContext) -> Rule | None:
    """Parse one rule object, dispatching on ``rule-type``; None when it does not parse."""
    if not isinstance(raw, dict):
        ctx.error("wrong-type", f"a rule is a JSON object; got {raw!r}")
        return None
    rule_id, rule_name = raw.get("rule-id"), raw.get("rule-name")
    ctx.rule_id = str(rule_id) if isinstance(rule_id, (str, int)) and not isinstance(rule_id, bool) else None
    ctx.rule_name = rule_name if isinstance(rule_name, str) else None
    rule_type = raw.get("rule-type")
    if rule_type is None:
        ctx.error("missing-key", f"missing 'rule-type'; allowed: {_ALLOWED_TYPES}")
        return None
    try:
        cls = RULE_CLASSES[RuleType(rule_type)]
    except (ValueError, TypeError):
        ctx.child("rule-type").error(
            "unknown-value", f"rule-type {rule_type!r} is not allowed; allowed: {_ALLOWED_TYPES}"
        )
        return None
    for required in ("rule-id", "rule-name"):
        if required not in raw:
            ctx.error("missing-key", f"missing required key {required!r}; DMS needs it on every rule")
    rule = parse_model(cls, raw, ctx)
    if rule is INVALID or "rule-id" not in raw or "rule-name" not in raw:
        return None
    return rule  # type: ignore[no-any-return]


def parse_rule_fragment(raw: Any) -> Rule:
    """Parse a single rule object (as the docs print them), raising on shape errors."""
    issues: list[Issue] = []
    rule = parse_rule(raw, ParseContext(issues))
    if rule is None or any(i.is_error for i in issues):
        raise MappingError(issues or [Issue(Severity.ERROR, "invalid-rule", "$", "the rule does not parse")])
    return rule


def issues_for(data: Any, target: TargetEngine | None = None) -> list[Issue]:
    """All shape and meaning problems of a document, without raising (for the command line)."""
    parsed = parse_document(strip_nulls(data))
    return parsed.all_issues(target or infer_target(parsed.rules))
