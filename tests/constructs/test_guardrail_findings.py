"""The guard-rails report the project's one finding type: severity from compliance, code the rule, where the address."""

from __future__ import annotations

import json
from typing import Any

from constructs_lib.guardrails import Compliance, evaluate, violations
from mappings.findings import Finding, Severity, render_json

DOC: dict[str, Any] = {
    "resource": {
        "aws_dynamodb_table": {
            "Off": {"point_in_time_recovery": {"enabled": False}, "deletion_protection_enabled": True},
            "On": {"point_in_time_recovery": {"enabled": True}, "deletion_protection_enabled": True},
        }
    }
}


def test_each_verdict_is_a_finding_with_severity_code_and_where() -> None:
    pitr = {f.where: f for f in evaluate(DOC) if f.code == "dynamodb-pitr"}
    assert set(pitr) == {"aws_dynamodb_table.Off", "aws_dynamodb_table.On"}
    off, on = pitr["aws_dynamodb_table.Off"], pitr["aws_dynamodb_table.On"]
    assert isinstance(off, Finding) and off.compliance is Compliance.NON_COMPLIANT
    assert (off.severity, off.rule, off.address) == (Severity.ERROR, "dynamodb-pitr", "aws_dynamodb_table.Off")
    assert off.fix and "point_in_time_recovery" in off.fix
    assert (on.severity, on.fix) == (Severity.OK, None)


def test_violations_render_through_the_one_json_renderer() -> None:
    rendered = json.loads(render_json(f for f in violations(DOC) if f.code == "dynamodb-pitr"))
    assert [(r["severity"], r["code"], r["where"]) for r in rendered] == [
        ("error", "dynamodb-pitr", "aws_dynamodb_table.Off")
    ]
