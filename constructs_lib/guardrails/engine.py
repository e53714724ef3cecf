"""Runs the rules over a document, applies suppressions, and fails synth on violations."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import jsii
from cdktf import TerraformResource, TerraformStack
from constructs import Construct, IValidation

from constructs_lib.errors import ConstructValidationError
from constructs_lib.guardrails.rules import RULES, Compliance, Doc
from mappings.findings import Finding as ProjectFinding
from mappings.findings import Severity, render_text

__all__ = [
    "Compliance",
    "Finding",
    "GuardrailValidation",
    "Suppression",
    "attach_guardrails",
    "evaluate",
    "suppress",
    "violations",
]


_SEVERITY = {Compliance.COMPLIANT: Severity.OK, Compliance.NON_COMPLIANT: Severity.ERROR}


@dataclass(frozen=True, slots=True, init=False)
class Finding(ProjectFinding):
    """A rule's verdict on one resource, as the project's one finding type: code = rule, where = address."""

    compliance: Compliance

    def __init__(self, rule: str, address: str, compliance: Compliance, fix: str) -> None:
        holds = compliance is Compliance.COMPLIANT
        message = f"guard-rail {rule} holds" if holds else f"guard-rail {rule} does not hold"
        for name, value in (
            ("severity", _SEVERITY[compliance]),
            ("code", rule),
            ("where", address),
            ("message", message),
            ("fix", fix or None),
            ("compliance", compliance),
        ):
            object.__setattr__(self, name, value)

    @property
    def rule(self) -> str:
        return self.code

    @property
    def address(self) -> str:
        return self.where


@dataclass(frozen=True)
class Suppression:
    """An accepted violation: which rule, on which resource (None: the whole stack), and why."""

    rule: str
    reason: str
    address: str | None = None

    def __post_init__(self) -> None:
        if self.rule not in RULES:
            raise ConstructValidationError(f"Suppression.rule: {self.rule!r}; allowed: {', '.join(RULES)}")
        if len(self.reason.strip()) < 10:
            raise ConstructValidationError(f"Suppression.reason for {self.rule!r}: say why (at least a sentence)")

    def covers(self, finding: Finding) -> bool:
        return finding.rule == self.rule and self.address in (None, finding.address)


def _blocks(doc: Doc) -> Iterator[tuple[str, str, str, dict[str, Any]]]:
    for kind in ("resource", "data"):
        for type_name, blocks in doc.get(kind, {}).items():
            for name, body in blocks.items():
                address = f"{'data.' if kind == 'data' else ''}{type_name}.{name}"
                yield kind, type_name, address, body


def evaluate(doc: Doc) -> list[Finding]:
    """Every rule's verdict on every block it applies to."""
    findings = []
    for kind, type_name, address, body in _blocks(doc):
        for rule_id, rule in RULES.items():
            verdict = rule(doc, kind, type_name, body)
            if verdict.compliance is not Compliance.NOT_APPLICABLE:
                findings.append(Finding(rule_id, address, verdict.compliance, verdict.fix))
    return findings


def violations(doc: Doc, suppressions: tuple[Suppression, ...] = ()) -> list[Finding]:
    return [
        f
        for f in evaluate(doc)
        if f.compliance is Compliance.NON_COMPLIANT and not any(s.covers(f) for s in suppressions)
    ]


_ID = "Guardrails"


class _Guardrails(Construct):
    """Lives in the stack it guards and holds that stack's accepted suppressions."""

    def __init__(self, stack: TerraformStack) -> None:
        super().__init__(stack, _ID)
        self.suppressions: list[Suppression] = []


def _guardrails(scope: Construct) -> _Guardrails:
    found = TerraformStack.of(scope).node.try_find_child(_ID)
    if not isinstance(found, _Guardrails):
        raise ConstructValidationError("suppress: this stack has no guard-rails; call attach_guardrails(stack) first")
    return found


def suppress(scope: Construct, rule: str, reason: str, *, resource: TerraformResource | None = None) -> Suppression:
    """Accept one rule's violation on ``resource`` (or the whole stack), with a reason."""
    address = f"{resource.terraform_resource_type}.{resource.friendly_unique_id}" if resource is not None else None
    suppression = Suppression(rule=rule, reason=reason, address=address)
    _guardrails(scope).suppressions.append(suppression)
    return suppression


@jsii.implements(IValidation)
class GuardrailValidation:
    """Fails synth when a rule is violated (unless suppressed)."""

    def __init__(self, stack: TerraformStack, holder: _Guardrails) -> None:
        self.stack, self.holder = stack, holder

    def validate(self) -> list[str]:
        doc = self.stack.to_terraform()
        return [render_text([f]) for f in violations(doc, tuple(self.holder.suppressions))]


def attach_guardrails(stack: TerraformStack) -> None:
    stack.node.add_validation(GuardrailValidation(stack, _Guardrails(stack)))
