"""Guard-rails: small pure rules over a stack's synthesized Terraform JSON (cdk-nag style).

Each rule looks at the JSON exactly as Terraform will see it and says, per resource, COMPLIANT,
NON_COMPLIANT or NOT_APPLICABLE. ``attach_guardrails(stack)`` makes every violation fail synth with
the resource address and the fix; ``suppress(...)`` is the explicit, named escape for the rare
legitimate case, and it needs a reason.
"""

from constructs_lib.guardrails.engine import (
    Compliance,
    Finding,
    GuardrailValidation,
    Suppression,
    attach_guardrails,
    evaluate,
    suppress,
    violations,
)
from constructs_lib.guardrails.rules import RULES

__all__ = [
    "RULES",
    "Compliance",
    "Finding",
    "GuardrailValidation",
    "Suppression",
    "attach_guardrails",
    "evaluate",
    "suppress",
    "violations",
]
