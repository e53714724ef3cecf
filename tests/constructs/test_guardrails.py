"""Each guard-rail with a compliant and a non-compliant fixture, and the synth-time failure."""

from __future__ import annotations

import json
from typing import Any

import pytest
from cdktf import TerraformResource
from cdktf import Testing as TfTesting

from constructs_lib.errors import ConstructValidationError
from constructs_lib.guardrails import RULES, Compliance, Suppression, evaluate, suppress, violations
from stacks.config import StackConfig
from stacks.sakila import SakilaMigrationStack
from tests.synth import replication_instance

POLICY_REF = "${data.aws_iam_policy_document.doc.json}"


def resource(type_name: str, body: dict[str, Any], **extra: Any) -> dict[str, Any]:
    doc: dict[str, Any] = {"resource": {type_name: {"r": body}}}
    for key, value in extra.items():
        doc.setdefault(key, {}).update(value)
    return doc


def identity_policy(statements: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "resource": {"aws_iam_role_policy": {"p": {"role": "r", "policy": POLICY_REF}}},
        "data": {"aws_iam_policy_document": {"doc": {"statement": statements}}},
    }


def mysql(parameters: list[dict[str, str]]) -> dict[str, Any]:
    return {
        "resource": {
            "aws_db_instance": {"r": {"engine": "mysql", "parameter_group_name": "${aws_db_parameter_group.g.name}"}},
            "aws_db_parameter_group": {"g": {"family": "mysql8.0", "parameter": parameters}},
        }
    }


def task(prep_mode: str | None) -> dict[str, Any]:
    settings = {"FullLoadSettings": {"TargetTablePrepMode": prep_mode}} if prep_mode else {}
    return {
        "resource": {
            "aws_dms_replication_task": {"r": {"replication_task_settings": json.dumps(settings)}},
            "aws_dynamodb_table": {"t": {"name": "t"}},
        }
    }


FIXTURES: dict[str, tuple[dict[str, Any], dict[str, Any], str]] = {
    # rule: (compliant document, non-compliant document, fragment of the fix)
    "dms-instance-not-public": (
        resource("aws_dms_replication_instance", {"publicly_accessible": False}),
        resource("aws_dms_replication_instance", {}),
        "publicly_accessible = false",
    ),
    "storage-encrypted": (
        resource("aws_db_instance", {"storage_encrypted": True}),
        resource("aws_dynamodb_table", {"server_side_encryption": {"enabled": False}}),
        "enabled = true",
    ),
    "dynamodb-pitr": (
        resource("aws_dynamodb_table", {"point_in_time_recovery": [{"enabled": True}]}),
        resource("aws_dynamodb_table", {}),
        "point_in_time_recovery",
    ),
    "deletion-protection": (
        resource("aws_rds_cluster", {"deletion_protection": True}),
        resource("aws_dynamodb_table", {"deletion_protection_enabled": False}),
        "deletion_protection_enabled = true",
    ),
    "no-secret-values": (
        resource("aws_db_instance", {"manage_master_user_password": True}),
        resource("aws_dms_endpoint", {"password": "hunter2"}),
        "remove password",
    ),
    "iam-least-privilege": (
        identity_policy(
            [
                {"actions": ["dynamodb:ListTables"], "resources": ["*"]},
                {"actions": ["dynamodb:PutItem"], "resources": ["arn:aws:dynamodb:::table/t"]},
            ]
        ),
        identity_policy([{"actions": ["dynamodb:PutItem"], "resources": ["*"]}]),
        "resource '*' for dynamodb:PutItem",
    ),
    "no-open-ingress": (
        resource("aws_vpc_security_group_ingress_rule", {"referenced_security_group_id": "sg-1"}),
        resource("aws_vpc_security_group_ingress_rule", {"cidr_ipv6": "::/0"}),
        "remove ingress from ::/0",
    ),
    "mysql-binlog": (
        mysql([{"name": "binlog_format", "value": "ROW"}, {"name": "binlog_row_image", "value": "FULL"}]),
        mysql([{"name": "binlog_format", "value": "MIXED"}]),
        "binlog_format = ROW and binlog_row_image = FULL",
    ),
    "prep-mode-keeps-managed-table": (task("DO_NOTHING"), task(None), "unset: DMS defaults to DROP_AND_CREATE"),
}


def test_every_rule_has_fixtures() -> None:
    assert set(FIXTURES) == set(RULES)


def _verdicts(doc: dict[str, Any], rule: str) -> set[Compliance]:
    return {f.compliance for f in evaluate(doc) if f.rule == rule}


@pytest.mark.parametrize("rule", sorted(FIXTURES))
def test_compliant_fixture(rule: str) -> None:
    assert _verdicts(FIXTURES[rule][0], rule) == {Compliance.COMPLIANT}


@pytest.mark.parametrize("rule", sorted(FIXTURES))
def test_non_compliant_fixture(rule: str) -> None:
    _, doc, fix = FIXTURES[rule]
    found = [f for f in violations(doc) if f.rule == rule]
    assert len(found) == 1 and fix in (found[0].fix or ""), found


def test_rules_do_not_judge_what_they_do_not_cover() -> None:
    doc = resource("aws_sns_topic", {"name": "t"})
    assert {f.rule for f in evaluate(doc)} == {"no-secret-values"}


def test_trust_and_key_policies_may_use_star() -> None:
    doc = {
        "resource": {"aws_kms_key": {"k": {"policy": POLICY_REF}}},
        "data": {"aws_iam_policy_document": {"doc": {"statement": [{"actions": ["kms:*"], "resources": ["*"]}]}}},
    }
    assert _verdicts(doc, "iam-least-privilege") == set()


def test_every_example_stack_is_compliant(stack_docs: dict[str, Any]) -> None:
    for name, doc in stack_docs.items():
        assert violations(doc) == [], name


def test_a_violation_fails_synth_with_address_and_fix() -> None:
    stack = SakilaMigrationStack(TfTesting.app(), "sakila", StackConfig())
    instance = replication_instance(stack)
    instance.add_override("publicly_accessible", True)
    with pytest.raises(
        RuntimeError,
        match=r"error\[dms-instance-not-public\] aws_dms_replication_instance\.Migration_ReplicationInstance_\w+: "
        r"guard-rail dms-instance-not-public does not hold\n    fix: set publicly_accessible = false",
    ):
        TfTesting.synth(stack, run_validations=True)


def test_a_named_suppression_with_a_reason_lets_it_through() -> None:
    stack = SakilaMigrationStack(TfTesting.app(), "sakila", StackConfig())
    instance = replication_instance(stack)
    instance.add_override("publicly_accessible", True)
    suppress(
        stack,
        "dms-instance-not-public",
        "a lab account without a VPN; torn down after the rehearsal",
        resource=instance,
    )
    assert json.loads(TfTesting.synth(stack, run_validations=True))


def test_suppressions_need_a_known_rule_and_a_reason() -> None:
    with pytest.raises(ConstructValidationError, match=r"Suppression\.rule: 'no-such-rule'; allowed: dms-instance"):
        Suppression(rule="no-such-rule", reason="because it is fine here")
    with pytest.raises(ConstructValidationError, match="say why"):
        Suppression(rule="dynamodb-pitr", reason="ok")


def test_suppressions_belong_to_their_own_stack() -> None:
    # Two apps with a stack of the same name have the same construct address; a suppression in one
    # must not leak into the other.
    first = SakilaMigrationStack(TfTesting.app(), "sakila", StackConfig())
    suppress(first, "dynamodb-pitr", "a throwaway table for a load test, recreated every run")
    second = SakilaMigrationStack(TfTesting.app(), "sakila", StackConfig())
    table = second.node.find_child("Table").node.find_child("Resource")
    assert isinstance(table, TerraformResource)
    table.add_override("point_in_time_recovery.enabled", False)
    with pytest.raises(RuntimeError, match="guard-rail dynamodb-pitr"):
        TfTesting.synth(second, run_validations=True)


def test_account_lookups_belong_to_their_own_stack() -> None:
    from constructs_lib.account import AccountContext
    from tests.synth import new_stack

    first, second = new_stack(), new_stack()  # same name, different apps
    assert AccountContext.of(first) is AccountContext.of(first)
    assert AccountContext.of(first) is not AccountContext.of(second)


def test_star_is_accepted_only_for_actions_that_take_no_resource_arn() -> None:
    describe = ["ec2:DescribeSubnets", "ec2:DescribeSecurityGroups"]
    assert violations(identity_policy([{"actions": describe, "resources": ["*"]}])) == []
    (finding,) = violations(
        identity_policy([{"actions": [*describe, "ec2:CreateNetworkInterface"], "resources": ["*"]}])
    )
    assert finding.rule == "iam-least-privilege" and "ec2:CreateNetworkInterface" in str(finding.fix)
