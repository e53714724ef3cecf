"""The rules, one pure function each: (synthesized stack, resource) -> (compliance, why).

Every function takes the whole document (some rules follow references) and one block, and returns
NOT_APPLICABLE for blocks it does not judge. The message of a violation says the fix.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from mappings.terraform import unescape

Doc = dict[str, Any]


class Compliance(StrEnum):
    COMPLIANT = "compliant"
    NON_COMPLIANT = "non-compliant"
    NOT_APPLICABLE = "not-applicable"


@dataclass(frozen=True)
class Verdict:
    compliance: Compliance
    fix: str = ""


OK = Verdict(Compliance.COMPLIANT)
NA = Verdict(Compliance.NOT_APPLICABLE)


def bad(fix: str) -> Verdict:
    return Verdict(Compliance.NON_COMPLIANT, fix)


Rule = Callable[[Doc, str, str, dict[str, Any]], Verdict]  # (document, kind, type, body)


def _block(value: Any) -> dict[str, Any]:
    """Nested blocks are objects in CDKTF output and lists of objects in hand-written JSON."""
    if isinstance(value, list):
        return value[0] if value and isinstance(value[0], dict) else {}
    return value if isinstance(value, dict) else {}


def _ref(value: Any, type_name: str) -> str | None:
    """The block name a ``${type.name.attr}`` reference points at."""
    match = re.fullmatch(r"\$\{(?:data\.)?" + re.escape(type_name) + r"\.([^.}]+)\.[^}]+\}", value or "")
    return match.group(1) if match and isinstance(value, str) else None


def dms_instance_not_public(doc: Doc, kind: str, type_name: str, body: dict[str, Any]) -> Verdict:
    """DMS replication instances are not publicly accessible (unset counts as public)."""
    if type_name != "aws_dms_replication_instance":
        return NA
    return OK if body.get("publicly_accessible") is False else bad("set publicly_accessible = false")


def storage_encrypted(doc: Doc, kind: str, type_name: str, body: dict[str, Any]) -> Verdict:
    """RDS and Aurora storage, DynamoDB tables and DMS instance storage are encrypted (DMS with a CMK)."""
    if type_name in ("aws_db_instance", "aws_rds_cluster"):
        return OK if body.get("storage_encrypted") is True else bad("set storage_encrypted = true")
    if type_name == "aws_dynamodb_table":
        enabled = _block(body.get("server_side_encryption")).get("enabled") is True
        return OK if enabled else bad("set server_side_encryption { enabled = true }")
    if type_name == "aws_dms_replication_instance":
        return OK if body.get("kms_key_arn") else bad("give the replication instance a customer-managed kms_key_arn")
    return NA


def dynamodb_pitr(doc: Doc, kind: str, type_name: str, body: dict[str, Any]) -> Verdict:
    """DynamoDB tables have point-in-time recovery."""
    if type_name != "aws_dynamodb_table":
        return NA
    enabled = _block(body.get("point_in_time_recovery")).get("enabled") is True
    return OK if enabled else bad("set point_in_time_recovery { enabled = true }")


def deletion_protection(doc: Doc, kind: str, type_name: str, body: dict[str, Any]) -> Verdict:
    """Databases and tables holding migrated data have deletion protection."""
    field = {
        "aws_db_instance": "deletion_protection",
        "aws_rds_cluster": "deletion_protection",
        "aws_dynamodb_table": "deletion_protection_enabled",
    }.get(type_name)
    if field is None:
        return NA
    return OK if body.get(field) is True else bad(f"set {field} = true")


_SECRET_KEYS = re.compile(r"password|secret_string|secret_binary|private_key", re.IGNORECASE)
_SECRET_TYPES = {"random_password", "aws_secretsmanager_secret_version", "tls_private_key"}


def _keys(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            yield key
            yield from _keys(value)
    elif isinstance(node, list):
        for value in node:
            yield from _keys(value)


def no_secret_values(doc: Doc, kind: str, type_name: str, body: dict[str, Any]) -> Verdict:
    """No password or secret value in the JSON (nor, therefore, in Terraform state)."""
    if kind != "resource":
        return NA
    if type_name in _SECRET_TYPES:
        return bad(
            f"remove {type_name}: its value lands in state; let AWS hold the secret (Secrets Manager, RDS-managed)"
        )
    carriers = sorted({k for k in _keys(body) if _SECRET_KEYS.search(k)} - {"manage_master_user_password"})
    if carriers:
        return bad(f"remove {', '.join(carriers)}: use manage_master_user_password or a Secrets Manager secret")
    return OK


def _identity_documents(doc: Doc) -> dict[str, list[dict[str, Any]]]:
    """Statements of every identity policy, by policy document name (key and trust policies excluded)."""
    documents = doc.get("data", {}).get("aws_iam_policy_document", {})
    found: dict[str, list[dict[str, Any]]] = {}
    for type_name in ("aws_iam_role_policy", "aws_iam_policy", "aws_iam_user_policy", "aws_iam_group_policy"):
        for body in doc.get("resource", {}).get(type_name, {}).values():
            policy = body.get("policy", "")
            name = _ref(policy, "aws_iam_policy_document")
            if name and name in documents:
                found[name] = [_block(s) if isinstance(s, list) else s for s in documents[name].get("statement", [])]
    return found


#: Actions the Service Authorization Reference lists with no resource type: they need resource '*'. DMS
#: lists tables; a Glue job in a VPC describes the network its workers' interfaces go in.
UNSCOPED_ACTIONS = frozenset(
    {
        "dynamodb:ListTables",
        "ec2:DescribeNetworkInterfaces",
        "ec2:DescribeRouteTables",
        "ec2:DescribeSecurityGroups",
        "ec2:DescribeSubnets",
        "ec2:DescribeVpcAttribute",
        "ec2:DescribeVpcEndpoints",
    }
)


def _statement_problems(statements: list[dict[str, Any]]) -> list[str]:
    problems = []
    for statement in statements:
        if statement.get("effect", "Allow") != "Allow":
            continue
        actions = statement.get("actions") or statement.get("Action") or []
        actions = [actions] if isinstance(actions, str) else actions
        resources = statement.get("resources") or statement.get("Resource") or []
        resources = [resources] if isinstance(resources, str) else resources
        wildcard_actions = [a for a in actions if a == "*" or a.endswith(":*")]
        if wildcard_actions:
            problems.append(f"action {wildcard_actions[0]!r}: list the actions needed")
        if "*" in resources and not set(actions) <= UNSCOPED_ACTIONS:
            problems.append(
                f"resource '*' for {', '.join(actions)}: scope it to ARNs (only actions that take no resource ARN "
                f"may use '*': {', '.join(sorted(UNSCOPED_ACTIONS))})"
            )
    return problems


def iam_least_privilege(doc: Doc, kind: str, type_name: str, body: dict[str, Any]) -> Verdict:
    """Identity policies name their actions, and use resource '*' only for actions that take no ARN."""
    if kind == "data" and type_name == "aws_iam_policy_document":
        name = next((n for n, b in doc.get("data", {}).get(type_name, {}).items() if b is body), None)
        statements = _identity_documents(doc).get(name or "")
        if statements is None:
            return NA  # a trust or key policy, where "*" has another meaning
        problems = _statement_problems(statements)
        return bad("; ".join(problems)) if problems else OK
    if (
        kind == "resource"
        and type_name in ("aws_iam_role_policy", "aws_iam_policy")
        and isinstance(body.get("policy"), str)
        and not body["policy"].startswith("${")
    ):
        try:
            statements = json.loads(body["policy"]).get("Statement", [])
        except (ValueError, AttributeError):
            return bad("the policy is not valid JSON")
        problems = _statement_problems([s for s in statements if isinstance(s, dict)])
        return bad("; ".join(problems)) if problems else OK
    return NA


_OPEN = {"0.0.0.0/0", "::/0"}


def no_open_ingress(doc: Doc, kind: str, type_name: str, body: dict[str, Any]) -> Verdict:
    """No security group admits traffic from the whole internet."""
    if type_name == "aws_vpc_security_group_ingress_rule":
        cidrs = {body.get("cidr_ipv4"), body.get("cidr_ipv6")}
    elif type_name == "aws_security_group":
        cidrs = {
            c
            for rule in body.get("ingress", []) or []
            for c in [*(rule.get("cidr_blocks") or []), *(rule.get("ipv6_cidr_blocks") or [])]
        }
    else:
        return NA
    open_cidrs = sorted(c for c in cidrs if c in _OPEN)
    return (
        bad(f"remove ingress from {', '.join(open_cidrs)}; admit only the security groups that need it")
        if open_cidrs
        else OK
    )


BINLOG = {"binlog_format": "ROW", "binlog_row_image": "FULL"}


def mysql_binlog(doc: Doc, kind: str, type_name: str, body: dict[str, Any]) -> Verdict:
    """A MySQL source writes row binlogs with full images (DMS CDC needs both)."""
    if type_name == "aws_db_instance" and str(body.get("engine", "")).startswith("mysql"):
        group_type, reference = "aws_db_parameter_group", body.get("parameter_group_name")
    elif type_name == "aws_rds_cluster" and str(body.get("engine", "")) == "aurora-mysql":
        group_type, reference = "aws_rds_cluster_parameter_group", body.get("db_cluster_parameter_group_name")
    else:
        return NA
    name = _ref(reference, group_type)
    group = doc.get("resource", {}).get(group_type, {}).get(name or "")
    if group is None:
        return bad(f"attach a {group_type} with binlog_format = ROW and binlog_row_image = FULL")
    values = {p.get("name"): str(p.get("value")) for p in group.get("parameter", []) if isinstance(p, dict)}
    wrong = [f"{k} = {v}" for k, v in BINLOG.items() if values.get(k, "").upper() != v]
    return bad(f"set {' and '.join(wrong)} in {group_type}.{name}") if wrong else OK


def prep_mode_keeps_managed_table(doc: Doc, kind: str, type_name: str, body: dict[str, Any]) -> Verdict:
    """DMS does not drop and re-create a DynamoDB table this stack manages."""
    field = {
        "aws_dms_replication_task": "replication_task_settings",
        "aws_dms_replication_config": "replication_settings",
    }.get(type_name)
    if field is None:
        return NA
    if not doc.get("resource", {}).get("aws_dynamodb_table"):
        return NA
    try:
        settings = json.loads(unescape(str(body.get(field) or "{}")))
    except ValueError:
        return bad(f"{field} is not valid JSON")
    mode = settings.get("FullLoadSettings", {}).get("TargetTablePrepMode")
    # DMS's own default is DROP_AND_CREATE, so leaving it unset is as unsafe as setting it.
    return (
        OK
        if mode in ("DO_NOTHING", "TRUNCATE_BEFORE_LOAD")
        else bad(
            f"set FullLoadSettings.TargetTablePrepMode = DO_NOTHING (got {mode or 'unset: DMS defaults to DROP_AND_CREATE'})"
        )
    )


RULES: dict[str, Rule] = {
    "dms-instance-not-public": dms_instance_not_public,
    "storage-encrypted": storage_encrypted,
    "dynamodb-pitr": dynamodb_pitr,
    "deletion-protection": deletion_protection,
    "no-secret-values": no_secret_values,
    "iam-least-privilege": iam_least_privilege,
    "no-open-ingress": no_open_ingress,
    "mysql-binlog": mysql_binlog,
    "prep-mode-keeps-managed-table": prep_mode_keeps_managed_table,
}
